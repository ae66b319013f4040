//! Who is told of coaching: the coach and the coachee of what concerns them both; the
//! coach's school leaders only that their staff member will coach (release time), never
//! whom nor in which theme; the coachee's leaders nothing (being coached is private).

use entity::{coaching_action_step, coaching_relationship, person};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::graphql::ids::NodeKind;
use crate::notifications::recipients::school_leaders;
use crate::notifications::{Message, Notices, NotificationKind as Kind};

fn name(row: Option<&person::Model>) -> String {
    row.map_or_else(String::new, person::Model::full_name)
}

impl Notices {
    /// A relationship was arranged: the coach and the coachee are told; the leaders of the
    /// coach's school that their staff member will coach (no coachee, no theme).
    pub async fn coaching_arranged(
        &mut self,
        conn: &impl ConnectionTrait,
        row: &coaching_relationship::Model,
        theme: &str,
    ) -> Result<(), DbErr> {
        let coach = person::Entity::find_by_id(row.coach_id).one(conn).await?;
        let coachee = person::Entity::find_by_id(row.coachee_id).one(conn).await?;
        let (coach, coachee) = (name(coach.as_ref()), name(coachee.as_ref()));
        self.tell(
            [row.coach_id, row.coachee_id],
            Message {
                kind: Kind::CoachingArranged,
                about: (NodeKind::CoachingRelationship, row.id),
                mentions: vec![
                    NodeKind::Person.id(row.coach_id),
                    NodeKind::Person.id(row.coachee_id),
                ],
                subject: format!("Coaching arranged: {theme}"),
                text: format!(
                    "{coach} will coach {coachee} on \"{}\". This coaching is {}: agree a first \
                     session and start the relationship (startCoachingRelationship).",
                    row.focus,
                    match row.purpose {
                        entity::enums::CoachingPurpose::Developmental =>
                            "developmental: a learning support, never a judgement",
                        entity::enums::CoachingPurpose::Appraisal => "part of appraisal, as agreed",
                    }
                ),
            },
        );
        // The coachee's school leaders are told nothing: who is coached, and in what, is
        // between the coach and the coachee. The coach's leaders learn only that their staff
        // member will coach for the alliance (release time), never whom nor in what.
        if let Some(school) = row.coach_school_id {
            let leaders: Vec<i32> = school_leaders(conn, vec![school])
                .await?
                .into_iter()
                .filter(|leader| *leader != row.coach_id)
                .collect();
            self.tell(
                leaders,
                Message {
                    kind: Kind::StaffCoachingArranged,
                    about: (NodeKind::Person, row.coach_id),
                    mentions: Vec::new(),
                    subject: format!("{coach} will coach for the alliance"),
                    text: format!(
                        "{coach}, of your staff, will coach a colleague, brokered by the \
                         alliance. Sessions may take them out of school: they count in the \
                         release ledger."
                    ),
                },
            );
        }
        Ok(())
    }

    /// An action step's check-back date passed: the coach and the coachee are told, once.
    /// The email names neither the step nor its content (mail leaves the platform): it says
    /// a check-back is due and links to the relationship, where they read the step.
    pub fn check_back_overdue(
        &mut self,
        row: &coaching_relationship::Model,
        step: &coaching_action_step::Model,
    ) {
        self.tell(
            [row.coach_id, row.coachee_id],
            Message {
                kind: Kind::CoachingCheckBackOverdue,
                about: (NodeKind::CoachingRelationship, row.id),
                mentions: Vec::new(),
                subject: "A coaching check-back is overdue".into(),
                text: format!(
                    "A check-back you agreed in your coaching was due by {}. Open the coaching \
                     relationship to see the step, meet to look at how it went, and mark it done \
                     or agree the next step.",
                    step.check_back_on.format("%-d %B %Y"),
                ),
            },
        );
    }
}
