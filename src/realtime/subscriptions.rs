//! The `Subscription` root. Each field listens to the bus and, for each signal about what
//! it follows, reloads the object through the policy as the subscriber, with their access
//! loaded afresh: what they may no longer see is dropped, and a person who left a
//! community hears nothing more of it.
//!
//! Each field takes its place on the bus first, before anything it awaits: the WebSocket
//! server polls a new operation once before it reads the client's next message, so that
//! whatever the client does after its `subscribe` (a `ping`, then a mutation) is heard.

use async_graphql::{Context, ID, Result, SimpleObject};
use entity::community;
use futures_util::{Stream, StreamExt};
use tokio::sync::broadcast;

use super::bus::{CommunityActivityKind, Signal};
use crate::auth::policy::Access;
use crate::communities::CommunityMeeting;
use crate::discussion::{DiscussionReply, DiscussionThread};
use crate::errors::{ApiError, ApiResult};
use crate::events::Event;
use crate::graphql::context::{access, caller, load, services, signed_in};
use crate::graphql::ids::{NodeKind, NodeType, decode_as};
use crate::notifications::inbox::Notification;
use crate::practice::Practice;

pub struct Subscription;

/// Something that happened in a community: one of `thread`, `reply` and `meeting` is set,
/// as `kind` says.
#[derive(SimpleObject)]
pub struct CommunityActivity {
    /// What happened.
    kind: CommunityActivityKind,
    /// The thread started (`THREAD_STARTED`).
    thread: Option<DiscussionThread>,
    /// The reply posted (`REPLY_POSTED`).
    reply: Option<DiscussionReply>,
    /// The meeting scheduled, changed or cancelled.
    meeting: Option<CommunityMeeting>,
}

/// The bus's signals as a stream; a subscriber that fell behind skips what it missed.
fn signals(receiver: broadcast::Receiver<Signal>) -> impl Stream<Item = Signal> {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(signal) => return Some((signal, receiver)),
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "a subscription fell behind and skipped signals");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

/// The subscriber's access as it is now: loaded again for each event.
async fn fresh_access(ctx: &Context<'_>) -> ApiResult<std::sync::Arc<Access>> {
    caller(ctx).forget_access();
    access(ctx).await
}

/// The community, if the subscriber (with `access`) hears its activity.
async fn heard_community(
    ctx: &Context<'_>,
    access: &Access,
    key: i32,
) -> ApiResult<Option<community::Model>> {
    Ok(load::<community::Entity>(ctx, key)
        .await?
        .filter(|community| access.sees_community(community) && access.hears_community(community)))
}

/// One signal about a community as the subscriber sees it now; `None` when they may not.
async fn community_event(
    ctx: &Context<'_>,
    key: i32,
    activity: CommunityActivityKind,
    object: i32,
) -> ApiResult<Option<CommunityActivity>> {
    let access = fresh_access(ctx).await?;
    if heard_community(ctx, &access, key).await?.is_none() {
        return Ok(None);
    }
    let mut event = CommunityActivity {
        kind: activity,
        thread: None,
        reply: None,
        meeting: None,
    };
    match activity {
        CommunityActivityKind::ThreadStarted => {
            event.thread = DiscussionThread::visible(ctx, object).await?;
            if event.thread.is_none() {
                return Ok(None);
            }
        }
        CommunityActivityKind::ReplyPosted => {
            event.reply = DiscussionReply::visible(ctx, object).await?;
            if event.reply.is_none() {
                return Ok(None);
            }
        }
        CommunityActivityKind::MeetingScheduled
        | CommunityActivityKind::MeetingChanged
        | CommunityActivityKind::MeetingCancelled => {
            event.meeting = CommunityMeeting::visible(ctx, object).await?;
            if event.meeting.is_none() {
                return Ok(None);
            }
        }
    }
    Ok(Some(event))
}

/// An event's reload failed (the database, say): logged and dropped; the subscription
/// goes on.
fn dropped<T>(found: ApiResult<Option<T>>) -> Option<T> {
    match found {
        Ok(found) => found,
        Err(ApiError::Unauthenticated) => None,
        Err(error) => {
            tracing::warn!(error = ?error, "a subscription could not reload an event");
            None
        }
    }
}

