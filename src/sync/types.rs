//! The schema of delta sync: `sync(updatedSince:)`, its watermark and tombstones.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::sync_tombstone;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::{connections, fields};

use super::delta::{ResyncReason, SyncRead, delta_page};
use super::tombstones::shown_condition;
use crate::auth::scopes::Scope;
use crate::errors::ApiError;
use crate::graphql::context::{db, reader};
use crate::graphql::ids::NodeKind;
use crate::graphql::pagination::{Page, PageArgs, TotalCount};

/// The kinds of object a client keeps a copy of through delta sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum SyncKind {
    /// Schools (`schools`).
    School,
    /// People (`people`).
    Person,
    /// Communities (`communities`).
    Community,
    /// Practice (`practices`).
    Practice,
}

impl SyncKind {
    const ALL: [SyncKind; 4] = [Self::School, Self::Person, Self::Community, Self::Practice];

    fn node_kind(self) -> NodeKind {
        match self {
            Self::School => NodeKind::School,
            Self::Person => NodeKind::Person,
            Self::Community => NodeKind::Community,
            Self::Practice => NodeKind::Practice,
        }
    }

    /// The scope a service account needs to read the kind's list.
    fn scope(self) -> Scope {
        match self {
            Self::School => Scope::SchoolsRead,
            Self::Person => Scope::PeopleRead,
            Self::Community => Scope::CommunitiesRead,
            Self::Practice => Scope::PracticeRead,
        }
    }

    fn of(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.node_kind().name() == name)
    }
}

/// An object the caller saw that was deleted or that they may no longer see: remove it
/// from a local copy.
pub struct Tombstone(sync_tombstone::Model);

impl From<sync_tombstone::Model> for Tombstone {
    fn from(row: sync_tombstone::Model) -> Self {
        Self(row)
    }
}

impl Tombstone {
    /// Its kind: always one of `SyncKind`, which `removed` filters on.
    fn sync_kind(&self) -> Result<SyncKind> {
        SyncKind::of(&self.0.kind).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("tombstone of kind {}", self.0.kind)).into()
        })
    }
}

/// An object the caller saw that was deleted or that they may no longer see: remove it
/// from a local copy.
#[fields(
    /// When it was removed or left the caller's view.
    removed_at: DateTime<Utc>,
)]
#[Object]
impl Tombstone {
    /// The global id of the object removed: delete it from the local copy.
    async fn id(&self) -> Result<ID> {
        Ok(self.sync_kind()?.node_kind().id(self.0.object_id))
    }
    /// Its kind.
    async fn kind(&self) -> Result<SyncKind> {
        self.sync_kind()
    }
}

/// A sync read: the watermark to pass as `updatedSince` next time, whether a delta from
/// `updatedSince` can be answered, and what was removed since then.
pub struct SyncState {
    since: Option<DateTime<Utc>>,
    read: SyncRead,
}

/// A sync read: the watermark to pass as `updatedSince` next time, whether a delta from
/// `updatedSince` can be answered, and what was removed since then.
#[connections]
#[Object]
impl SyncState {
    /// Pass this as `updatedSince` next time (to the lists and to `sync`): the time this
    /// read started, less a margin for changes still being written then. Keep the one of
    /// the first page when paging through a copy or a delta. An item may come twice,
    /// none is missed.
    async fn synced_at(&self) -> DateTime<Utc> {
        self.read.synced_at
    }
    /// Whether the local copy must be thrown away and taken again in full: a delta from
    /// `updatedSince` cannot be answered (see `resyncReason`). Always false without
    /// `updatedSince`.
    async fn resync_required(&self) -> bool {
        self.read.resync.is_some()
    }
    /// Why a full copy is needed, when it is.
    async fn resync_reason(&self) -> Option<ResyncReason> {
        self.read.resync
    }
    /// What the caller saw that was deleted or that they may no longer see since
    /// `updatedSince`, oldest first: remove these ids from the local copy. Only of
    /// objects the caller once could see. Empty without `updatedSince` (a full copy);
    /// `RESYNC_REQUIRED` when `resyncRequired`.
    async fn removed(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Only of these kinds (default: all).")] kinds: Option<Vec<SyncKind>>,
    ) -> Result<Page<Tombstone>> {
        let Some(since) = self.since else {
            // A full copy has nothing to remove: the same document serves both.
            return Ok(Page::with_additional_fields(
                false,
                false,
                TotalCount::new(|| async { Ok(0) }),
            ));
        };
        if let Some(reason) = self.read.resync {
            return Err(reason.error().into());
        }
        let reader = reader(ctx).await?;
        let mut kinds = kinds.unwrap_or_else(|| SyncKind::ALL.to_vec());
        // A service account is told of no kind its token does not read.
        kinds.retain(|kind| {
            reader
                .as_ref()
                .is_none_or(|access| access.reads(kind.scope()))
        });
        let select = sync_tombstone::Entity::find()
            .filter(
                sync_tombstone::Column::Kind
                    .is_in(kinds.into_iter().map(|kind| kind.node_kind().name())),
            )
            .filter(shown_condition(reader.as_deref()));
        Ok(delta_page(
            db(ctx),
            select,
            (
                sync_tombstone::Column::Id,
                sync_tombstone::Column::RemovedAt,
            ),
            since,
            &args,
            |row: &sync_tombstone::Model| (row.id, row.removed_at),
        )
        .await?)
    }
}

#[derive(Default)]
pub struct SyncQuery;

#[Object]
impl SyncQuery {
    /// Delta sync, for clients that keep a local copy (mobile apps, data warehouses).
    /// A full copy: ask `sync { syncedAt }` with the lists (`schools`, `people`,
    /// `communities`, `practices`), and keep `syncedAt`. Later: pass it as
    /// `updatedSince` here and to the lists, which then return only what changed since;
    /// remove the ids of `removed`; keep the new `syncedAt`. When `resyncRequired`, take
    /// a full copy again. `updatedSince` in the future is `BAD_USER_INPUT`.
    async fn sync(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `syncedAt` of the last sync; none for a full copy.")]
        updated_since: Option<DateTime<Utc>>,
    ) -> Result<SyncState> {
        Ok(SyncState {
            since: updated_since,
            read: SyncRead::start(ctx, updated_since, true).await?,
        })
    }
}
