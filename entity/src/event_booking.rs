use crate::enums::BookingStatus;
use sea_orm::entity::prelude::*;

/// A person's booking on an event: one per event and person (booking again after
/// cancelling reuses it).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event_booking")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub person_id: i32,
    /// The school the person attends from: its leaders approve, its ledger counts the days.
    pub school_id: i32,
    pub booked_by_id: i32,
    pub status: BookingStatus,
    /// When it joined the waitlist: the waitlist's order (then `id`).
    pub waitlisted_at: Option<DateTimeUtc>,
    /// The school leader who approved or declined it.
    pub decided_by_id: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    pub decline_reason: Option<String>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub attendance_recorded_by_id: Option<i32>,
    pub attendance_recorded_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
