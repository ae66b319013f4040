//! Database migrations. Append-only once landed: change the schema with a new file.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_core;
mod m20261123_000002_seed_themes;
mod m20261123_000003_communities;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_core::Migration),
            Box::new(m20261123_000002_seed_themes::Migration),
            Box::new(m20261123_000003_communities::Migration),
        ]
    }
}
