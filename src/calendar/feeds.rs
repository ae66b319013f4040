//! Calendar feeds in the API: a person makes a feed of the events they booked, an
//! alliance's admins and CPD leads one of the alliance's events; each is revoked or
//! replaced by those who made it possible (the person; the alliance's admins and CPD leads).
//! The feed's URL is shown once, when it is made.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::calendar_feed;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use trellis_macros::{connections, fields, mutations};

use super::tokens::{feed_url, new_token};
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed, visible};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::payload;

crate::wraps! {
    /// An iCalendar feed: of the events a person booked, or of an alliance's events open to
    /// all its schools. Its URL was shown once, when it was made.
    CalendarFeed(calendar_feed::Model),
}

/// An iCalendar feed (`GET /calendar/<token>.ics`): of the events a person booked, or of an
/// alliance's events open to all its schools. Seen only by those who manage it: the person,
/// or the alliance's admins and CPD leads. Its URL was shown once, when it was made.
#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::CalendarFeed,
    /// When it was made.
    created_at: DateTime<Utc>,
    /// When it was revoked (its URL then answers 404); `null` while it works.
    revoked_at: Option<DateTime<Utc>>,
)]
#[Object]
impl CalendarFeed {
    /// The person whose bookings it shows, for a person's feed.
    async fn person_id(&self) -> Option<ID> {
        self.0.person_id.map(|id| NodeKind::Person.id(id))
    }
    /// The alliance whose events it shows, for an alliance's feed.
    async fn alliance_id(&self) -> Option<ID> {
        self.0.alliance_id.map(|id| NodeKind::Alliance.id(id))
    }
}

/// A feed and its URL, shown this once.
#[derive(SimpleObject)]
pub struct CalendarFeedWithUrl {
    /// The feed.
    pub feed: CalendarFeed,
    /// The URL to subscribe to in a calendar (`https://.../calendar/<token>.ics`). Anyone
    /// with it reads the feed: share it as a password. Only now: replacing the feed makes a
    /// new one.
    pub url: String,
}

#[derive(Default)]
pub struct CalendarFeedQuery;

#[connections]
#[Object]
impl CalendarFeedQuery {
    /// The caller's calendar feeds, oldest first: their own, and those of alliances they
    /// administer; revoked ones too, as history.
    async fn calendar_feeds(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<CalendarFeed>> {
        let access = access(ctx).await?;
        let select = calendar_feed::Entity::find().filter(access.calendar_feed_condition());
        Ok(oldest_first_page(db(ctx), select, &args).await?)
    }
}

/// A new feed: the caller's own, or an alliance's.
#[derive(InputObject)]
pub struct CreateCalendarFeedInput {
    /// The alliance whose events the feed shows; the caller's own bookings when not given.
    /// An alliance's admins and CPD leads may make its feed.
    pub alliance_id: Option<ID>,
}

/// The feed to replace.
#[derive(InputObject)]
pub struct ReplaceCalendarFeedInput {
    /// The feed: its URL stops working at once, and a new one is made for the same events.
    pub feed_id: ID,
}

/// The feed to revoke.
#[derive(InputObject)]
pub struct RevokeCalendarFeedInput {
    /// The feed: its URL answers 404 from now on.
    pub feed_id: ID,
}

payload!(CreateCalendarFeedPayload {
    created: CalendarFeedWithUrl
});
payload!(ReplaceCalendarFeedPayload {
    replacement: CalendarFeedWithUrl
});
payload!(RevokeCalendarFeedPayload { feed: CalendarFeed });

#[derive(Default)]
pub struct CalendarFeedMutation;

mutations! {
    impl CalendarFeedMutation {
        /// Makes an iCalendar feed and gives its URL, this once: of the events the caller
        /// booked, or, for an alliance's admins and CPD leads, of the alliance's events open
        /// to all its schools.
        fn create_calendar_feed { create(ctx, input).await }

        /// Revokes a feed and makes a new one for the same events, when its URL was shared
        /// too widely. Those who manage the feed may.
        fn replace_calendar_feed { replace(ctx, input).await }

        /// Revokes a feed: its URL answers 404 from now on. Those who manage it may.
        fn revoke_calendar_feed { revoke(ctx, input).await }
    }
}

async fn create(
    ctx: &Context<'_>,
    input: CreateCalendarFeedInput,
) -> MutationResult<CalendarFeedWithUrl> {
    let access = access(ctx).await?;
    let people_only = "calendar feeds are people's: a service account has none";
    allowed(access.service_account.is_none(), people_only)?;
    let alliance = match &input.alliance_id {
        None => None,
        Some(id) => {
            let alliance = decode_as(id, NodeKind::Alliance)
                .filter(|alliance| access.sees_alliance(*alliance))
                .ok_or_else(|| UserError::not_found("allianceId"))?;
            allowed(
                access.administers_alliance(alliance),
                "only an alliance's admins and CPD leads make its calendar feed",
            )?;
            Some(alliance)
        }
    };
    let txn = begin_write(db(ctx)).await?;
    let made = make(
        &txn,
        &access,
        alliance.is_none().then_some(access.person_id),
        alliance,
    )
    .await?;
    txn.commit().await?;
    Ok(with_url(ctx, made))
}

async fn replace(
    ctx: &Context<'_>,
    input: ReplaceCalendarFeedInput,
) -> MutationResult<CalendarFeedWithUrl> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = managed(&txn, &access, &input.feed_id).await?;
    let revoked = revoke_row(&txn, &access, current).await?;
    let made = make(&txn, &access, revoked.person_id, revoked.alliance_id).await?;
    txn.commit().await?;
    Ok(with_url(ctx, made))
}

