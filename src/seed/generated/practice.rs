//! Generated practice items for search benchmarks and trials: titles, summaries and
//! Markdown bodies written from word lists about teaching (feedback, phonics,
//! metacognition, retrieval practice, behaviour, SEND, oracy...), spread over the seeded
//! schools' staff, visibilities and statuses, with adaptations and endorsements.
//!
//! Deterministic for a seed and a database (it reads the schools, staff and alliances
//! already there, in id order). Rows go in with multi-row inserts inside one transaction;
//! the stored counts (endorsements, published adaptations) are then set by one statement,
//! with the same meaning as `practice::counts::refresh`. Search stays in step: PostgreSQL
//! computes the generated `tsvector` on insert; on SQLite the FTS5 insert trigger is
//! replaced by one `rebuild` of the index after the load (much faster than a trigger per
//! row), in the same transaction.

use std::collections::{BTreeMap, HashSet};

use chrono::{Duration, TimeZone, Utc};
use entity::enums::{
    EndorsementOutcome, KeyStage, MembershipStatus, PracticeKind, PracticeStatus,
    PracticeVisibility, SchoolPhase, StaffRoleKind, Subject,
};
use entity::{
    alliance_membership, partnership, partnership_school, practice, practice_author,
    practice_endorsement, school, theme,
};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::{CHUNK, current_staff_roles, insert_chunks, max_id};
use crate::graphql::versioned::InsertFirst;
use crate::practice::keys::{enum_keys, join};

/// The SQLite FTS5 insert trigger, as the search migration creates it.
const FTS_INSERT_TRIGGER: &str = "
CREATE TRIGGER practice_fts_insert AFTER INSERT ON practice BEGIN
    INSERT INTO practice_fts (rowid, title, summary, body_markdown)
    VALUES (new.id, new.title, new.summary, new.body_markdown);
END;";

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct PracticeSummary {
    pub practices: usize,
    pub adaptations: usize,
    pub endorsements: usize,
}

struct SchoolStaff {
    id: i32,
    phase: SchoolPhase,
    /// Current teachers and leaders.
    staff: Vec<i32>,
    /// Head, senior leader or CPD lead, the approver of sharing beyond the school.
    leader: Option<i32>,
    /// Alliances it is an active member of.
    alliances: Vec<i32>,
    /// Partnerships it belongs to now, with their alliance.
    partnerships: Vec<(i32, i32)>,
}

