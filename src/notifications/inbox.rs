//! The notifications inbox: every notification a person is told is kept here, read or
//! unread (`viewer.notifications`, `unreadCount`), whether or not it is also emailed,
//! which each person chooses per type (`setNotificationPreferences`). Read notifications
//! are removed once `--notification-retention-days` have passed.
//!
//! Rows are written by the sender (`sender`), after the change committed and after the
//! recipient check that email passes too, in the transaction that takes each notification
//! out of the queue (`queue`); `notificationAdded` then pushes each one.

use std::time::Duration;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::NotificationType;
use entity::{notification, notification_preference};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    Iterable, PaginatorTrait, QueryFilter, Set,
};
use trellis_macros::{fields, mutations};

use super::Notification as Told;
use crate::db::begin_write;
use crate::errors::{ApiResult, MutationResult, UserError};
use crate::graphql::context::{access, db, load_visible, signed_in};
use crate::graphql::ids::{NodeKind, NodeType, decode_as};
use crate::graphql::pagination::{Page, PageArgs, Sort, id_cursor, root_page};
use crate::payload;

/// Longest short text kept: the email's subject line, cut.
const TEXT_MAX: usize = 500;
/// How often the retention sweep runs.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

crate::wraps! {
    /// One notification in the viewer's inbox.
    Notification(notification::Model),
}

/// Something that happened which concerns the viewer: kept in their inbox, read or
/// unread, whether or not it was also emailed. Seen only by the person it was sent to.
#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::Notification,
    /// A short text saying what happened, as the email's subject line says it.
    text: &str,
    /// When it was sent.
    created_at: DateTime<Utc>,
    /// When the viewer marked it read; `null` while unread.
    read_at: Option<DateTime<Utc>>,
)]
#[Object]
impl Notification {
    /// What it tells.
    async fn r#type(&self) -> NotificationType {
        self.0.kind
    }
    /// The global id of what it is about (a practice, a meeting, a membership...): fetch
    /// it with `node(id:)`, which answers `NOT_FOUND` if the viewer can no longer see it.
    async fn subject_id(&self) -> ID {
        ID(self.0.subject_id.clone())
    }
    /// Whether the viewer marked it read.
    async fn read(&self) -> bool {
        self.0.read_at.is_some()
    }
}

impl NodeType for Notification {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<notification::Entity>(ctx, key, |access, row| {
            access.sees_notification(row)
        });
        Ok(row.await?.map(Notification))
    }
}

/// Narrows the viewer's notifications.
#[derive(InputObject, Default)]
pub struct NotificationFilter {
    /// `true`: only unread ones; `false`: only read ones; absent: all.
    pub unread: Option<bool>,
}

/// The viewer's notifications, newest first.
pub async fn page(
    ctx: &Context<'_>,
    args: PageArgs,
    filter: Option<NotificationFilter>,
) -> ApiResult<Page<Notification>> {
    let access = access(ctx).await?;
    let mut select = notification::Entity::find().filter(access.notification_condition());
    match filter.and_then(|filter| filter.unread) {
        Some(true) => select = select.filter(notification::Column::ReadAt.is_null()),
        Some(false) => select = select.filter(notification::Column::ReadAt.is_not_null()),
        None => {}
    }
    let newest_first = Sort {
        column: None,
        descending: true,
    };
    root_page(
        db(ctx),
        select,
        notification::Column::Id,
        newest_first,
        &args,
        |row: &notification::Model| id_cursor(row.id),
    )
    .await
}

/// How many of the viewer's notifications are unread.
pub async fn unread_count(ctx: &Context<'_>) -> ApiResult<u64> {
    let access = access(ctx).await?;
    count_unread(db(ctx), &access).await
}

async fn count_unread(
    conn: &impl ConnectionTrait,
    access: &crate::auth::policy::Access,
) -> ApiResult<u64> {
    Ok(notification::Entity::find()
        .filter(access.notification_condition())
        .filter(notification::Column::ReadAt.is_null())
        .count(conn)
        .await?)
}

/// Whether one type of notification is also emailed to a person.
#[derive(SimpleObject)]
pub struct NotificationPreference {
    /// The type of notification.
    pub r#type: NotificationType,
    /// Whether it is also emailed; it always reaches the inbox.
    pub email: bool,
}

/// The viewer's choice for every type, in the order of the enumeration.
pub async fn preferences(
    conn: &impl ConnectionTrait,
    person_id: i32,
) -> ApiResult<Vec<NotificationPreference>> {
    let chosen = notification_preference::Entity::find()
        .filter(notification_preference::Column::PersonId.eq(person_id))
        .all(conn)
        .await?;
    Ok(NotificationType::iter()
        .map(|kind| NotificationPreference {
            r#type: kind,
            email: chosen
                .iter()
                .find(|row| row.kind == kind)
                .is_none_or(|row| row.email),
        })
        .collect())
}

/// Whether `person` wants `kind` by email too (yes, unless they said otherwise).
pub async fn wants_email(
    db: &DatabaseConnection,
    person: i32,
    kind: NotificationType,
) -> Result<bool, DbErr> {
    let row = notification_preference::Entity::find()
        .filter(notification_preference::Column::PersonId.eq(person))
        .filter(notification_preference::Column::Kind.eq(kind))
        .one(db)
        .await?;
    Ok(row.is_none_or(|row| row.email))
}

