//! The notifications inbox and what subscriptions tell.
//!
//! A notification is its recipient's alone: only they see it, in `viewer.notifications`,
//! through `node(id:)` or pushed by `notificationAdded`; nobody else does, platform admins
//! and service accounts included. Only they mark it read and choose which types are also
//! emailed.
//!
//! `communityActivity` tells a community's new threads, replies and meetings to those who
//! take part in it: its active members and those who run it. Each event is checked again
//! when it happens (a person who left or was removed hears nothing more), and the object
//! it names must also be one the subscriber sees by the rule of its own domain.

use entity::{community, notification};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::Access;

impl Access {
    /// Whether the caller is the notification's recipient.
    pub fn sees_notification(&self, row: &notification::Model) -> bool {
        self.service_account.is_none() && row.person_id == self.person_id
    }

    /// The caller's own notifications (none for a service account).
    pub fn notification_condition(&self) -> Condition {
        if self.service_account.is_some() {
            return Condition::all().add(notification::Column::Id.is_null());
        }
        Condition::all().add(notification::Column::PersonId.eq(self.person_id))
    }

    /// Whether the caller hears a community's activity as it happens: an active member,
    /// or one who runs it.
    pub fn hears_community(&self, community: &community::Model) -> bool {
        self.service_account.is_none()
            && (self.is_community_member(community.id) || self.runs_community(community))
    }
}