/// Adds `count` practice items to a seeded database.
pub async fn seed_practice(
    db: &DatabaseConnection,
    count: usize,
    seed: u64,
) -> anyhow::Result<PracticeSummary> {
    let mut summary = PracticeSummary::default();
    if count == 0 {
        return Ok(summary);
    }
    let schools = school_staff(db).await?;
    if schools.is_empty() {
        anyhow::bail!("no school with staff to write practice");
    }
    let themes: Vec<i32> = theme::Entity::find()
        .filter(theme::Column::AllianceId.is_null())
        .order_by_asc(theme::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect();
    let mut ids = (
        max_id::<practice::Entity>(db).await?,
        max_id::<practice_author::Entity>(db).await?,
        max_id::<practice_endorsement::Entity>(db).await?,
    );
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7072_6163_7469_6365);
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    if backend == DbBackend::Sqlite {
        txn.execute_unprepared("DROP TRIGGER practice_fts_insert")
            .await?;
    }
    let start = Utc
        .with_ymd_and_hms(2023, 9, 4, 8, 0, 0)
        .single()
        .expect("a time");
    let span = (Utc
        .with_ymd_and_hms(2026, 1, 9, 17, 0, 0)
        .single()
        .expect("a time")
        - start)
        .num_seconds();
    // Published items that may be adapted, with their title.
    let mut origins: Vec<(i32, String)> = Vec::new();
    let mut practices = Vec::with_capacity(CHUNK);
    let mut authors = Vec::with_capacity(CHUNK);
    let mut endorsements = Vec::with_capacity(CHUNK * 2);
    for n in 0..count {
        ids.0 += 1;
        let id = ids.0;
        let home = schools.choose(&mut rng).expect("schools");
        let author = *home.staff.choose(&mut rng).expect("staff");
        // Later items are created later: a steady stream over two and a half years.
        let created = start
            + Duration::seconds(span * n as i64 / count as i64)
            + Duration::seconds(rng.random_range(0..3_600));
        let mut visibility = match rng.random_range(0..100) {
            0..30 => PracticeVisibility::Public,
            30..65 => PracticeVisibility::Alliance,
            65..72 => PracticeVisibility::Partnership,
            72..95 => PracticeVisibility::School,
            _ => PracticeVisibility::Private,
        };
        let mut alliance_id = home.alliances.choose(&mut rng).copied();
        let mut partnership_id = None;
        match visibility {
            PracticeVisibility::Partnership => match home.partnerships.choose(&mut rng) {
                Some(&(partnership, alliance)) => {
                    partnership_id = Some(partnership);
                    alliance_id = Some(alliance);
                }
                None => visibility = PracticeVisibility::School,
            },
            PracticeVisibility::Alliance if alliance_id.is_none() => {
                visibility = PracticeVisibility::School
            }
            _ => {}
        }
        if !matches!(
            visibility,
            PracticeVisibility::Alliance
                | PracticeVisibility::Partnership
                | PracticeVisibility::Public
        ) {
            alliance_id = None;
        }
        let status = match rng.random_range(0..100) {
            0..80 => PracticeStatus::Published,
            80..88 => PracticeStatus::Draft,
            88..93 if visibility.beyond_school() => PracticeStatus::InReview,
            88..93 => PracticeStatus::Draft,
            _ => PracticeStatus::Archived,
        };
        let shared = matches!(status, PracticeStatus::Published | PracticeStatus::Archived);
        let published_at = shared.then(|| created + Duration::hours(rng.random_range(1..240)));
        let approved = shared && visibility.beyond_school();
        let taken_down = shared && rng.random_bool(0.004);

        let mut text = Writer::new(&mut rng, home.phase);
        let adapted_from = if shared && !origins.is_empty() && text.rng.random_bool(0.08) {
            origins.choose(text.rng).cloned()
        } else {
            None
        };
        let (title, adaptation_changes, outcome) = match &adapted_from {
            Some((_, origin)) => {
                let context = text.context();
                (
                    format!("{origin}: adapted for {context}"),
                    Some(format!("We adapted it for {context}: {}", text.sentence())),
                    text.rng
                        .random_bool(0.7)
                        .then(|| format!("After a term, {}", text.outcome())),
                )
            }
            None => (text.title(), None, None),
        };
        let summary_text = text.summary();
        let body = text.body();
        let evidence = text
            .rng
            .random_bool(0.55)
            .then(|| format!("{} {}", text.outcome_capitalised(), text.measure()));
        let theme_keys = join(
            &pick(text.rng, &themes, 1, 3)
                .into_iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>(),
        );
        let subjects = pick(text.rng, &text.subjects(), 1, 2);
        let key_stages = key_stages(home.phase);
        let kind = *[
            PracticeKind::CaseStudy,
            PracticeKind::CaseStudy,
            PracticeKind::Vignette,
            PracticeKind::Resource,
            PracticeKind::LessonStudy,
            PracticeKind::EnquiryFinding,
            PracticeKind::Tool,
        ]
        .choose(text.rng)
        .expect("kinds");

        practices.push(practice::ActiveModel {
            id: Set(id),
            kind: Set(kind),
            title: Set(title.clone()),
            summary: Set(summary_text),
            body_markdown: Set(body),
            evidence_of_impact: Set(evidence),
            links: Set(serde_json::json!([])),
            theme_keys: Set(theme_keys),
            phase_keys: Set(enum_keys(&[home.phase])),
            subject_keys: Set(enum_keys(&subjects)),
            key_stage_keys: Set(enum_keys(&key_stages)),
            school_id: Set(home.id),
            alliance_id: Set(alliance_id),
            partnership_id: Set(partnership_id),
            visibility: Set(visibility),
            status: Set(status),
            adapted_from_id: Set(adapted_from.as_ref().map(|(origin, _)| *origin)),
            adaptation_changes: Set(adaptation_changes),
            outcome: Set(outcome),
            created_by_id: Set(author),
            approved_by_id: Set(if approved { home.leader } else { None }),
            approved_at: Set(if approved { published_at } else { None }),
            review_comment: Set(None),
            published_at: Set(published_at),
            archived_at: Set((status == PracticeStatus::Archived)
                .then(|| published_at.map(|at| at + Duration::days(rng.random_range(30..300))))
                .flatten()),
            taken_down_at: Set(taken_down
                .then(|| published_at.map(|at| at + Duration::days(2)))
                .flatten()),
            taken_down_by_id: Set(None),
            taken_down_reason: Set(taken_down.then(|| "Reported as naming a pupil.".to_owned())),
            endorsement_count: Set(0),
            adaptation_count: Set(0),
            comment_count: Set(0),
            version: Set(1),
            created_at: Set(created),
            updated_at: Set(published_at.unwrap_or(created)),
        });
        ids.1 += 1;
        authors.push(practice_author::ActiveModel {
            id: Set(ids.1),
            practice_id: Set(id),
            person_id: Set(author),
            school_id: Set(Some(home.id)),
            is_lead: Set(true),
            added_at: Set(created),
        });
        summary.practices += 1;
        if adapted_from.is_some() {
            summary.adaptations += 1;
        }
        if shared && !taken_down {
            if adapted_from.is_none() && status == PracticeStatus::Published {
                origins.push((id, title));
            }
            // Endorsements from staff of other schools: most items none, a few many.
            let wanted = match rng.random_range(0..100) {
                0..55 => 0,
                55..80 => 1,
                80..93 => rng.random_range(2..=4),
                _ => rng.random_range(5..=12),
            };
            let mut seen = HashSet::new();
            for _ in 0..wanted {
                let other = schools.choose(&mut rng).expect("schools");
                if other.id == home.id {
                    continue;
                }
                let person = *other.staff.choose(&mut rng).expect("staff");
                if !seen.insert(person) {
                    continue;
                }
                let at = published_at.unwrap_or(created) + Duration::days(rng.random_range(1..120));
                let outcome = *[
                    EndorsementOutcome::Improved,
                    EndorsementOutcome::Improved,
                    EndorsementOutcome::Mixed,
                    EndorsementOutcome::NoChange,
                    EndorsementOutcome::TooEarlyToTell,
                ]
                .choose(&mut rng)
                .expect("outcomes");
                ids.2 += 1;
                endorsements.push(
                    practice_endorsement::ActiveModel {
                        id: Set(ids.2),
                        practice_id: Set(id),
                        person_id: Set(person),
                        school_id: Set(other.id),
                        note: Set(ENDORSEMENT_NOTES
                            .choose(&mut rng)
                            .expect("notes")
                            .to_string()),
                        outcome: Set(outcome),
                        ..Default::default()
                    }
                    .first_version(at),
                );
                summary.endorsements += 1;
            }
            // Counted as the rows are written (each endorser in `seen` endorsed once):
            // updating every row afterwards would leave a dead copy of each on PostgreSQL,
            // doubling the table a search scans.
            if let Some(row) = practices.last_mut() {
                row.endorsement_count = Set(seen.len() as i32);
            }
        }
        if practices.len() >= CHUNK {
            flush(&txn, &mut practices, &mut authors, &mut endorsements).await?;
        }
    }
    flush(&txn, &mut practices, &mut authors, &mut endorsements).await?;
    crate::practice::adaptation::link_all_ancestors(&txn).await?;
    // Adaptation counts, as `counts::refresh` computes them, of the few items adapted
    // (an origin is written before its adaptations, so they are counted afterwards).
    txn.execute_unprepared(
        "UPDATE practice SET
            adaptation_count = (SELECT COUNT(*) FROM practice a
                                WHERE a.adapted_from_id = practice.id
                                  AND a.status IN ('PUBLISHED', 'ARCHIVED')
                                  AND a.taken_down_at IS NULL)
         WHERE id IN (SELECT adapted_from_id FROM practice WHERE adapted_from_id IS NOT NULL)",
    )
    .await?;
    if backend == DbBackend::Sqlite {
        txn.execute_unprepared("INSERT INTO practice_fts (practice_fts) VALUES ('rebuild')")
            .await?;
        txn.execute_unprepared(FTS_INSERT_TRIGGER).await?;
    }
    txn.commit().await?;
    if backend == DbBackend::Postgres {
        for table in ["practice", "practice_author", "practice_endorsement"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), \
                 GREATEST((SELECT MAX(id) FROM \"{table}\"), 1))"
            ))
            .await?;
        }
        db.execute_unprepared(
            "ANALYZE practice; ANALYZE practice_author; ANALYZE practice_endorsement",
        )
        .await?;
    }
    Ok(summary)
}

