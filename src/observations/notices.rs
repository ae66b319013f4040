//! Notices of observations and shares: each to one person, naming who did it and never
//! what the record says.

use entity::observation;

use super::RecordRef;
use crate::graphql::ids::NodeKind;
use crate::notifications::{Message, Notices, NotificationKind as Kind};

impl Notices {
    /// An observation of the teacher's teaching was recorded (to the teacher).
    pub fn observation_recorded(&mut self, row: &observation::Model) {
        self.tell(
            [row.teacher_id],
            Message {
                kind: Kind::ObservationRecorded,
                about: (NodeKind::Observation, row.id),
                mentions: vec![NodeKind::Person.id(row.observer_id)],
                subject: "An observation of your lesson was recorded".into(),
                text: format!(
                    "Your observer recorded the visit of {}. It is yours: only the two of you \
                     see it unless you share it. Add your own response when you are ready.",
                    row.observed_on.format("%-d %B %Y"),
                ),
            },
        );
    }

    /// A record was shared with someone (to them).
    pub fn record_shared(&mut self, record: &RecordRef, with: i32) {
        let (kind, what) = match record.kind {
            super::RecordKind::Observation => (NodeKind::Observation, "an observation"),
            super::RecordKind::Reflection => (NodeKind::Reflection, "a reflection"),
        };
        self.tell(
            [with],
            Message {
                kind: Kind::RecordShared,
                about: (kind, record.key),
                mentions: vec![NodeKind::Person.id(record.owner_id)],
                subject: format!("A colleague shared {what} with you"),
                text: format!(
                    "A colleague shared {what} with you. They may withdraw it at any time."
                ),
            },
        );
    }
}
