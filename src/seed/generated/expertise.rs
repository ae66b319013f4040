//! Generated expertise profiles for the coaching benchmarks: about a third of the current
//! staff declare a development need and about one in six a strength, each in one theme of
//! the personalised-learning framework; half of those with a strength offer to coach (3 to 9
//! sessions a term). Deterministic for a seed and a database (it reads the staff already
//! there, in id order); rows go in with multi-row inserts inside one transaction.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use entity::enums::ExpertiseKind;
use entity::{coaching_availability, expertise_entry, staff_role};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};

use super::{insert_chunks, learning_themes};
use crate::graphql::versioned::InsertFirst;

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub needs: usize,
    pub strengths: usize,
    pub coaches: usize,
}

/// Seeds expertise profiles over the staff in the database.
pub async fn seed_expertise(db: &DatabaseConnection, seed: u64) -> anyhow::Result<Written> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0c0a_c41e);
    let themes = learning_themes(db).await?;
    if themes.is_empty() {
        return Ok(Written::default());
    }
    let people: BTreeSet<i32> = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::PersonId)
        .filter(staff_role::Column::EndsOn.is_null())
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let at = Utc
        .with_ymd_and_hms(2025, 11, 3, 9, 0, 0)
        .single()
        .expect("a time");
    let mut entries = Vec::new();
    let mut availability = Vec::new();
    let mut written = Written::default();
    for person in people {
        let roll: f64 = rng.random();
        let kind = if roll < 0.33 {
            ExpertiseKind::Need
        } else if roll < 0.50 {
            ExpertiseKind::Strength
        } else {
            continue;
        };
        let theme = *themes.choose(&mut rng).expect("themes");
        entries.push(
            expertise_entry::ActiveModel {
                person_id: Set(person),
                theme_id: Set(theme),
                kind: Set(kind),
                evidence: Set("Seen in lessons and in the school's own review.".into()),
                confirmed_by_id: Set(None),
                confirmed_at: Set(None),
                ..Default::default()
            }
            .first_version(at),
        );
        match kind {
            ExpertiseKind::Need => written.needs += 1,
            ExpertiseKind::Strength => {
                written.strengths += 1;
                if rng.random_bool(0.5) {
                    written.coaches += 1;
                    availability.push(
                        coaching_availability::ActiveModel {
                            person_id: Set(person),
                            visible_as_coach: Set(true),
                            sessions_per_term: Set(rng.random_range(3..=9)),
                            ..Default::default()
                        }
                        .first_version(at),
                    );
                }
            }
        }
    }
    let txn = db.begin().await?;
    insert_chunks(&txn, &mut entries).await?;
    insert_chunks(&txn, &mut availability).await?;
    txn.commit().await?;
    // The planner's statistics were taken before these rows (the seed analyzes first).
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE expertise_entry; ANALYZE coaching_availability")
            .await?;
    }
    Ok(written)
}
