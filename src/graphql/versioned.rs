//! Optimistic concurrency: an update applies only to the version the client read, or to
//! the row as the server read it before checking that the change is allowed.
//!
//! Every change to a row of a versioned table (`entity::versioned`) is written the same
//! way, in the request's transaction:
//!
//! ```ignore
//! let current = visible_thing(&txn, &access, &input.thing_id, "thingId").await?; // load visible
//! allowed(access.changes_thing(&current), "only ... change it")?;               // check allowed
//! let mut change = Change::edit(&current, Utc::now());                          // next version
//! change.title = Set(validation::required("title", title, 200)?);              // patch
//! let thing = change.save(&txn, input.expected_version).await?;                // write if version
//! audit(&txn, &access, "thing.updated", &thing).await?;                         // audit the row as written
//! ```
//!
//! A change the server checks against the row as read (a status step, moderation) is
//! saved with `save_as_read`; a step of a life cycle (`LifeCycle`) is a `Change::step`,
//! saved with its history row by `save_step`. Only arithmetic on a stored count, which must
//! add up whatever the version, is written otherwise: as one `UPDATE` that computes it
//! (the days committed to a support offer). A new row starts at version 1
//! (`InsertFirst`).

use std::future::Future;
use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};
use entity::versioned::{Created, Touched, Versioned};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DbErr,
    EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, Set, Value,
};

use crate::errors::{MutationError, MutationResult, UserError};

/// A new row of a versioned table, written as its first version: `row.insert_first(conn,
/// at)` where sea-orm has `row.insert(conn)`, so that every new row starts alike.
pub trait InsertFirst: ActiveModelTrait + Sized {
    /// The row at version 1, created and last edited `at`: for rows written together
    /// (`insert_many`), which `insert_first` cannot write.
    fn first_version(self, at: DateTime<Utc>) -> Self;

    /// Inserts the row at version 1, created and last edited `at`; returns the row as
    /// written.
    fn insert_first(
        self,
        conn: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<<Self::Entity as EntityTrait>::Model, DbErr>> + Send;
}

impl<A> InsertFirst for A
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    A::Entity: Created<ActiveModel = A>,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    fn first_version(mut self, at: DateTime<Utc>) -> Self {
        A::Entity::set_first_version(&mut self, at);
        self
    }

    async fn insert_first(
        self,
        conn: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> Result<<A::Entity as EntityTrait>::Model, DbErr> {
        self.first_version(at).insert(conn).await
    }
}

/// A change to one row of a versioned table: the row as read, and the row as it will be,
/// at the next version. Patch it as its `ActiveModel` (`change.title = Set(..)`), then
/// `save` it.
pub struct Change<'a, M: VersionedRow> {
    current: &'a M,
    next: ActiveModelOf<M>,
}

/// A model of a versioned table.
pub trait VersionedRow:
    ModelTrait<Entity: Versioned<Model = Self>> + IntoActiveModel<ActiveModelOf<Self>> + Sync
{
}

impl<M> VersionedRow for M where
    M: ModelTrait<Entity: Versioned<Model = M>> + IntoActiveModel<ActiveModelOf<M>> + Sync
{
}

type ActiveModelOf<M> = <<M as ModelTrait>::Entity as EntityTrait>::ActiveModel;

impl<'a, M: VersionedRow> Change<'a, M> {
    /// A change to `current` that is not an edit of it: a moderator hiding it, a
    /// take-down, or a change to a table that keeps no time of its last edit. Only the
    /// version moves on.
    pub fn new(current: &'a M) -> Self {
        let mut next = current.clone().into_active_model();
        M::Entity::set_version(&mut next, version(current) + 1);
        Self { current, next }
    }