async fn flush(
    txn: &DatabaseTransaction,
    practices: &mut Vec<practice::ActiveModel>,
    authors: &mut Vec<practice_author::ActiveModel>,
    endorsements: &mut Vec<practice_endorsement::ActiveModel>,
) -> Result<(), sea_orm::DbErr> {
    insert_chunks(txn, practices).await?;
    insert_chunks(txn, authors).await?;
    insert_chunks(txn, endorsements).await?;
    Ok(())
}

/// Schools with current staff, in id order, with their leaders, alliances and
/// partnerships.
async fn school_staff(db: &DatabaseConnection) -> Result<Vec<SchoolStaff>, sea_orm::DbErr> {
    let mut schools: BTreeMap<i32, SchoolStaff> = school::Entity::find()
        .order_by_asc(school::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.id,
                SchoolStaff {
                    id: row.id,
                    phase: row.phase,
                    staff: Vec::new(),
                    leader: None,
                    alliances: Vec::new(),
                    partnerships: Vec::new(),
                },
            )
        })
        .collect();
    for role in current_staff_roles(db).await? {
        let Some(school) = schools.get_mut(&role.school_id) else {
            continue;
        };
        match role.role {
            StaffRoleKind::Headteacher
            | StaffRoleKind::SeniorLeader
            | StaffRoleKind::SchoolCpdLead => {
                school.leader.get_or_insert(role.person_id);
                school.staff.push(role.person_id);
            }
            StaffRoleKind::Teacher | StaffRoleKind::MiddleLeader => {
                school.staff.push(role.person_id)
            }
            _ => {}
        }
    }
    for membership in alliance_membership::Entity::find()
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .order_by_asc(alliance_membership::Column::Id)
        .all(db)
        .await?
    {
        if let Some(school) = schools.get_mut(&membership.school_id) {
            school.alliances.push(membership.alliance_id);
        }
    }
    let alliance_of: BTreeMap<i32, i32> = partnership::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.alliance_id))
        .collect();
    for member in partnership_school::Entity::find()
        .filter(partnership_school::Column::LeftOn.is_null())
        .order_by_asc(partnership_school::Column::Id)
        .all(db)
        .await?
    {
        if let (Some(school), Some(&alliance)) = (
            schools.get_mut(&member.school_id),
            alliance_of.get(&member.partnership_id),
        ) {
            school.partnerships.push((member.partnership_id, alliance));
        }
    }
    Ok(schools
        .into_values()
        .filter(|school| !school.staff.is_empty())
        .collect())
}

