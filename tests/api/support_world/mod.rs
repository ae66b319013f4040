//! A world for the needs-and-offers tests, on top of the community world: the Severn
//! alliance with three member schools (Ashby, Brook, Cedar), its CPD lead, each school's
//! headteacher and a teacher, a colleague at Ashby and a teacher of another alliance; and
//! helpers to post requests, offers and practice, and broker them.

use serde_json::{Value, json};

use crate::common::gid;
use crate::community_world::{Community, Person, community_world};
use crate::world::{mutate, mutate_ok, mutate_raw};

pub const REQUEST_FIELDS: &str = "request { id status version daysRequested daysPlanned daysStillNeeded \
     history { fromStatus toStatus note changedBy { id } } }";
pub const OFFER_FIELDS: &str = "offer { id status version daysPerTerm daysCommitted daysRemaining history { fromStatus toStatus } }";
pub const ARRANGEMENT_FIELDS: &str = "arrangement { id status daysPlanned focus closingNote \
     supportedSchool { id } supportingSchool { id } supportingPerson { id } \
     history { fromStatus toStatus note } }";

pub struct Support {
    pub w: Community,
    /// The name of the world's theme.
    pub theme_name: String,
}

pub async fn support_world() -> Support {
    let w = community_world().await;
    use sea_orm::{EntityTrait, QueryOrder};
    let themes = entity::theme::Entity::find()
        .order_by_asc(entity::theme::Column::Id)
        .all(&w.app.db)
        .await
        .unwrap();
    Support {
        theme_name: themes[0].name.clone(),
        w,
    }
}

impl Support {
    pub fn alliance(&self) -> String {
        gid("Alliance", self.w.alliance)
    }

    pub fn school(&self, n: usize) -> String {
        gid("School", self.w.schools[n])
    }

    /// Posts a request for school `n` as its headteacher; the payload's request.
    pub async fn request(&self, n: usize, days: f64) -> Value {
        let payload = mutate_ok(
            &self.w.app,
            &self.w.heads[n].token,
            "createSupportRequest",
            REQUEST_FIELDS,
            json!({ "allianceId": self.alliance(), "schoolId": self.school(n),
                    "title": "Questioning in KS2 maths",
                    "descriptionMarkdown": "Answers are short; we want **hinge questions**.",
                    "themeIds": [self.w.theme], "phases": ["PRIMARY"],
                    "urgency": "HIGH", "days": days }),
        )
        .await;
        payload["request"].clone()
    }

    /// Publishes practice on the theme from school `n`, shared with the alliance, as its
    /// headteacher (who needs no one's approval); its id.
    pub async fn published_practice(&self, n: usize, title: &str) -> Value {
        let head = &self.w.heads[n].token;
        let created = mutate_ok(
            &self.w.app,
            head,
            "createPractice",
            "practice { id }",
            json!({ "schoolId": self.school(n), "kind": "CASE_STUDY", "title": title,
                    "summary": "Hinge questions before moving on.",
                    "bodyMarkdown": "One question, four answers, every lesson.",
                    "evidenceOfImpact": "Fewer misconceptions at the end of the unit.",
                    "themeIds": [self.w.theme], "phases": ["PRIMARY"],
                    "audience": { "visibility": "ALLIANCE", "allianceId": self.alliance() } }),
        )
        .await;
        let id = created["practice"]["id"].clone();
        mutate_ok(
            &self.w.app,
            head,
            "publishPractice",
            "practice { status }",
            json!({ "practiceId": id }),
        )
        .await;
        id
    }

    /// Posts an offer of one's own support as `person`; the payload's offer.
    pub async fn own_offer(&self, person: &Person, title: &str, days: f64) -> Value {
        let payload = mutate_ok(
            &self.w.app,
            &person.token,
            "createSupportOffer",
            OFFER_FIELDS,
            json!({ "allianceId": self.alliance(), "title": title,
                    "descriptionMarkdown": "I can model it in your classrooms.",
                    "themeIds": [self.w.theme], "phases": ["PRIMARY"],
                    "daysPerTerm": days }),
        )
        .await;
        payload["offer"].clone()
    }

    /// Brokers `request` to `offer` as the CPD lead; the whole payload.
    pub async fn broker(&self, request: &Value, offer: &Value, days: f64) -> Value {
        mutate(
            &self.w.app,
            &self.w.lead.token,
            "brokerSupportRequest",
            ARRANGEMENT_FIELDS,
            json!({ "requestId": request, "offerId": offer,
                    "focus": "Hinge questions in Year 5", "days": days }),
        )
        .await
    }

    /// A mutation's whole body (top-level errors included).
    pub async fn raw(&self, token: &str, field: &str, selection: &str, input: Value) -> Value {
        mutate_raw(&self.w.app, token, field, selection, input).await
    }

    pub async fn payload(&self, token: &str, field: &str, selection: &str, input: Value) -> Value {
        mutate(&self.w.app, token, field, selection, input).await
    }

    /// Makes `person` a Specialist Leader of Education of the alliance with `expertise`.
    pub async fn sle(&self, person: i32, expertise: &[&str]) {
        use entity::alliance_role;
        use entity::enums::AllianceRoleKind;
        use sea_orm::{ActiveModelTrait, Set};
        alliance_role::ActiveModel {
            person_id: Set(person),
            alliance_id: Set(self.w.alliance),
            role: Set(AllianceRoleKind::SpecialistLeaderOfEducation),
            expertise: Set(json!(expertise)),
            starts_on: Set(chrono::Utc::now().date_naive()),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert(&self.w.app.db)
        .await
        .unwrap();
    }

    /// The audit actions recorded so far whose name starts with `prefix`, oldest first.
    pub async fn audit_actions(&self, prefix: &str) -> Vec<String> {
        use sea_orm::{EntityTrait, QueryOrder};
        entity::audit_event::Entity::find()
            .order_by_asc(entity::audit_event::Column::Id)
            .all(&self.w.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|event| event.action)
            .filter(|action| action.starts_with(prefix))
            .collect()
    }
}