    /// An edit of `current` made `at`: the version moves on, and the time of its last
    /// edit is `at`.
    pub fn edit(current: &'a M, at: DateTime<Utc>) -> Self
    where
        M::Entity: Touched,
    {
        let mut change = Self::new(current);
        M::Entity::set_updated_at(&mut change.next, at);
        change
    }

    /// Writes the change if the row is still at `expected_version`, the version the client
    /// made it from; otherwise nothing is written and the client gets `CONFLICT`. Returns
    /// the row as written.
    pub async fn save(
        self,
        conn: &impl ConnectionTrait,
        expected_version: i32,
    ) -> MutationResult<M> {
        self.save_or(conn, expected_version, MutationError::from)
            .await
    }

    /// As `save`, with `on_error` telling the client about a database error (such as a
    /// unique value taken).
    pub async fn save_or(
        self,
        conn: &impl ConnectionTrait,
        expected_version: i32,
        on_error: impl FnOnce(DbErr) -> MutationError,
    ) -> MutationResult<M> {
        let id = M::Entity::id_and_version(self.current).0;
        update_if_version(
            conn,
            self.next,
            (M::Entity::ID, id),
            (M::Entity::VERSION, expected_version),
            on_error,
        )
        .await
    }

    /// Writes the change if the row is still as it was read: for a change checked against
    /// the row as read (a status step, moderation), which two requests at once would
    /// otherwise both pass, both write, and move the version on by one between them.
    pub async fn save_as_read(self, conn: &impl ConnectionTrait) -> MutationResult<M> {
        let read = version(self.current);
        self.save(conn, read).await
    }
}

fn version<M: VersionedRow>(row: &M) -> i32 {
    M::Entity::id_and_version(row).1
}

/// Patches one column of a change with `value` when the client gave one: an input field
/// left out keeps the column as it was (`set_given(&mut change.title, title)`).
pub fn set_given<V: Into<Value>>(column: &mut ActiveValue<V>, value: Option<V>) {
    if let Some(value) = value {
        *column = Set(value);
    }
}

impl<M: VersionedRow> Deref for Change<'_, M> {
    type Target = ActiveModelOf<M>;

    fn deref(&self) -> &Self::Target {
        &self.next
    }
}

impl<M: VersionedRow> DerefMut for Change<'_, M> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.next
    }
}

/// A versioned table whose rows move through a life cycle of statuses, each step kept in
/// a history table: who moved it from which status to which, when, and why.
pub trait LifeCycle: Touched {
    type Status: Copy + Send + Sync;

    fn status(row: &Self::Model) -> Self::Status;

    fn set_status(change: &mut Self::ActiveModel, status: Self::Status);

    /// Writes one row of `row`'s history: it came to its status from `from` (`None` when
    /// it was created), by the person `by`.
    fn keep_history(
        conn: &impl ConnectionTrait,
        row: &Self::Model,
        from: Option<Self::Status>,
        by: i32,
        note: Option<String>,
    ) -> impl Future<Output = Result<(), DbErr>> + Send;
}

impl<'a, M> Change<'a, M>
where
    M: VersionedRow<Entity: LifeCycle>,
{
    /// A step of `current`'s life cycle to `status`, made `at`. Patch what else the step
    /// changes, then `save_step`.
    pub fn step(
        current: &'a M,
        status: <M::Entity as LifeCycle>::Status,
        at: DateTime<Utc>,
    ) -> Self {
        let mut change = Self::edit(current, at);
        M::Entity::set_status(&mut change.next, status);
        change
    }

    /// Writes the step if the row is still as it was read (see `save_as_read`), and keeps
    /// it in the row's history as taken by the person `by`, for the reason `note`.
    pub async fn save_step(
        self,
        conn: &impl ConnectionTrait,
        by: i32,
        note: Option<String>,
    ) -> MutationResult<M> {
        let from = M::Entity::status(self.current);
        let row = self.save_as_read(conn).await?;
        M::Entity::keep_history(conn, &row, Some(from), by, note).await?;
        Ok(row)
    }
}

/// Writes `change` to the row `id` if its version is still `expected`, and returns the row
/// as written; otherwise nothing is written and the client gets a `Conflict` error.
/// `change` sets the next version. Prefer `Change`, which sets it.
async fn update_if_version<E, A>(
    conn: &impl ConnectionTrait,
    change: A,
    id: (E::Column, i32),
    version: (E::Column, i32),
    on_error: impl FnOnce(DbErr) -> MutationError,
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