fn pick<T: Clone>(rng: &mut StdRng, items: &[T], low: usize, high: usize) -> Vec<T> {
    if items.is_empty() {
        return Vec::new();
    }
    let n = rng.random_range(low..=high).min(items.len());
    items.choose_multiple(rng, n).cloned().collect()
}

fn key_stages(phase: SchoolPhase) -> Vec<KeyStage> {
    use KeyStage::*;
    match phase {
        SchoolPhase::Nursery => vec![EarlyYearsFoundationStage],
        SchoolPhase::Primary => vec![KeyStage1, KeyStage2],
        SchoolPhase::Middle => vec![KeyStage2, KeyStage3],
        SchoolPhase::Secondary => vec![KeyStage3, KeyStage4],
        SchoolPhase::SixteenPlus => vec![KeyStage5],
        _ => vec![KeyStage2, KeyStage3, KeyStage4],
    }
}

/// Strategies: what a practice is about.
const STRATEGIES: &[&str] = &[
    "retrieval practice",
    "whole-class feedback",
    "systematic synthetic phonics",
    "metacognitive talk",
    "worked examples",
    "dual coding",
    "cold calling",
    "oracy sentence stems",
    "restorative conversations",
    "calm behaviour routines",
    "pre-teaching vocabulary",
    "scaffolded extended writing",
    "mini whiteboards",
    "spaced practice",
    "peer assessment",
    "questioning for depth",
    "reading fluency",
    "number talks",
    "adaptive teaching for SEND",
    "self-regulation",
    "lesson study cycles",
    "instructional coaching",
    "knowledge organisers",
    "interleaved practice",
    "live modelling",
    "exit tickets",
    "low-stakes quizzing",
    "reciprocal reading",
    "concrete manipulatives",
    "precision teaching",
    "social stories",
    "attendance mentoring",
    "family learning workshops",
    "disciplinary literacy",
    "structured paired talk",
    "feedback that moves learning on",
];

