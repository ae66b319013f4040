//! Delta sync: `updatedSince` on the root lists of schools, people, communities and
//! practice, and `sync(updatedSince:)` for the watermark and the tombstones, so that a
//! mobile client or a warehouse keeps a local copy in step without reloading it.
//!
//! The design, and why (README: "Keeping a local copy in step"):
//! - **Changes** are rows with `updated_at > updatedSince`, ordered by `(updated_at, id)`
//!   with a cursor on that key (`delta::delta_page`): a row edited while a client pages
//!   through a delta moves behind the cursor and is met again, never skipped.
//! - **The watermark** (`syncedAt`) is the time the read started minus a margin
//!   (`--sync-margin-secs`, longer than any write transaction): a change whose
//!   transaction was still open during the read carries an earlier `updated_at` than its
//!   commit, and the margin makes the next delta start before it. A client may see an
//!   item twice, never miss one.
//! - **Tombstones** (`tombstones`) are written in the change's own transaction, wherever an
//!   object is deleted or leaves an audience, with the audiences that saw it just before.
//!   A caller is shown one only when, now, they reach every one of those audiences (so
//!   never the id of something they could not see) and no longer see the object (so a
//!   client never deletes what it still may show).
//! - **Reach** (`reach`): when what the caller may see changed since `updatedSince` (a
//!   role or membership started or ended, a school joined or left an alliance) old rows
//!   may have come into view and tombstones cannot be trusted, so the answer is
//!   `resyncRequired` (and `RESYNC_REQUIRED` from a list) instead of a guess: a digest of
//!   the caller's reach is kept per person and compared on every sync read, whatever
//!   caused the change.
//! - **Bounded**: tombstones older than `RETENTION_DAYS` are pruned as new ones are
//!   written; an `updatedSince` older than that is answered with `resyncRequired`.

mod changes;
mod delta;
mod reach;
pub mod tombstones;
mod types;

pub use changes::{adaptations_changed, person_changed};
pub use delta::{RETENTION_DAYS, checked_since, cursor_time, delta_page, time_text};
pub use types::{SyncKind, SyncQuery};
