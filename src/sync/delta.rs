//! `updatedSince` on a root list: the check of the time and of the caller's reach, and a
//! page of changed rows in the order of their change.

use async_graphql::Context;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    Select,
};

use super::reach;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{db, reader, services};
use crate::graphql::pagination::{Cursor, CursorKey, Page, PageArgs, Rows, TotalCount};

/// How long tombstones are kept, and so how old an `updatedSince` may be.
pub const RETENTION_DAYS: i64 = 90;

/// Why a delta cannot be answered: the client must take a full copy again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum ResyncReason {
    /// What the caller may see changed since `updatedSince` (a role or membership started
    /// or ended, a school joined or left an alliance), or this server has not seen the
    /// caller sync since then.
    AccessChanged,
    /// `updatedSince` is older than the tombstones are kept (90 days).
    TooOld,
}

impl ResyncReason {
    pub fn error(self) -> ApiError {
        ApiError::ResyncRequired(match self {
            Self::AccessChanged => {
                "what you may see changed since updatedSince: take a full copy again"
            }
            Self::TooOld => "updatedSince is older than 90 days: take a full copy again",
        })
    }
}

/// What a sync read knows before it reads: when it started, the watermark it hands back,
/// and whether a delta from `since` can be answered.
pub struct SyncRead {
    pub synced_at: DateTime<Utc>,
    pub resync: Option<ResyncReason>,
}

impl SyncRead {
    /// Checks `since` (`BAD_USER_INPUT` when in the future), and observes the caller's
    /// reach (see `reach`). `reach_matters` is false for lists every caller sees whole
    /// (schools), where only the age of `since` counts.
    pub async fn start(
        ctx: &Context<'_>,
        since: Option<DateTime<Utc>>,
        reach_matters: bool,
    ) -> ApiResult<Self> {
        // To the microsecond, as the `DateTime` scalar hands it to the client.
        let now = Utc::now().trunc_subsecs(6);
        let margin = services(ctx).sync_margin;
        if since.is_some_and(|since| since > now) {
            return Err(ApiError::BadUserInput(
                "updatedSince is in the future: pass the syncedAt of an earlier sync".into(),
            ));
        }
        let reader = reader(ctx).await?;
        let observed = match &reader {
            Some(access) if reach_matters => Some(reach::observe(db(ctx), access, now).await?),
            _ => None,
        };
        let resync = since.and_then(|since| {
            if since < now - Duration::days(RETENTION_DAYS) {
                return Some(ResyncReason::TooOld);
            }
            // The caller's reach changed after the read that handed out `since`.
            observed
                .filter(|observed| observed.changed_after(since + margin))
                .map(|_| ResyncReason::AccessChanged)
        });
        Ok(Self {
            synced_at: now - margin,
            resync,
        })
    }
}

/// `updatedSince` of a list (`ordered`: an `orderBy` was given too), checked: the time
/// itself, or `RESYNC_REQUIRED` when a delta from it cannot be answered.
pub async fn checked_since(
    ctx: &Context<'_>,
    since: DateTime<Utc>,
    ordered: bool,
    reach_matters: bool,
) -> ApiResult<DateTime<Utc>> {
    if ordered {
        return Err(ApiError::BadUserInput(
            "a list with updatedSince comes in the order of change: leave out orderBy".into(),
        ));
    }
    match SyncRead::start(ctx, Some(since), reach_matters)
        .await?
        .resync
    {
        Some(reason) => Err(reason.error()),
        None => Ok(since),
    }
}

/// A time as a delta's cursor holds it: exact to the stored precision, so the row it
/// names compares equal.
pub fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The time in a delta cursor, only as `time_text` writes it.
pub fn cursor_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
        .filter(|at| time_text(*at) == text)
}

/// "Strictly after the cursor" in `(changed, id)` order, or before when `down`.
fn beyond<C: ColumnTrait>(
    changed: C,
    id: C,
    cursor: &CursorKey,
    down: bool,
) -> ApiResult<Condition> {
    let at = cursor.1.as_deref().and_then(cursor_time).ok_or_else(|| {
        ApiError::BadUserInput("invalid cursor (cursors belong to one ordering)".into())
    })?;
    let row = Expr::tuple([
        Expr::col(changed.as_column_ref()),
        Expr::col(id.as_column_ref()),
    ]);
    let key = Expr::tuple([Expr::val(at), Expr::val(cursor.0)]);
    Ok(Condition::all().add(if down { row.lt(key) } else { row.gt(key) }))
}

/// One page of the rows of `select` changed after `since`, oldest change first, with a
/// cursor on `(changed, id)`; `totalCount` counts the whole delta.
pub async fn delta_page<E, N>(
    db: &DatabaseConnection,
    select: Select<E>,
    (id, changed): (E::Column, E::Column),
    since: DateTime<Utc>,
    args: &PageArgs,
    key_of: impl Fn(&E::Model) -> (i32, DateTime<Utc>),
) -> ApiResult<Page<N>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    N: async_graphql::resolver_utils::ContainerType + From<E::Model>,
{
    let request = args.validate()?;
    let select = select.filter(changed.gt(since));
    let total = TotalCount::of_rows(&select, db);
    let mut select = select;
    if let Some(after) = &request.after {
        select = select.filter(beyond(changed, id, after, false)?);
    }
    if let Some(before) = &request.before {
        select = select.filter(beyond(changed, id, before, true)?);
    }
    let order = if request.backward {
        Order::Desc
    } else {
        Order::Asc
    };
    let fetched = select
        .order_by(changed, order.clone())
        .order_by(id, order)
        .limit(request.size + 1)
        .all(db)
        .await?;
    let cursor_of = |row: &E::Model| {
        let (id, at) = key_of(row);
        Cursor {
            id,
            key: Some(time_text(at)),
        }
    };
    Ok(Rows::from_fetched(fetched, &request).into_page(cursor_of, N::from, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_times_round_trip_exactly_and_nothing_else_is_read() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T10:11:12.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(cursor_time(&time_text(at)), Some(at));
        assert_eq!(cursor_time("2026-12-07T10:11:12.123456789+00:00"), None);
        assert_eq!(cursor_time("Ashby Primary"), None);
    }
}