const CONTEXTS: &[&str] = &[
    "Reception",
    "Year 1",
    "Year 2",
    "Year 3",
    "Year 4",
    "Year 5",
    "Year 6",
    "Year 7",
    "Year 8",
    "Year 9",
    "Year 10",
    "Year 11",
    "the sixth form",
    "a mixed-age class",
    "an SEND resource base",
    "small-group intervention",
    "tutor time",
    "disadvantaged pupils",
    "pupils with English as an additional language",
    "a nurture group",
];

const TITLE_FORMS: &[&str] = &[
    "{S} in {C}",
    "Making {S} stick in {C}",
    "{S}: what we learned in {C}",
    "Embedding {S} across {C}",
    "A term of {S} with {C}",
    "{S} for {C}",
    "Getting started with {S}",
    "Why {S} worked for {C}",
];

const OPENINGS: &[&str] = &[
    "Our department introduced {S} with {C} because too many pupils forgot what they had learned a week later.",
    "We started using {S} with {C} after a staff enquiry into what was holding back our lowest attainers.",
    "The team trialled {S} with {C} as part of the alliance's professional learning community.",
    "Colleagues wanted a simple routine, so we built {S} into every lesson with {C}.",
    "After a lesson study cycle, we agreed to try {S} with {C} for one term.",
];

const MIDDLES: &[&str] = &[
    "Each lesson began with three questions on earlier learning, answered on mini whiteboards.",
    "Teachers modelled their thinking aloud before pupils tried the task independently.",
    "We planned the sequence together in department time and shared resources on the drive.",
    "Teaching assistants were trained alongside teachers, so the language stayed consistent.",
    "Pupils used sentence stems to explain their reasoning to a partner before writing.",
    "We kept feedback short and specific, and gave time in the next lesson to act on it.",
    "Pupils with SEND had visual prompts and pre-taught vocabulary before each unit.",
    "The routine took five minutes at most, so it never crowded out new content.",
    "We filmed short clips of the routine so that new staff could see it in action.",
    "Leaders protected time in the calendar for coaching conversations every fortnight.",
    "Homework became a short quiz that recycled content from earlier units.",
    "We used a simple rubric so that pupils could assess each other's work fairly.",
    "Parents were invited to a workshop showing how to support the routine at home.",
    "Behaviour expectations were rehearsed at the door, with the same script in every room.",
    "Phonics groups were regrouped every six weeks using quick assessments.",
    "Pupils planned, monitored and evaluated their own work using a metacognitive checklist.",
];

const RARE: &[&str] = &[
    "We also explored etymology, tracing words back to their Latin and Greek roots.",
    "A sociogram of the class helped us plan groupings for paired talk.",
    "Pupils kept a commonplace book of striking sentences from their reading.",
];

const OUTCOMES: &[&str] = &[
    "pupils remembered far more of the previous unit",
    "the gap between disadvantaged pupils and their peers narrowed",
    "low-level disruption fell noticeably",
    "pupils spoke in fuller sentences and with more confidence",
    "reading ages rose faster than in previous years",
    "staff reported feeling more confident about their teaching",
    "attendance at the intervention sessions improved",
    "pupils' extended writing became better organised",
    "fewer pupils needed catch-up support by the spring",
    "marking time dropped while the quality of feedback improved",
];

