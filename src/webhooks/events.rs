//! The outbox: each change that other systems hear of writes one `webhook_event` row, in
//! the transaction of the change, through [`emit`]. A change that rolls back leaves no
//! event; one that commits leaves one that the worker delivers (`worker`).
//!
//! The constructors below are the events' payloads: the object's global id and the fields
//! a receiver needs to act without asking back.

use chrono::Utc;
use entity::enums::{PracticeVisibility, SchoolPhase, WebhookEventType};
use entity::{
    alliance_membership, community, event, event_booking, invitation, practice, staff_role,
    webhook_event,
};
use sea_orm::{ActiveEnum, ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::{Value, json};

use crate::graphql::ids::NodeKind;

/// One event, before it is written.
pub struct Event {
    pub event_type: WebhookEventType,
    subject: (NodeKind, i32),
    alliance_id: Option<i32>,
    school_id: Option<i32>,
    through_school: bool,
    /// The object's fields; `id` is added.
    fields: Value,
}

/// The name receivers see in the payload's `type`, as Stripe names its events.
pub fn wire_name(event_type: WebhookEventType) -> &'static str {
    match event_type {
        WebhookEventType::SchoolJoinedAlliance => "school.joined_alliance",
        WebhookEventType::SchoolLeftAlliance => "school.left_alliance",
        WebhookEventType::PersonInvited => "person.invited",
        WebhookEventType::StaffRoleStarted => "staff_role.started",
        WebhookEventType::StaffRoleEnded => "staff_role.ended",
        WebhookEventType::PracticePublished => "practice.published",
        WebhookEventType::PracticeTakenDown => "practice.taken_down",
        WebhookEventType::CommunityCreated => "community.created",
        WebhookEventType::CommunityClosed => "community.closed",
        WebhookEventType::EventPublished => "event.published",
        WebhookEventType::EventChanged => "event.changed",
        WebhookEventType::EventCancelled => "event.cancelled",
        WebhookEventType::EventBookingChanged => "event_booking.changed",
    }
}

/// An enumeration's value as the API writes it (`TEACHER`, not serde's `Teacher`).
fn name<E: ActiveEnum<Value = String>>(value: E) -> Value {
    value.to_value().into()
}

fn optional_name<E: ActiveEnum<Value = String>>(value: Option<E>) -> Value {
    value.map_or(Value::Null, name)
}

/// A stored JSON list of phases, as the API writes them.
fn phases(stored: &Value) -> Vec<Value> {
    serde_json::from_value::<Vec<SchoolPhase>>(stored.clone())
        .unwrap_or_default()
        .into_iter()
        .map(name)
        .collect()
}

fn gid(kind: NodeKind, key: i32) -> String {
    kind.id(key).to_string()
}

fn optional_gid(kind: NodeKind, key: Option<i32>) -> Value {
    key.map_or(Value::Null, |key| gid(kind, key).into())
}

impl Event {
    /// A school's membership of an alliance started or ended.
    pub fn membership(
        event_type: WebhookEventType,
        membership: &alliance_membership::Model,
    ) -> Self {
        Self {
            event_type,
            subject: (NodeKind::AllianceMembership, membership.id),
            alliance_id: Some(membership.alliance_id),
            school_id: Some(membership.school_id),
            through_school: false,
            fields: json!({
                "school": gid(NodeKind::School, membership.school_id),
                "alliance": gid(NodeKind::Alliance, membership.alliance_id),
                "status": name(membership.status),
                "role": name(membership.role),
            }),
        }
    }

    /// Someone was invited into a role at a school or in an alliance.
    pub fn invitation(invitation: &invitation::Model) -> Self {
        Self {
            event_type: WebhookEventType::PersonInvited,
            subject: (NodeKind::Invitation, invitation.id),
            alliance_id: invitation.alliance_id,
            school_id: invitation.school_id,
            through_school: true,
            fields: json!({
                "email": invitation.email,
                "givenName": invitation.given_name,
                "familyName": invitation.family_name,
                "school": optional_gid(NodeKind::School, invitation.school_id),
                "staffRole": optional_name(invitation.staff_role),
                "jobTitle": invitation.job_title,
                "alliance": optional_gid(NodeKind::Alliance, invitation.alliance_id),
                "allianceRole": optional_name(invitation.alliance_role),
                "expiresAt": invitation.expires_at,
            }),
        }
    }

