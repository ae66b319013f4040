//! Calendar feeds: a person manages their own; an alliance's admins and CPD leads (and
//! platform admins) manage the alliance's. Nobody else learns that a feed exists. A
//! service account has none.
//!
//! What a feed shows is decided when it is made: a person's feed, the events that person
//! booked; an alliance's, its published events open to all its schools, which all their
//! staff see anyway.

use entity::calendar_feed;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::Access;

impl Access {
    /// Whether the caller manages (sees, replaces, revokes) `feed`.
    pub fn manages_calendar_feed(&self, feed: &calendar_feed::Model) -> bool {
        if self.service_account.is_some() {
            return false;
        }
        match (feed.person_id, feed.alliance_id) {
            (Some(person), _) => person == self.person_id,
            (None, Some(alliance)) => self.administers_alliance(alliance),
            (None, None) => false,
        }
    }

    /// The feeds the caller manages, as SQL.
    pub fn calendar_feed_condition(&self) -> Condition {
        if self.service_account.is_some() {
            return Condition::any();
        }
        let alliance_feeds = if self.platform_admin {
            Condition::all().add(calendar_feed::Column::AllianceId.is_not_null())
        } else {
            Condition::all()
                .add(calendar_feed::Column::AllianceId.is_in(self.administered_alliances()))
        };
        Condition::any()
            .add(calendar_feed::Column::PersonId.eq(self.person_id))
            .add(
                Condition::all()
                    .add(calendar_feed::Column::PersonId.is_null())
                    .add(alliance_feeds),
            )
    }
}
