//! The integration tests: each module drives a real server over HTTP on a random port,
//! on SQLite by default or on PostgreSQL when `TEST_DATABASE_URL` is set. One binary
//! rather than one per file: the crate and its dependencies are linked once.

mod common;
mod community_world;
mod input_schema;
mod practice_readers;
mod practice_world;
mod support_world;
mod world;

mod adaptation_audience;
mod alliance_scenario;
mod audit_reading;
mod awaiting_approval;
mod batched_conditions;
mod canonical_ids;
mod communities_bad_input;
mod communities_scenario;
mod communities_visibility;
mod concurrent_steps;
mod concurrent_writes;
mod declines;
mod demo_data;
mod editing;
mod hidden_filters;
mod hostile_input;
mod http_limits;
mod invitation_upkeep;
mod invitations;
mod link_input;
mod meeting_records;
mod notifications;
mod numeric_input;
mod outage;
mod pagination;
mod policy;
mod policy_agreement;
mod practice_bad_input;
mod practice_history;
mod practice_scenario;
mod practice_search;
mod practice_visibility;
mod practice_word_forms;
mod related_objects;
mod rows;
mod schema_file;
mod seed_practice;
mod sessions;
mod smoke;
mod spec_conformance;
mod sql_count;
mod support_bad_input;
mod support_policy;
mod support_scenario;
mod support_sql_count;
mod text_input;
