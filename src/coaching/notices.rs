//! Who is told of coaching: the coach and the coachee of what concerns them both, their
//! school leaders that one of their staff will coach or be coached (the leaders see only
//! counts, so their notice is about their staff member, not the relationship).

use entity::{coaching_action_step, coaching_relationship, person};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::graphql::ids::NodeKind;
use crate::notifications::recipients::school_leaders;
use crate::notifications::{Message, Notices, NotificationKind as Kind};

fn name(row: Option<&person::Model>) -> String {
    row.map_or_else(String::new, |p| {
        format!("{} {}", p.given_name, p.family_name)
    })
}

impl Notices {
    /// A relationship was arranged: the coach and the coachee are told, and the leaders of
    /// each one's school that their staff member will coach or be coached.
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
        for (person, school, role, who) in [
            (row.coach_id, row.coach_school_id, "coach", &coach),
            (
                row.coachee_id,
                row.coachee_school_id,
                "be coached",
                &coachee,
            ),
        ] {
            let Some(school) = school else { continue };
            let leaders: Vec<i32> = school_leaders(conn, vec![school])
                .await?
                .into_iter()
                .filter(|leader| *leader != person)
                .collect();
            self.tell(
                leaders,
                Message {
                    kind: Kind::StaffCoachingArranged,
                    about: (NodeKind::Person, person),
                    mentions: Vec::new(),
                    subject: format!("{who} will {role} ({theme})"),
                    text: format!(
                        "{who}, of your staff, will {role} in {theme}, brokered by the alliance. \
                         Sessions may take them out of school: they count in the release ledger."
                    ),
                },
            );
        }
        Ok(())
    }

    /// An action step's check-back date passed: the coach and the coachee are told, once.
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
                    "You agreed to check back on \"{}\" by {}. Meet to look at how it went, and \
                     mark it done (completeCoachingActionStep) or agree the next step.",
                    step.description,
                    step.check_back_on.format("%-d %B %Y"),
                ),
            },
        );
    }
}
