use crate::enums::{EventAudience, EventKind, EventStatus};
use sea_orm::entity::prelude::*;

/// A CPD event hosted by an alliance, or by one of its schools (`host_school_id`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    /// The school that hosts it; none when the alliance itself does.
    pub host_school_id: Option<i32>,
    pub kind: EventKind,
    pub title: String,
    pub description_markdown: String,
    /// Theme ids as `,3,14,`.
    pub theme_keys: String,
    /// JSON array of `SchoolPhase` names.
    pub phases: Json,
    pub venue_school_id: Option<i32>,
    pub address: Option<String>,
    pub online_url: Option<String>,
    pub capacity: i32,
    /// Bookings holding a place; changed only by one conditional `UPDATE` at a time.
    pub places_taken: i32,
    pub booking_opens_at: Option<DateTimeUtc>,
    pub booking_closes_at: Option<DateTimeUtc>,
    pub audience: EventAudience,
    /// The partnership whose schools may book, when the audience is a partnership.
    pub partnership_id: Option<i32>,
    /// Whether a booking waits for one of the person's school leaders to approve it.
    pub approval_required: bool,
    /// The release time attending costs, in half days.
    pub release_half_days: i32,
    /// Weeks after the event that the impact follow-up is due.
    pub follow_up_weeks: i32,
    pub status: EventStatus,
    pub cancelled_reason: Option<String>,
    /// Its first session's start, kept by the mutations.
    pub starts_at: DateTimeUtc,
    /// Its last session's end, kept by the mutations.
    pub ends_at: DateTimeUtc,
    pub created_by_id: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
