//! Optimistic concurrency: an update applies only to the version the client read, or to
//! the row as the server read it before checking that the change is allowed.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::errors::{MutationError, MutationResult, UserError};

/// Writes `change` to the row `id` if its version is still `expected`, and returns the row
/// as written; otherwise nothing is written and the client gets a `Conflict` error.
/// `change` sets the next version.
///
/// A change checked against the row as read (a status step, moderation) passes the
/// version read as `expected`: two such changes at once would otherwise both pass the
/// check, both be written, and move the version on by one between them.
pub async fn update_if_version<E, A>(
    conn: &impl ConnectionTrait,
    change: A,
    id: (E::Column, i32),
    version: (E::Column, i32),
    on_error: impl FnOnce(sea_orm::DbErr) -> MutationError,
) -> MutationResult<E::Model>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E>,
{
    if version.1 < 1 {
        // Versions start at 1: this one was never read from the object.
        return Err(UserError::invalid(
            "expectedVersion",
            "must be the `version` read from the object (1 or more)",
        )
        .into());
    }
    E::update_many()
        .set(change)
        .filter(id.0.eq(id.1))
        .filter(version.0.eq(version.1))
        .exec_with_returning(conn)
        .await
        .map_err(on_error)?
        .pop()
        .ok_or_else(|| UserError::conflict().into())
}
