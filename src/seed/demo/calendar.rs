//! Demo calendar feeds with well-known tokens (demo data only): Severn Valley's events, and
//! the bookings of Kingsmead's teacher. `print_accounts` prints their URLs.

use chrono::Utc;
use entity::{calendar_feed, person};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use crate::auth::tokens::digest;

/// The token of Severn Valley's feed of events.
pub const DEMO_ALLIANCE_FEED: &str = "trellis_cal_demo_only_severn_valley_events";
/// The token of the feed of Kingsmead's teacher's bookings.
pub const DEMO_PERSON_FEED: &str = "trellis_cal_demo_only_kingsmead_teacher";

pub(super) async fn load(txn: &DatabaseTransaction, severn_valley: i32) -> anyhow::Result<()> {
    let find = |email: &'static str| async move {
        person::Entity::find()
            .filter(person::Column::Email.eq(email))
            .one(txn)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo has {email}"))
    };
    let lead = find("cpd.lead@severnvalley.example").await?;
    let teacher = find("teacher@kingsmead.example").await?;
    for (token, person, alliance, by) in [
        (DEMO_ALLIANCE_FEED, None, Some(severn_valley), lead.id),
        (DEMO_PERSON_FEED, Some(teacher.id), None, teacher.id),
    ] {
        calendar_feed::ActiveModel {
            token_hash: Set(digest(token)),
            person_id: Set(person),
            alliance_id: Set(alliance),
            created_by_id: Set(by),
            created_at: Set(Utc::now()),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