/// The entry points for following changes as they happen, over WebSocket
/// (graphql-transport-ws). Each event holds only what a query by the subscriber would
/// show them at that moment.
#[async_graphql::Subscription]
impl Subscription {
    /// Each notification added to the viewer's inbox, as it arrives. People only.
    async fn notification_added<'a>(
        &self,
        ctx: &'a Context<'_>,
    ) -> Result<impl Stream<Item = Notification> + 'a> {
        let receiver = services(ctx).bus.subscribe();
        let person = signed_in(ctx)?.person_id;
        Ok(signals(receiver).filter_map(move |signal| async move {
            let Signal::Notification {
                person: told,
                notification,
            } = signal
            else {
                return None;
            };
            if told != person {
                return None;
            }
            caller(ctx).forget_access();
            dropped(Notification::visible(ctx, notification).await)
        }))
    }

    /// What happens in a community: threads started, replies posted, meetings scheduled,
    /// changed or cancelled. For its active members and those who run it; one who leaves
    /// or is removed hears nothing more. `NOT_FOUND` for a community the caller does not
    /// see, `FORBIDDEN` for one they do not take part in.
    async fn community_activity<'a>(
        &self,
        ctx: &'a Context<'_>,
        #[graphql(desc = "The community to follow.")] community_id: ID,
    ) -> Result<impl Stream<Item = CommunityActivity> + 'a> {
        let receiver = services(ctx).bus.subscribe();
        let key = decode_as(&community_id, NodeKind::Community).ok_or(ApiError::NotFound)?;
        let access = access(ctx).await?;
        let community = load::<community::Entity>(ctx, key)
            .await?
            .filter(|community| access.sees_community(community))
            .ok_or(ApiError::NotFound)?;
        if !access.hears_community(&community) {
            return Err(ApiError::Forbidden(
                "only the community's members hear what happens in it",
            )
            .into());
        }
        Ok(signals(receiver).filter_map(move |signal| async move {
            let Signal::Community {
                community,
                activity,
                object,
            } = signal
            else {
                return None;
            };
            if community != key {
                return None;
            }
            dropped(community_event(ctx, key, activity, object).await)
        }))
    }

    /// A practice each time it changes (edited, or a step of its life cycle), as the
    /// caller may see it then; nothing once they no longer may. `NOT_FOUND` for a
    /// practice the caller does not see.
    async fn practice_changed<'a>(
        &self,
        ctx: &'a Context<'_>,
        #[graphql(desc = "The practice to follow.")] id: ID,
    ) -> Result<impl Stream<Item = Practice> + 'a> {
        let receiver = services(ctx).bus.subscribe();
        let key = decode_as(&id, NodeKind::Practice).ok_or(ApiError::NotFound)?;
        Practice::visible(ctx, key)
            .await?
            .ok_or(ApiError::NotFound)?;
        Ok(signals(receiver).filter_map(move |signal| async move {
            if signal != (Signal::Practice { practice: key }) {
                return None;
            }
            caller(ctx).forget_access();
            dropped(Practice::visible(ctx, key).await)
        }))
    }

    /// An event each time it changes (edited, a step of its life cycle, places taken or
    /// freed), as the caller may see it then; nothing once they no longer may (a draft
    /// seen only by its host, say). `NOT_FOUND` for an event the caller does not see.
    async fn event_changed<'a>(
        &self,
        ctx: &'a Context<'_>,
        #[graphql(desc = "The event to follow.")] id: ID,
    ) -> Result<impl Stream<Item = Event> + 'a> {
        let receiver = services(ctx).bus.subscribe();
        let key = decode_as(&id, NodeKind::Event).ok_or(ApiError::NotFound)?;
        Event::visible(ctx, key).await?.ok_or(ApiError::NotFound)?;
        Ok(signals(receiver).filter_map(move |signal| async move {
            if signal != (Signal::Event { event: key }) {
                return None;
            }
            caller(ctx).forget_access();
            dropped(Event::visible(ctx, key).await)
        }))
    }
}
