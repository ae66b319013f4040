//! Each kind of notification: who is told and what it says. Texts name only the object
//! the notification is about and what its recipients read through it (its title, its
//! community or school); anything else they name is listed in `mentions`, which the sender
//! checks the recipient may see too.

use chrono::{DateTime, Utc};
use entity::enums::{CommunityMembershipStatus, PracticeAction, PracticeVisibility};
use entity::{
    alliance, alliance_membership, community, community_meeting, community_member, person,
    practice, school, support_arrangement, support_request, webhook_endpoint,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::recipients::{
    alliance_administrators, community_members, practice_authors, school_leaders,
};
use super::{Message, Notices, NotificationKind as Kind};
use crate::graphql::ids::NodeKind;
use crate::realtime::{CommunityActivityKind, Signal};

/// What happened to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingChange {
    Scheduled,
    Changed,
    Cancelled,
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%A %-d %B %Y, %H:%M UTC").to_string()
}

fn audience(visibility: PracticeVisibility) -> &'static str {
    match visibility {
        PracticeVisibility::Private => "its authors",
        PracticeVisibility::School => "the school",
        PracticeVisibility::Partnership => "a partnership",
        PracticeVisibility::Alliance => "the alliance",
        PracticeVisibility::Public => "everyone",
    }
}

impl Notices {
    /// A webhook endpoint was disabled: those who manage its tenant are told, to fix the
    /// receiver and enable it again.
    pub async fn webhook_endpoint_disabled(
        &mut self,
        conn: &impl ConnectionTrait,
        endpoint: &webhook_endpoint::Model,
    ) -> Result<(), DbErr> {
        let recipients = match (endpoint.school_id, endpoint.alliance_id) {
            (Some(school), _) => school_leaders(conn, vec![school]).await?,
            (None, Some(alliance)) => alliance_administrators(conn, alliance).await?,
            (None, None) => Vec::new(),
        };
        self.tell(
            recipients,
            Message {
                kind: Kind::WebhookEndpointDisabled,
                about: (NodeKind::WebhookEndpoint, endpoint.id),
                mentions: Vec::new(),
                subject: "A webhook endpoint was disabled".into(),
                text: format!(
                    "Every attempt to deliver events to {} failed for days, so it was disabled and receives nothing more. Once the receiver works again, enable the endpoint (updateWebhookEndpoint) and redeliver what it missed.",
                    endpoint.url
                ),
            },
        );
        Ok(())
    }

    /// A step in a practice's review: submitted (its school's approvers are told), sent
    /// back or approved (its authors are told). Other steps tell nobody by notification;
    /// every step tells `practiceChanged`.
    pub async fn practice_step(
        &mut self,
        conn: &impl ConnectionTrait,
        practice: &practice::Model,
        action: PracticeAction,
        comment: Option<&str>,
    ) -> Result<(), DbErr> {
        self.signal(Signal::Practice {
            practice: practice.id,
        });
        let title = &practice.title;
        let about = (NodeKind::Practice, practice.id);
        let (recipients, message) = match action {
            PracticeAction::SubmittedForReview => (
                school_leaders(conn, vec![practice.school_id]).await?,
                Message {
                    kind: Kind::PracticeSubmitted,
                    about,
                    mentions: Vec::new(),
                    subject: format!("Practice to review: {title}"),
                    text: format!(
                        "\"{title}\" was submitted for review, to be shared with {}. As one of its school's approvers, you can approve it or send it back with a comment.",
                        audience(practice.visibility)
                    ),
                },
            ),
            PracticeAction::SentBack => (
                practice_authors(conn, practice.id).await?,
                Message {
                    kind: Kind::PracticeSentBack,
                    about,
                    mentions: Vec::new(),
                    subject: format!("Sent back: {title}"),
                    text: format!(
                        "\"{title}\" was sent back to draft, with this comment:\n\n{}\n\nEdit it, then submit it again.",
                        comment.unwrap_or_default()
                    ),
                },
            ),
            PracticeAction::Approved => (
                practice_authors(conn, practice.id).await?,
                Message {
                    kind: Kind::PracticeApproved,
                    about,
                    mentions: Vec::new(),
                    subject: format!("Approved: {title}"),
                    text: format!(
                        "\"{title}\" was approved and is now published to {}.",
                        audience(practice.visibility)
                    ),
                },
            ),
            _ => return Ok(()),
        };
        self.tell(recipients, message);
        Ok(())
    }

    /// Someone asked to join a community: its facilitators are told.
    pub async fn join_requested(
        &mut self,
        conn: &impl ConnectionTrait,
        community: &community::Model,
        membership: &community_member::Model,
    ) -> Result<(), DbErr> {
        let Some(person) = person::Entity::find_by_id(membership.person_id)
            .one(conn)
            .await?
        else {
            return Ok(());
        };
        let name = person.full_name();
        let facilitators = community_members(conn, community.id, true).await?;
        self.tell(
            facilitators,
            Message {
                kind: Kind::CommunityJoinRequested,
                about: (NodeKind::CommunityMembership, membership.id),
                mentions: vec![NodeKind::Person.id(person.id)],
                subject: format!("{name} asked to join {}", community.name),
                text: format!(
                    "{name} asked to join {}. As one of its facilitators, you can approve or decline the request.",
                    community.name
                ),
            },
        );
        Ok(())
    }