const MEASURES: &[&str] = &[
    "Our end-of-unit quizzes and book looks showed it.",
    "We compared assessment data with the same term last year.",
    "A staff survey and pupil voice interviews both pointed the same way.",
    "Lesson visits and work scrutiny confirmed the change.",
    "Standardised reading tests in the summer term showed it clearly.",
];

const INSIGHTS: &[&str] = &[
    "The key was consistency: the same routine, every lesson, in every classroom.",
    "Starting small with one year group made it easier to refine before scaling up.",
    "Coaching mattered more than the initial training day.",
    "It only worked once pupils understood why we were doing it.",
    "Sharing the load across the department kept it sustainable.",
];

const ENDORSEMENT_NOTES: &[&str] = &[
    "We tried this in our Year 4 classes and pupils loved it.",
    "Adapted slightly for our context; the routine is now embedded.",
    "Worked well for our disadvantaged pupils.",
    "Too early to tell, but staff are positive.",
    "Helped our new teachers get started quickly.",
    "We saw a clear improvement in retrieval quiz scores.",
];

/// Writes a practice's texts.
struct Writer<'a> {
    rng: &'a mut StdRng,
    phase: SchoolPhase,
    strategy: &'static str,
    context: &'static str,
}

impl<'a> Writer<'a> {
    fn new(rng: &'a mut StdRng, phase: SchoolPhase) -> Self {
        let strategy = STRATEGIES.choose(rng).expect("strategies");
        let context = CONTEXTS.choose(rng).expect("contexts");
        Self {
            rng,
            phase,
            strategy,
            context,
        }
    }

    fn fill(&self, form: &str) -> String {
        let strategy = if form.starts_with("{S}") {
            capitalised(self.strategy)
        } else {
            self.strategy.to_owned()
        };
        form.replace("{S}", &strategy).replace("{C}", self.context)
    }

    fn context(&mut self) -> &'static str {
        CONTEXTS.choose(self.rng).expect("contexts")
    }

    fn title(&mut self) -> String {
        let form = TITLE_FORMS.choose(self.rng).expect("forms");
        self.fill(form)
    }

    fn sentence(&mut self) -> String {
        MIDDLES.choose(self.rng).expect("sentences").to_string()
    }

    fn outcome(&mut self) -> String {
        OUTCOMES.choose(self.rng).expect("outcomes").to_string()
    }

    fn outcome_capitalised(&mut self) -> String {
        format!("{}.", capitalised(&self.outcome()))
    }

    fn measure(&mut self) -> String {
        MEASURES.choose(self.rng).expect("measures").to_string()
    }

    fn summary(&mut self) -> String {
        let outcome = self.outcome();
        format!(
            "How we used {} with {}, and found that {outcome}.",
            self.strategy, self.context
        )
    }

    fn body(&mut self) -> String {
        let form = OPENINGS.choose(self.rng).expect("openings");
        let opening = self.fill(form);
        let sentences = self.rng.random_range(3..=7);
        let mut middle: Vec<&str> = MIDDLES
            .choose_multiple(self.rng, sentences)
            .copied()
            .collect();
        if self.rng.random_bool(0.01) {
            middle.push(RARE.choose(self.rng).expect("rare"));
        }
        let steps: Vec<String> = MIDDLES
            .choose_multiple(self.rng, 3)
            .map(|s| format!("- {s}"))
            .collect();
        let outcome = self.outcome();
        let measure = self.measure();
        let insight = INSIGHTS.choose(self.rng).expect("insights");
        format!(
            "## Why we started\n\n{opening}\n\n## What we did\n\n{}\n\n{}\n\n## What happened\n\nBy the end of the term {outcome}. {measure}\n\n{insight}",
            middle.join(" "),
            steps.join("\n"),
        )
    }

    fn subjects(&self) -> Vec<Subject> {
        use Subject::*;
        match self.phase {
            SchoolPhase::Nursery => vec![EarlyYears, English, Pshe],
            SchoolPhase::Special => vec![Send, English, Mathematics, Pshe, CrossCurricular],
            _ => vec![
                English,
                Mathematics,
                Science,
                History,
                Geography,
                Computing,
                Languages,
                CrossCurricular,
                Send,
            ],
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
