//! The tables whose rows carry a `version`, which every change moves on by one, so that a
//! change made from a version that is no longer current can be refused. The API writes
//! them through `graphql::versioned::Change`; a table listed here can be written so. A new
//! row starts at version 1 through `graphql::versioned::InsertFirst`, whoever writes it (the
//! API or the demo data; rows written in batches, by imports and the generated data, through
//! its `first_version`).

use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, Set};

/// A table whose rows have an integer `id` and a `version`.
pub trait Versioned: EntityTrait {
    const ID: Self::Column;
    const VERSION: Self::Column;

    /// The row's id and version.
    fn id_and_version(row: &Self::Model) -> (i32, i32);

    fn set_version(change: &mut Self::ActiveModel, version: i32);
}

/// A versioned table that also keeps when a row was last edited (`updated_at`).
pub trait Touched: Versioned {
    fn set_updated_at(change: &mut Self::ActiveModel, at: DateTime<Utc>);
}

/// A touched table that also keeps when a row was made (`created_at`).
pub trait Created: Touched {
    /// Makes `row` a new row's first version, made (and so last edited) `at`.
    fn set_first_version(row: &mut Self::ActiveModel, at: DateTime<Utc>);
}

macro_rules! versioned {
    ($($table:ident),+ $(,)?) => {$(
        impl Versioned for crate::$table::Entity {
            const ID: Self::Column = crate::$table::Column::Id;
            const VERSION: Self::Column = crate::$table::Column::Version;

            fn id_and_version(row: &Self::Model) -> (i32, i32) {
                (row.id, row.version)
            }

            fn set_version(change: &mut Self::ActiveModel, version: i32) {
                change.version = Set(version);
            }
        }
    )+};
}

macro_rules! touched {
    ($($table:ident),+ $(,)?) => {$(
        versioned!($table);

        impl Touched for crate::$table::Entity {
            fn set_updated_at(change: &mut Self::ActiveModel, at: DateTime<Utc>) {
                change.updated_at = Set(at);
            }
        }
    )+};
}

macro_rules! created {
    ($($table:ident),+ $(,)?) => {$(
        touched!($table);

        impl Created for crate::$table::Entity {
            fn set_first_version(row: &mut Self::ActiveModel, at: DateTime<Utc>) {
                row.version = Set(1);
                row.created_at = Set(at);
                row.updated_at = Set(at);
            }
        }
    )+};
}

created!(
    alliance,
    coaching_action_step,
    coaching_availability,
    coaching_cycle,
    coaching_relationship,
    community,
    community_meeting,
    discussion_post,
    enquiry,
    event,
    event_booking,
    event_evaluation,
    event_follow_up,
    leadership_invitation,
    observation,
    expertise_entry,
    partnership,
    person,
    practice,
    practice_endorsement,
    reflection,
    release_limit,
    school,
    support_arrangement,
    support_offer,
    support_request,
    webhook_endpoint,
);

// An alliance membership keeps when it was invited, joined and ended, not when it was made.
touched!(alliance_membership);

// A staff role keeps no time of its last edit.
versioned!(staff_role);