    /// A request to join was approved or declined: the person who asked is told.
    pub fn join_answered(
        &mut self,
        community: &community::Model,
        membership: &community_member::Model,
    ) {
        let name = &community.name;
        let (kind, subject, text) = match membership.status {
            CommunityMembershipStatus::Active => (
                Kind::CommunityJoinApproved,
                format!("Welcome to {name}"),
                format!("Your request to join {name} was approved: you are now a member."),
            ),
            CommunityMembershipStatus::Declined => (
                Kind::CommunityJoinDeclined,
                format!("Your request to join {name}"),
                format!(
                    "Your request to join {name} was declined, for this reason:\n\n{}",
                    membership.reason.as_deref().unwrap_or_default()
                ),
            ),
            _ => return,
        };
        self.tell(
            [membership.person_id],
            Message {
                kind,
                about: (NodeKind::CommunityMembership, membership.id),
                mentions: Vec::new(),
                subject,
                text,
            },
        );
    }

    /// A meeting was scheduled, changed or cancelled: the community's members are told,
    /// and `communityActivity` hears it.
    pub async fn meeting(
        &mut self,
        conn: &impl ConnectionTrait,
        community: &community::Model,
        meeting: &community_meeting::Model,
        change: MeetingChange,
    ) -> Result<(), DbErr> {
        let (title, name) = (&meeting.title, &community.name);
        let mut details = format!(
            "When: {} to {}",
            when(meeting.starts_at),
            when(meeting.ends_at)
        );
        if let Some(place) = &meeting.place {
            details.push_str(&format!("\nWhere: {place}"));
        }
        if let Some(url) = &meeting.online_url {
            details.push_str(&format!("\nOnline: {url}"));
        }
        let (kind, subject, text) = match change {
            MeetingChange::Scheduled => (
                Kind::MeetingScheduled,
                format!("New meeting of {name}: {title}"),
                format!("{name} has a new meeting, \"{title}\".\n\n{details}"),
            ),
            MeetingChange::Changed => (
                Kind::MeetingChanged,
                format!("Meeting changed: {title}"),
                format!("The meeting \"{title}\" of {name} has changed.\n\n{details}"),
            ),
            MeetingChange::Cancelled => (
                Kind::MeetingCancelled,
                format!("Meeting cancelled: {title}"),
                format!(
                    "The meeting \"{title}\" of {name} on {} is cancelled.",
                    when(meeting.starts_at)
                ),
            ),
        };
        self.signal(Signal::Community {
            community: community.id,
            activity: match change {
                MeetingChange::Scheduled => CommunityActivityKind::MeetingScheduled,
                MeetingChange::Changed => CommunityActivityKind::MeetingChanged,
                MeetingChange::Cancelled => CommunityActivityKind::MeetingCancelled,
            },
            object: meeting.id,
        });
        let members = community_members(conn, community.id, false).await?;
        self.tell(
            members,
            Message {
                kind,
                about: (NodeKind::CommunityMeeting, meeting.id),
                mentions: Vec::new(),
                subject,
                text,
            },
        );
        Ok(())
    }

    /// Support was brokered: the requesting school's leaders, the supporting person and
    /// the supporting school's leaders are told.
    pub async fn support_brokered(
        &mut self,
        conn: &impl ConnectionTrait,
        request: &support_request::Model,
        arrangement: &support_arrangement::Model,
    ) -> Result<(), DbErr> {
        let mut schools = vec![arrangement.supported_school_id];
        schools.extend(arrangement.supporting_school_id);
        let names = school::Entity::find()
            .filter(school::Column::Id.is_in(schools.clone()))
            .all(conn)
            .await?;
        let school_name = |id: i32| {
            names
                .iter()
                .find(|school| school.id == id)
                .map_or_else(String::new, |school| school.name.clone())
        };
        let mut mentions = vec![NodeKind::SupportRequest.id(request.id)];
        let mut by = Vec::new();
        if let Some(person_id) = arrangement.supporting_person_id
            && let Some(person) = person::Entity::find_by_id(person_id).one(conn).await?
        {
            mentions.push(NodeKind::Person.id(person_id));
            by.push(person.full_name());
        }
        if let Some(school) = arrangement.supporting_school_id {
            by.push(school_name(school));
        }
        let mut recipients = school_leaders(conn, schools).await?;
        recipients.extend(arrangement.supporting_person_id);
        let days = crate::support::days(arrangement.half_days_planned);
        self.tell(
            recipients,
            Message {
                kind: Kind::SupportBrokered,
                about: (NodeKind::SupportArrangement, arrangement.id),
                mentions,
                subject: format!("Support arranged: {}", request.title),
                text: format!(
                    "Support is arranged for {}'s request \"{}\": {}, {days} days planned, given by {}.",
                    school_name(arrangement.supported_school_id),
                    request.title,
                    arrangement.focus,
                    by.join(", "),
                ),
            },
        );
        Ok(())
    }

    /// A school was invited into an alliance: its leaders are told.
    pub async fn alliance_invitation(
        &mut self,
        conn: &impl ConnectionTrait,
        alliance: &alliance::Model,
        school: &school::Model,
        membership: &alliance_membership::Model,
    ) -> Result<(), DbErr> {
        let leaders = school_leaders(conn, vec![school.id]).await?;
        self.tell(
            leaders,
            Message {
                kind: Kind::AllianceInvitation,
                about: (NodeKind::AllianceMembership, membership.id),
                mentions: Vec::new(),
                subject: format!("{} invites {} to join", alliance.name, school.name),
                text: format!(
                    "{} has invited {} to join the alliance. A headteacher, senior leader or school CPD lead can accept or decline the invitation.",
                    alliance.name, school.name
                ),
            },
        );
        Ok(())
    }
}
