//! Database migrations. Append-only once landed: change the schema with a new file.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_core;
mod m20261123_000002_seed_themes;
mod m20261123_000003_communities;
mod m20261123_000004_practice;
mod m20261123_000005_support;
mod m20261123_000006_practice_search;
mod m20261202_000007_practice_search_storage;
mod m20261206_000010_adaptation_ancestors_audit_subjects;
mod m20261206_000013_invitation_upkeep_versions_declined;
mod m20261206_000020_discussion_hosts;
mod m20261207_000030_service_accounts;
mod m20261207_000031_webhooks;
mod m20261207_000032_imports;
mod m20261207_000033_identity_providers;
mod m20261207_000034_sync;
mod m20261208_000040_events;
mod m20261208_000042_notifications_inbox;
mod m20261208_000043_cluster;
mod m20261209_000045_coaching;
mod m20261209_000046_observation;
mod m20261210_000047_leadership;
mod m20261210_000048_record_rules;
mod m20261211_000049_webhook_retention;
mod m20261212_000050_notification_queue;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_core::Migration),
            Box::new(m20261123_000002_seed_themes::Migration),
            Box::new(m20261123_000003_communities::Migration),
            Box::new(m20261123_000004_practice::Migration),
            Box::new(m20261123_000005_support::Migration),
            Box::new(m20261123_000006_practice_search::Migration),
            Box::new(m20261202_000007_practice_search_storage::Migration),
            Box::new(m20261206_000010_adaptation_ancestors_audit_subjects::Migration),
            Box::new(m20261206_000013_invitation_upkeep_versions_declined::Migration),
            Box::new(m20261206_000020_discussion_hosts::Migration),
            Box::new(m20261207_000030_service_accounts::Migration),
            Box::new(m20261207_000031_webhooks::Migration),
            Box::new(m20261207_000032_imports::Migration),
            Box::new(m20261207_000033_identity_providers::Migration),
            Box::new(m20261207_000034_sync::Migration),
            Box::new(m20261208_000040_events::Migration),
            Box::new(m20261208_000042_notifications_inbox::Migration),
            Box::new(m20261208_000043_cluster::Migration),
            Box::new(m20261209_000045_coaching::Migration),
            Box::new(m20261209_000046_observation::Migration),
            Box::new(m20261210_000047_leadership::Migration),
            Box::new(m20261210_000048_record_rules::Migration),
            Box::new(m20261211_000049_webhook_retention::Migration),
            Box::new(m20261212_000050_notification_queue::Migration),
        ]
    }
}
