//! The integration tests: each module drives a real server over HTTP on a random port,
//! on SQLite by default or on PostgreSQL when `TEST_DATABASE_URL` is set. One binary
//! rather than one per file: the crate and its dependencies are linked once.

mod common;
mod community_world;
mod practice_readers;
mod practice_world;
mod support_world;
mod world;

mod alliance_scenario;
mod awaiting_approval;
mod communities_bad_input;
mod communities_scenario;
mod communities_visibility;
mod declines;
mod demo_data;
mod editing;
mod http_limits;
mod invitation_upkeep;
mod invitations;
mod meeting_records;
mod pagination;
mod policy;
mod practice_bad_input;
mod practice_history;
mod practice_scenario;
mod practice_search;
mod practice_visibility;
mod rows;
mod schema_file;
mod seed_practice;
mod sessions;
mod smoke;
mod sql_count;
mod support_bad_input;
mod support_policy;
mod support_scenario;
mod support_sql_count;
