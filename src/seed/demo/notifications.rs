//! Demo inboxes: the platform admin, Severn Valley's CPD lead and Kingsmead's headteacher
//! each have a few notifications about demo objects, some read and some not, as
//! `viewer { notifications unreadCount }` shows them.

use chrono::{Duration, Utc};
use entity::enums::NotificationType;
use entity::{community_meeting, notification, person, practice};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::graphql::ids::NodeKind;

const PEOPLE: &[&str] = &[
    "admin@trellis.example",
    "cpd.lead@severnvalley.example",
    "headteacher@kingsmead.example",
];

pub(super) async fn load(txn: &DatabaseTransaction) -> anyhow::Result<()> {
    let (Some(practice), Some(meeting)) = (
        practice::Entity::find()
            .order_by_asc(practice::Column::Id)
            .one(txn)
            .await?,
        community_meeting::Entity::find()
            .order_by_asc(community_meeting::Column::Id)
            .one(txn)
            .await?,
    ) else {
        anyhow::bail!("the demo has practice and meetings before notifications");
    };
    let people = person::Entity::find()
        .filter(person::Column::Email.is_in(PEOPLE.iter().copied()))
        .order_by_asc(person::Column::Id)
        .all(txn)
        .await?;
    let now = Utc::now();
    let told = [
        (
            NotificationType::PracticeApproved,
            format!("Approved: {}", practice.title),
            NodeKind::Practice.id(practice.id),
            Duration::days(3),
            true,
        ),
        (
            NotificationType::PracticeSubmitted,
            format!("Practice to review: {}", practice.title),
            NodeKind::Practice.id(practice.id),
            Duration::days(1),
            false,
        ),
        (
            NotificationType::MeetingScheduled,
            format!("New meeting: {}", meeting.title),
            NodeKind::CommunityMeeting.id(meeting.id),
            Duration::hours(2),
            false,
        ),
    ];
    for person in &people {
        for (kind, text, about, ago, read) in &told {
            let at = now - *ago;
            notification::ActiveModel {
                person_id: Set(person.id),
                kind: Set(*kind),
                text: Set(text.clone()),
                subject_id: Set(about.to_string()),
                created_at: Set(at),
                read_at: Set(read.then_some(at + Duration::hours(1))),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}
