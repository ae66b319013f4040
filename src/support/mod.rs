//! Needs, offers and brokering: a school posts a support request, staff and schools post
//! offers of support in their strengths, and an alliance's CPD lead, helped by ranked
//! suggestions, brokers a request into a support arrangement.
//!
//! Days are given and shown as `Float`s in steps of half a day, and stored as whole half
//! days, so that capacity arithmetic is exact on every database.

/// Declares the inputs of status steps of one kind of object: its id in `$id`, and a note
/// on why, kept in its history (each documented by the attributes in its brackets; each
/// input by the attributes before its name).
macro_rules! step_inputs {
    ($id:ident $id_doc:tt $note:tt; $($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        step_inputs!(@input $id $id_doc $note $(#[$doc])* $name);
    )+};
    (
        @input $id:ident [$(#[$id_doc:meta])*] [$(#[$note:meta])*]
        $(#[$doc:meta])* $name:ident
    ) => {
        $(#[$doc])*
        #[derive(async_graphql::InputObject)]
        pub struct $name {
            $(#[$id_doc])*
            pub $id: async_graphql::ID,
            $(#[$note])*
            pub note: Option<String>,
        }
    };
}

pub mod arrangements;
pub mod listing;
mod node;
pub mod offers;
pub mod queries;
pub mod requests;
pub mod suggestions;
pub mod types;

pub use types::{SupportArrangement, SupportOffer, SupportRequest};

use async_graphql::ID;
use chrono::Utc;
use entity::enums::{
    SchoolPhase, SupportArrangementStatus, SupportOfferStatus, SupportRequestStatus,
};
use entity::{
    support_arrangement, support_arrangement_change, support_offer, support_offer_change,
    support_request, support_request_change,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::audit::AuditEntry;
use crate::auth::policy::Access;
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::{NodeKind, find_visible};
use crate::graphql::versioned::{Change, LifeCycle, VersionedRow};

/// Longest title of a request or offer.
pub const TITLE_MAX: usize = 200;
/// Longest Markdown description.
pub const DESCRIPTION_MAX: usize = 10_000;
/// Longest focus of an arrangement, or note on a status change.
pub const NOTE_MAX: usize = 2_000;
/// Longest closing note of an arrangement.
pub const CLOSING_NOTE_MAX: usize = 5_000;
/// Most days a request, an offer (per term) or an arrangement may hold.
pub const MAX_DAYS: f64 = 100.0;

/// Reads a number of days given as input: from half a day to `MAX_DAYS`, in steps of half a
/// day, exactly (a float of whole half days doubles to a whole number without rounding, so
/// nothing in between is silently rounded, not even `1e-300` to nothing). Returns it in half
/// days.
pub fn half_days(field: &str, days: f64) -> Result<i32, UserError> {
    if !(0.5..=MAX_DAYS).contains(&days) {
        return Err(UserError::invalid(
            field,
            format!("must be from 0.5 to {MAX_DAYS} days"),
        ));
    }
    let half = days * 2.0;
    if half.fract() != 0.0 {
        return Err(UserError::invalid(field, "must be in steps of half a day"));
    }
    Ok(half as i32)
}

/// Half days as days.
pub fn days(half_days: i32) -> f64 {
    f64::from(half_days) / 2.0
}

/// Phases as stored: a JSON array, duplicates dropped.
pub fn phases_json(phases: &[SchoolPhase]) -> serde_json::Value {
    let mut unique: Vec<SchoolPhase> = Vec::new();
    for phase in phases {
        if !unique.contains(phase) {
            unique.push(*phase);
        }
    }
    serde_json::to_value(unique).unwrap_or_default()
}

pub fn phases_of(json: &serde_json::Value) -> Vec<SchoolPhase> {
    serde_json::from_value(json.clone()).unwrap_or_default()
}

/// The request named by input `field`, if the caller sees it; otherwise `NOT_FOUND`.
pub async fn visible_request(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<support_request::Model> {
    let id = (id, NodeKind::SupportRequest);
    find_visible::<support_request::Entity>(conn, access, id, field, |access, row| {
        access.sees_support_request(row)
    })
    .await
}

/// The offer named by input `field`, if the caller sees it; otherwise `NOT_FOUND`.
pub async fn visible_offer(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<support_offer::Model> {
    let id = (id, NodeKind::SupportOffer);
    find_visible::<support_offer::Entity>(conn, access, id, field, |access, row| {
        access.sees_support_offer(row)
    })
    .await
}

/// The arrangement named by input `field`, if the caller sees it; otherwise `NOT_FOUND`.
pub async fn visible_arrangement(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<support_arrangement::Model> {
    let id = (id, NodeKind::SupportArrangement);
    find_visible::<support_arrangement::Entity>(conn, access, id, field, |access, row| {
        access.sees_support_arrangement(row)
    })
    .await
}

/// Starts a step of a request's, an offer's or an arrangement's life cycle to `status`,
/// which only the statuses `from` lead to; from any other, an `INVALID_STATE` error on the
/// input `field` naming the object as `what`. Patch what else the step changes, then save it
/// with `save_step`, or with `Change::save_step` where more happens before its audit entry.
pub fn step<'a, M>(
    current: &'a M,
    status: <M::Entity as LifeCycle>::Status,
    from: &[<M::Entity as LifeCycle>::Status],
    (field, what): (&str, &str),
) -> Result<Change<'a, M>, UserError>
where
    M: VersionedRow<Entity: LifeCycle<Status: PartialEq + std::fmt::Debug>>,
{
    let now = M::Entity::status(current);
    if !from.contains(&now) {
        return Err(UserError::wrong_state(field, what, now));
    }
    Ok(Change::step(current, status, Utc::now()))
}

/// Saves a step with its history row, taken by the caller for the reason `note`, and its
/// audit entry `action`.
pub async fn save_step<M>(
    conn: &impl ConnectionTrait,
    access: &Access,
    change: Change<'_, M>,
    note: Option<String>,
    action: &str,
) -> MutationResult<M>
where
    M: VersionedRow<Entity: LifeCycle> + Audited,
{
    let row = change.save_step(conn, access.person_id, note).await?;
    audit(conn, access, action, &row).await?;
    Ok(row)
}

/// Requests, offers and arrangements each keep the history of their status in a table of
/// the same shape, keyed by the row's id in `$key`.
macro_rules! life_cycle {
    ($($table:ident: $status:ty, history $history:ident.$key:ident;)+) => {$(
        impl LifeCycle for $table::Entity {
            type Status = $status;

            fn status(row: &Self::Model) -> $status {
                row.status
            }

            fn set_status(change: &mut Self::ActiveModel, status: $status) {
                change.status = Set(status);
            }

            async fn keep_history(
                conn: &impl ConnectionTrait,
                row: &Self::Model,
                from: Option<$status>,
                by: i32,
                note: Option<String>,
            ) -> Result<(), DbErr> {
                $history::ActiveModel {
                    $key: Set(row.id),
                    from_status: Set(from),
                    to_status: Set(row.status),
                    note: Set(note),
                    changed_by_id: Set(by),
                    changed_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(conn)
                .await?;
                Ok(())
            }
        }
    )+};
}

life_cycle! {
    support_request: SupportRequestStatus, history support_request_change.request_id;
    support_offer: SupportOfferStatus, history support_offer_change.offer_id;
    support_arrangement: SupportArrangementStatus, history support_arrangement_change.arrangement_id;
}

/// A request, an offer or an arrangement, as the audit log keeps it.
pub trait Audited {
    fn audited(&self) -> Subject;
}

/// What an audit entry says of the row changed.
pub struct Subject {
    pub id: ID,
    pub alliance: i32,
    pub school: Option<i32>,
    pub details: serde_json::Value,
}

/// Records a change to `row` in the audit log, in the change's transaction.
pub async fn audit(
    conn: &impl ConnectionTrait,
    access: &Access,
    action: &str,
    row: &impl Audited,
) -> Result<(), DbErr> {
    let subject = row.audited();
    AuditEntry::by(access.person_id, action, subject.id)
        .alliance(Some(subject.alliance))
        .school(subject.school)
        .details(subject.details)
        .record(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_exact_half_day_steps_from_half_a_day_to_a_hundred() {
        assert_eq!(half_days("days", 0.5).unwrap(), 1);
        assert_eq!(half_days("days", 2.5).unwrap(), 5);
        assert_eq!(half_days("days", MAX_DAYS).unwrap(), 200);
        for days in [
            1e-300,
            0.0,
            -0.0,
            -0.5,
            0.25,
            0.5000000001,
            99.99999999999,
            100.5,
            f64::INFINITY,
            f64::NAN,
        ] {
            assert!(half_days("days", days).is_err(), "{days}");
        }
    }
}

// The domain's mutations, merged into the schema's `Mutation` (`schema`).
#[derive(async_graphql::MergedObject, Default)]
pub struct SupportMutations(
    requests::SupportRequestMutation,
    offers::SupportOfferMutation,
    arrangements::SupportArrangementMutation,
);