async fn revoke(ctx: &Context<'_>, input: RevokeCalendarFeedInput) -> MutationResult<CalendarFeed> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = managed(&txn, &access, &input.feed_id).await?;
    let revoked = revoke_row(&txn, &access, current).await?;
    txn.commit().await?;
    Ok(CalendarFeed(revoked))
}

/// A feed the caller manages that still works; one they do not see reads as missing.
async fn managed(
    txn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
) -> MutationResult<calendar_feed::Model> {
    let found = match decode_as(id, NodeKind::CalendarFeed) {
        Some(key) => calendar_feed::Entity::find_by_id(key).one(txn).await?,
        None => None,
    };
    let feed = visible(found, |feed| access.manages_calendar_feed(feed))
        .map_err(|_| UserError::not_found("feedId"))?;
    if feed.revoked_at.is_some() {
        return Err(UserError::invalid("feedId", "this feed was already revoked").into());
    }
    Ok(feed)
}

/// A new feed of `person` or `alliance`, and its token.
async fn make(
    txn: &impl ConnectionTrait,
    access: &Access,
    person: Option<i32>,
    alliance: Option<i32>,
) -> MutationResult<(calendar_feed::Model, String)> {
    let (token, hash) = new_token();
    let feed = calendar_feed::ActiveModel {
        token_hash: Set(hash),
        person_id: Set(person),
        alliance_id: Set(alliance),
        created_by_id: Set(access.person_id),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit(access, "calendar_feed.created", &feed)
        .record(txn)
        .await?;
    Ok((feed, token))
}

async fn revoke_row(
    txn: &impl ConnectionTrait,
    access: &Access,
    feed: calendar_feed::Model,
) -> MutationResult<calendar_feed::Model> {
    let mut revoking: calendar_feed::ActiveModel = feed.into();
    revoking.revoked_at = Set(Some(Utc::now()));
    let revoked = revoking.update(txn).await?;
    audit(access, "calendar_feed.revoked", &revoked)
        .record(txn)
        .await?;
    Ok(revoked)
}

fn audit<'a>(access: &Access, action: &'a str, feed: &calendar_feed::Model) -> AuditEntry<'a> {
    AuditEntry::by_caller(access, action, NodeKind::CalendarFeed.id(feed.id))
        .alliance(feed.alliance_id)
}

fn with_url(
    ctx: &Context<'_>,
    (feed, token): (calendar_feed::Model, String),
) -> CalendarFeedWithUrl {
    CalendarFeedWithUrl {
        url: feed_url(&services(ctx).public_url, &token),
        feed: CalendarFeed(feed),
    }
}