    /// A staff role started or ended: the school's and its alliances' business.
    pub fn staff_role(event_type: WebhookEventType, role: &staff_role::Model) -> Self {
        Self {
            event_type,
            subject: (NodeKind::StaffRole, role.id),
            alliance_id: None,
            school_id: Some(role.school_id),
            through_school: true,
            fields: json!({
                "person": gid(NodeKind::Person, role.person_id),
                "school": gid(NodeKind::School, role.school_id),
                "role": name(role.role),
                "jobTitle": role.job_title,
                "subjects": role.subjects,
                "phases": phases(&role.phases),
                "startsOn": role.starts_on,
                "endsOn": role.ends_on,
            }),
        }
    }

    /// A practice was published or taken down. Its alliance takes part only when the
    /// practice is shared beyond its school; a private practice (its authors' alone)
    /// concerns no tenant.
    pub fn practice(event_type: WebhookEventType, practice: &practice::Model) -> Self {
        let beyond_school = practice.visibility.beyond_school();
        Self {
            event_type,
            subject: (NodeKind::Practice, practice.id),
            alliance_id: practice.alliance_id.filter(|_| beyond_school),
            school_id: (practice.visibility != PracticeVisibility::Private)
                .then_some(practice.school_id),
            through_school: practice.visibility == PracticeVisibility::Public,
            fields: json!({
                "title": practice.title,
                "summary": practice.summary,
                "kind": name(practice.kind),
                "school": gid(NodeKind::School, practice.school_id),
                "visibility": name(practice.visibility),
                "status": name(practice.status),
            }),
        }
    }

    /// A community was created or closed: its alliance's business.
    pub fn community(event_type: WebhookEventType, community: &community::Model) -> Self {
        Self {
            event_type,
            subject: (NodeKind::Community, community.id),
            alliance_id: Some(community.alliance_id),
            school_id: None,
            through_school: false,
            fields: json!({
                "name": community.name,
                "alliance": gid(NodeKind::Alliance, community.alliance_id),
                "kind": name(community.kind),
                "visibility": name(community.visibility),
                "status": name(community.status),
            }),
        }
    }

    /// An event was published, changed or cancelled: its alliance's business, and its host
    /// school's.
    pub fn hosted_event(event_type: WebhookEventType, event: &event::Model) -> Self {
        Self {
            event_type,
            subject: (NodeKind::Event, event.id),
            alliance_id: Some(event.alliance_id),
            school_id: event.host_school_id,
            through_school: false,
            fields: json!({
                "title": event.title,
                "kind": name(event.kind),
                "alliance": gid(NodeKind::Alliance, event.alliance_id),
                "hostSchool": optional_gid(NodeKind::School, event.host_school_id),
                "status": name(event.status),
                "startsAt": event.starts_at,
                "endsAt": event.ends_at,
                "capacity": event.capacity,
                "placesTaken": event.places_taken,
                "cancelledReason": event.cancelled_reason,
            }),
        }
    }

    /// A booking was made or changed status: the event's alliance's business, and the
    /// person's school's.
    pub fn booking(booking: &event_booking::Model, event: &event::Model) -> Self {
        Self {
            event_type: WebhookEventType::EventBookingChanged,
            subject: (NodeKind::EventBooking, booking.id),
            alliance_id: Some(event.alliance_id),
            school_id: Some(booking.school_id),
            through_school: false,
            fields: json!({
                "event": gid(NodeKind::Event, event.id),
                "person": gid(NodeKind::Person, booking.person_id),
                "school": gid(NodeKind::School, booking.school_id),
                "status": name(booking.status),
            }),
        }
    }

    /// The payload's `data`: the object's global id, then its fields.
    fn data(&self) -> Value {
        let mut data = serde_json::Map::new();
        data.insert("id".into(), gid(self.subject.0, self.subject.1).into());
        if let Value::Object(fields) = &self.fields {
            data.extend(fields.clone());
        }
        Value::Object(data)
    }
}

/// Writes `event` to the outbox, in the caller's transaction: it is delivered only if that
/// transaction commits.
pub async fn emit(conn: &impl ConnectionTrait, event: Event) -> Result<(), DbErr> {
    webhook_event::ActiveModel {
        public_id: Set(format!("evt_{}", uuid::Uuid::new_v4().simple())),
        event_type: Set(event.event_type),
        subject: Set(gid(event.subject.0, event.subject.1)),
        alliance_id: Set(event.alliance_id),
        school_id: Set(event.school_id),
        through_school: Set(event.through_school),
        data: Set(event.data()),
        created_at: Set(Utc::now()),
        fanned_out_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
