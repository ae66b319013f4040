//! Generated practice (`trellis seed --practice N`) stores the same endorsement and
//! adaptation counts that editing through the API keeps (`practice::counts`).

use std::collections::HashMap;

use entity::enums::PracticeStatus;
use entity::{practice, practice_endorsement};
use sea_orm::EntityTrait;

use crate::practice_world::practice_world;

#[tokio::test]
async fn seeded_practice_stores_its_true_counts() {
    let w = practice_world().await;
    let summary = trellis::seed::generated::practice::seed_practice(&w.app.db, 600, 3)
        .await
        .expect("seeding practice");
    assert!(
        summary.endorsements > 0 && summary.adaptations > 0,
        "{summary:?}"
    );

    let items = practice::Entity::find().all(&w.app.db).await.unwrap();
    let mut endorsements: HashMap<i32, i32> = HashMap::new();
    for row in practice_endorsement::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap()
    {
        *endorsements.entry(row.practice_id).or_default() += 1;
    }
    let mut adaptations: HashMap<i32, i32> = HashMap::new();
    for item in &items {
        let counted = matches!(
            item.status,
            PracticeStatus::Published | PracticeStatus::Archived
        ) && item.taken_down_at.is_none();
        if let (Some(origin), true) = (item.adapted_from_id, counted) {
            *adaptations.entry(origin).or_default() += 1;
        }
    }
    assert_eq!(items.len(), summary.practices);
    for item in &items {
        let id = item.id;
        assert_eq!(
            item.endorsement_count,
            endorsements.get(&id).copied().unwrap_or(0),
            "endorsements of {id}"
        );
        assert_eq!(
            item.adaptation_count,
            adaptations.get(&id).copied().unwrap_or(0),
            "adaptations of {id}"
        );
    }
}
