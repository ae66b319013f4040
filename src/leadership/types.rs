//! The GraphQL type of an invitation to lead, and what it is about.

use async_graphql::{Context, ID, Object, Result, Union};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{LeadershipKind, LeadershipStatus};
use entity::leadership_invitation;

use crate::alliances::{Alliance, visible_alliance};
use crate::coaching::CoachingRelationship;
use crate::communities::CommunityMeeting;
use crate::events::Event;
use crate::graphql::context::access;
use crate::graphql::ids::{NodeKind, NodeType};
use crate::people::{Person, person_of};

crate::wraps! {
    /// An invitation to lead something of an alliance.
    LeadershipInvitation(leadership_invitation::Model),
}

/// What an invitation to lead is about, as its `kind` says.
#[derive(Union)]
pub enum LeadershipSubject {
    /// The meeting to facilitate (`FACILITATE_COMMUNITY_MEETING`).
    CommunityMeeting(CommunityMeeting),
    /// The relationship to coach in (`COACH`).
    CoachingRelationship(CoachingRelationship),
    /// The event to lead (`LEAD_EVENT`).
    Event(Box<Event>),
}

#[Object]
/// An invitation to lead something of an alliance: to facilitate a community meeting, to
/// coach, to lead an event. Seen by the person invited, the inviter, and the alliance's
/// CPD leads and admins; accepted, it joins the person's leadership record.
impl LeadershipInvitation {
    /// The invitation's global id.
    pub async fn id(&self) -> ID {
        NodeKind::LeadershipInvitation.id(self.0.id)
    }
    /// The alliance it was made in.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        Ok(visible_alliance(ctx, self.0.alliance_id).await?)
    }
    /// The person invited to lead.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// Who invited them.
    async fn invited_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.invited_by_id)).await
    }
    /// What they are invited to do.
    async fn kind(&self) -> LeadershipKind {
        self.0.kind
    }
    /// What it is about (a meeting, a coaching relationship, an event, as `kind` says);
    /// `null` when the caller may not see it.
    async fn subject(&self, ctx: &Context<'_>) -> Result<Option<LeadershipSubject>> {
        let key = self.0.subject_id;
        Ok(match self.0.kind {
            LeadershipKind::FacilitateCommunityMeeting => CommunityMeeting::visible(ctx, key)
                .await?
                .map(LeadershipSubject::CommunityMeeting),
            LeadershipKind::Coach => CoachingRelationship::visible(ctx, key)
                .await?
                .map(LeadershipSubject::CoachingRelationship),
            LeadershipKind::LeadEvent => Event::visible(ctx, key)
                .await?
                .map(|event| LeadershipSubject::Event(Box::new(event))),
        })
    }
    /// What they are invited to lead, in the inviter's words.
    async fn what(&self) -> &str {
        &self.0.what
    }
    /// The inviter's message: for the person invited and the inviter only (`null` for
    /// others, and when there is none).
    async fn message(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        let reads = access(ctx).await?.reads_invitation_message(&self.0);
        Ok(self.0.message.as_deref().filter(|_| reads))
    }
    /// Where it is in its life.
    async fn status(&self) -> LeadershipStatus {
        self.0.status
    }
    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last accepted, declined or withdrawn; `null` while it waits.
    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }
    /// The day it was marked done; `null` until then.
    async fn completed_on(&self) -> Option<NaiveDate> {
        self.0.completed_on
    }
    /// Whether the caller is the person invited (who accepts or declines).
    async fn viewer_is_invitee(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.is_invited_to_lead(&self.0))
    }
    /// The version, which moves on with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
