//! Notices of events' evaluations and impact follow-ups: each to the person who attended,
//! about themself (the text names the event, which they attended).

use chrono::NaiveDate;
use entity::event;

use super::{Message, Notices, NotificationKind as Kind};
use crate::graphql::ids::NodeKind;

impl Notices {
    /// Attendance was recorded: the person is asked what will change in their practice.
    pub fn evaluation_due(&mut self, person: i32, event: &event::Model, follow_up_on: NaiveDate) {
        self.tell(
            [person],
            Message {
                kind: Kind::EvaluationDue,
                about: (NodeKind::Person, person),
                mentions: Vec::new(),
                subject: format!("What will change after \"{}\"?", event.title),
                text: format!(
                    "Thank you for attending \"{}\". What will you change in your practice as a result? \
                     Write a short evaluation (submitEventEvaluation). On {} we will ask what did change.",
                    event.title,
                    follow_up_on.format("%-d %B %Y"),
                ),
            },
        );
    }

    /// A follow-up fell due: the person is asked what actually changed.
    pub fn follow_up_due(&mut self, person: i32, event: &event::Model) {
        self.tell(
            [person],
            Message {
                kind: Kind::FollowUpDue,
                about: (NodeKind::Person, person),
                mentions: Vec::new(),
                subject: format!("What changed after \"{}\"?", event.title),
                text: format!(
                    "Some weeks ago you attended \"{}\". What actually changed in your practice? \
                     Tell us in a short follow-up (submitEventFollowUp), and link a practice you \
                     published or a community you joined if there is one.",
                    event.title,
                ),
            },
        );
    }
}