/// Keeps a notification in its recipient's inbox, in the transaction that takes it out of
/// the queue (`queue::deliver`).
pub(super) async fn keep(
    txn: &impl ConnectionTrait,
    told: &Told,
) -> Result<notification::Model, DbErr> {
    notification::ActiveModel {
        person_id: Set(told.recipient),
        kind: Set(told.kind),
        text: Set(told.subject.chars().take(TEXT_MAX).collect()),
        subject_id: Set(told.about.to_string()),
        created_at: Set(Utc::now()),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await
}

/// Removes the notifications read before `retention` ago: one statement, which any
/// instance may run at any time.
pub async fn sweep(db: &DatabaseConnection, retention: chrono::Duration) -> Result<u64, DbErr> {
    let before = Utc::now() - retention;
    let removed = notification::Entity::delete_many()
        .filter(notification::Column::ReadAt.lt(before))
        .exec(db)
        .await?;
    Ok(removed.rows_affected)
}

/// Starts the retention sweep: now, then every hour, on the current Tokio runtime.
pub fn start_retention(db: DatabaseConnection, retention: chrono::Duration) {
    tokio::spawn(async move {
        // The first sweep one period after start, not during it: a starting server (or a
        // test's) does only what its requests ask.
        let mut every =
            tokio::time::interval_at(tokio::time::Instant::now() + SWEEP_EVERY, SWEEP_EVERY);
        loop {
            every.tick().await;
            match sweep(&db, retention).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "removed old read notifications"),
                Err(error) => tracing::warn!(%error, "could not remove old read notifications"),
            }
        }
    });
}

/// Notifications to mark read: given by id, or all up to one.
#[derive(InputObject)]
pub struct MarkNotificationsReadInput {
    /// These notifications (at most 100), each the viewer's own.
    pub ids: Option<Vec<ID>>,
    /// This notification and every older one of the viewer's. Give `ids` or `upTo`, not
    /// both.
    pub up_to: Option<ID>,
}

/// Whether a type of notification is also emailed.
#[derive(InputObject)]
pub struct NotificationPreferenceInput {
    /// The type of notification.
    pub r#type: NotificationType,
    /// Whether to email it too; it always reaches the inbox.
    pub email: bool,
}

/// The viewer's choices; types not named keep theirs.
#[derive(InputObject)]
pub struct SetNotificationPreferencesInput {
    /// One choice per type.
    pub preferences: Vec<NotificationPreferenceInput>,
}

payload!(
    /// How many notifications are still unread, or the problems that kept anything from
    /// being marked.
    MarkNotificationsReadPayload { unread_count: u64 }
);
payload!(
    /// The viewer's choice for every type, or the problems that kept it from changing.
    SetNotificationPreferencesPayload {
        preferences: Vec<NotificationPreference>
    }
);

#[derive(Default)]
pub struct NotificationMutation;

mutations! {
    impl NotificationMutation {
        /// Marks the viewer's notifications read: those given by id, or one and every
        /// older one (`upTo`). Marking one already read again changes nothing.
        fn mark_notifications_read { mark_read(ctx, input).await }

        /// Chooses, per type, whether the viewer's notifications are also emailed; every
        /// notification reaches the inbox whatever the choice.
        fn set_notification_preferences { set_preferences(ctx, input).await }
    }
}

async fn mark_read(ctx: &Context<'_>, input: MarkNotificationsReadInput) -> MutationResult<u64> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let now = Utc::now();
    let mark = notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(access.notification_condition())
        .filter(notification::Column::ReadAt.is_null());
    match (input.ids, input.up_to) {
        (Some(ids), None) => {
            if ids.len() > crate::config::MAX_PAGE_SIZE {
                return Err(UserError::invalid(
                    "ids",
                    format!("give at most {} ids", crate::config::MAX_PAGE_SIZE),
                )
                .into());
            }
            let mut keys = Vec::with_capacity(ids.len());
            for id in &ids {
                keys.push(
                    decode_as(id, NodeKind::Notification)
                        .ok_or_else(|| UserError::not_found("ids"))?,
                );
            }
            keys.sort_unstable();
            keys.dedup();
            let own = notification::Entity::find()
                .filter(access.notification_condition())
                .filter(notification::Column::Id.is_in(keys.clone()))
                .count(&txn)
                .await?;
            if own != keys.len() as u64 {
                return Err(UserError::not_found("ids").into());
            }
            mark.filter(notification::Column::Id.is_in(keys))
                .exec(&txn)
                .await?;
        }
        (None, Some(up_to)) => {
            let key = decode_as(&up_to, NodeKind::Notification)
                .ok_or_else(|| UserError::not_found("upTo"))?;
            let seen = notification::Entity::find_by_id(key)
                .filter(access.notification_condition())
                .one(&txn)
                .await?;
            if seen.is_none() {
                return Err(UserError::not_found("upTo").into());
            }
            mark.filter(notification::Column::Id.lte(key))
                .exec(&txn)
                .await?;
        }
        _ => {
            return Err(UserError::invalid("ids", "give either ids or upTo").into());
        }
    }
    let unread = count_unread(&txn, &access).await?;
    txn.commit().await?;
    Ok(unread)
}

async fn set_preferences(
    ctx: &Context<'_>,
    input: SetNotificationPreferencesInput,
) -> MutationResult<Vec<NotificationPreference>> {
    let person = signed_in(ctx)?.person_id;
    if input.preferences.is_empty() {
        return Err(UserError::invalid("preferences", "give at least one choice").into());
    }
    let txn = begin_write(db(ctx)).await?;
    for choice in &input.preferences {
        notification_preference::Entity::insert(notification_preference::ActiveModel {
            person_id: Set(person),
            kind: Set(choice.r#type),
            email: Set(choice.email),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                notification_preference::Column::PersonId,
                notification_preference::Column::Kind,
            ])
            .update_column(notification_preference::Column::Email)
            .to_owned(),
        )
        .exec(&txn)
        .await?;
    }
    let all = preferences(&txn, person).await?;
    txn.commit().await?;
    Ok(all)
}
