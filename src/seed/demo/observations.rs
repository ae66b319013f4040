//! Demo observations, reflections and a teacher who moved school (loaded after every
//! other demo row, so no earlier key moves).
//!
//! - Observation 1 (developmental): Kingsmead's maths lead (an SLE, coaching) observed
//!   Kingsmead's teacher; the teacher shared it with St Aidan's teacher (a peer of the
//!   alliance) and put it in their portfolio. The golden cases read it from every viewer.
//! - Observation 2 (developmental): St Aidan's teacher's peer visit to Kingsmead's
//!   teacher, shared with nobody.
//! - Observation 3 (appraisal): Kingsmead's headteacher's visit to the same teacher: it
//!   appears in the school's appraisal view.
//! - Observation 4 (developmental): the maths lead observed Priya Shah, who moved from St
//!   Aidan's to Kingsmead this September; she shared it with Kingsmead's head.
//! - Observations 5 and 6: more developmental visits at Kingsmead, so that the term's
//!   count reaches five and shows (themes with fewer stay hidden).
//! - Reflections: two of Kingsmead's teacher (one private, one shared with the maths
//!   lead); one of Priya's (developmental), in her portfolio (never the review selection), that she had shared with
//!   St Aidan's head through her role there: the share ended with the role.
//! - `admin@severnvalley.example`: an admin of Severn Valley who is not its CPD lead.

use crate::graphql::versioned::InsertFirst;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entity::enums::{AllianceRoleKind, PersonStatus, RecordPurpose, StaffRoleKind};
use entity::{observation, person, record_share, reflection, staff_role, theme};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use super::lookup::person_id;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn at(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(16, 0, 0).expect("a time"))
}

async fn theme_key(txn: &DatabaseTransaction, name: &str) -> anyhow::Result<String> {
    let theme = theme::Entity::find()
        .filter(theme::Column::Name.eq(name))
        .filter(theme::Column::AllianceId.is_null())
        .one(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the theme {name} is missing"))?;
    Ok(format!(",{},", theme.id))
}

struct Visit {
    observer: i32,
    teacher: i32,
    on: NaiveDate,
    purpose: RecordPurpose,
    focus: &'static str,
    went_well: &'static str,
    questions: &'static str,
    next_steps: &'static str,
    themes: String,
    in_portfolio: bool,
}

pub(super) async fn load(
    txn: &DatabaseTransaction,
    severn_valley: i32,
    kingsmead: i32,
    st_aidans: i32,
) -> anyhow::Result<()> {
    let coach = person_id(txn, "middle-leader@kingsmead.example").await?;
    let teacher = person_id(txn, "teacher@kingsmead.example").await?;
    let peer = person_id(txn, "teacher@staidans.example").await?;
    let head = person_id(txn, "headteacher@kingsmead.example").await?;
    let senior = person_id(txn, "senior-leader@kingsmead.example").await?;
    let cpd = person_id(txn, "school-cpd-lead@kingsmead.example").await?;
    let st_aidans_head = person_id(txn, "headteacher@staidans.example").await?;
    let template = person::Entity::find_by_id(head)
        .one(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo head is missing"))?;
    let now = Utc::now();
    let new_person = |email: &str, given: &str, family: &str| person::ActiveModel {
        email: Set(email.into()),
        given_name: Set(given.into()),
        family_name: Set(family.into()),
        status: Set(PersonStatus::Active),
        password_hash: Set(template.password_hash.clone()),
        is_platform_admin: Set(false),
        ..Default::default()
    };

    // The teacher who moved: St Aidan's until July, Kingsmead since September.
    let mover = new_person("priya.shah@kingsmead.example", "Priya", "Shah")
        .insert_first(txn, now)
        .await?;
    for (school, from, until) in [
        (st_aidans, day(2021, 9, 1), Some(day(2026, 7, 31))),
        (kingsmead, day(2026, 9, 1), None),
    ] {
        staff_role::ActiveModel {
            person_id: Set(mover.id),
            school_id: Set(school),
            role: Set(StaffRoleKind::Teacher),
            job_title: Set(Some("Class teacher (Year 4)".into())),
            subjects: Set(serde_json::json!([])),
            phases: Set(serde_json::json!(["PRIMARY"])),
            starts_on: Set(from),
            ends_on: Set(until),
            version: Set(1),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let admin = new_person("admin@severnvalley.example", "Dev", "Patel")
        .insert_first(txn, now)
        .await?;
    entity::alliance_role::ActiveModel {
        person_id: Set(admin.id),
        alliance_id: Set(severn_valley),
        role: Set(AllianceRoleKind::Admin),
        expertise: Set(serde_json::json!([])),
        starts_on: Set(day(2024, 9, 1)),
        ends_on: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;

    let afl = theme_key(txn, "Assessment for learning").await?;
    let coaching = theme_key(txn, "Mentoring and coaching").await?;
    let visits = [
        Visit {
            observer: coach,
            teacher,
            on: day(2026, 10, 7),
            purpose: RecordPurpose::Developmental,
            focus: "Hinge questions at the midpoint of a Year 5 fractions lesson",
            went_well: "The hinge question on equivalent fractions showed at a glance who was ready to move on; three pupils were regrouped at once.",
            questions: "What would you have done if half the class had chosen the distractor?",
            next_steps: "Plan two hinge questions for next week's decimals unit, with the distractors written first.",
            themes: afl.clone(),
            in_portfolio: true,
        },
        Visit {
            observer: peer,
            teacher,
            on: day(2026, 11, 4),
            purpose: RecordPurpose::Developmental,
            focus: "Wait time after open questions",
            went_well: "Wait time of five seconds or more after every open question; more pupils offered answers.",
            questions: "Did the quieter pupils near the window get a turn?",
            next_steps: "Try no-hands-up with lolly sticks in one lesson a day.",
            themes: afl.clone(),
            in_portfolio: false,
        },
        Visit {
            observer: head,
            teacher,
            on: day(2026, 11, 18),
            purpose: RecordPurpose::Appraisal,
            focus: "Progress towards this year's appraisal objective on feedback",
            went_well: "Whole-class feedback sheets used well; pupils edited their work in purple pen.",
            questions: "How will you know the feedback changed the next piece of writing?",
            next_steps: "Bring three books to the mid-year review.",
            themes: afl.clone(),
            in_portfolio: false,
        },
        Visit {
            observer: coach,
            teacher: mover.id,
            on: day(2026, 10, 14),
            purpose: RecordPurpose::Developmental,
            focus: "Settling a new class: routines for transitions",
            went_well: "Transitions between carpet and tables took under a minute with the countdown routine.",
            questions: "Which routine from St Aidan's has not travelled, and why?",
            next_steps: "Co-plan one lesson with the Year 4 team and visit a colleague's class.",
            themes: coaching.clone(),
            in_portfolio: true,
        },
        Visit {
            observer: senior,
            teacher: coach,
            on: day(2026, 9, 23),
            purpose: RecordPurpose::Developmental,
            focus: "Concrete resources in a mastery lesson",
            went_well: "Base-ten blocks were used to reason, not just to count.",
            questions: "When do pupils put the blocks away?",
            next_steps: "Plan the move from concrete to pictorial explicitly.",
            themes: ",".into(),
            in_portfolio: false,
        },
        Visit {
            observer: head,
            teacher: cpd,
            on: day(2026, 10, 21),
            purpose: RecordPurpose::Developmental,
            focus: "Leading a staff enquiry session",
            went_well: "Colleagues brought evidence from their own classes.",
            questions: "How will the enquiry question be narrowed?",
            next_steps: "Agree one question per year group.",
            themes: coaching.clone(),
            in_portfolio: false,
        },
    ];
    let mut observations = Vec::new();
    for visit in visits {
        let row = observation::ActiveModel {
            observer_id: Set(visit.observer),
            teacher_id: Set(visit.teacher),
            school_id: Set(Some(kingsmead)),
            observed_on: Set(visit.on),
            purpose: Set(visit.purpose),
            focus: Set(visit.focus.into()),
            went_well: Set(visit.went_well.into()),
            questions_for_dialogue: Set(visit.questions.into()),
            agreed_next_steps: Set(visit.next_steps.into()),
            teacher_response: Set(None),
            theme_keys: Set(visit.themes),
            in_portfolio: Set(visit.in_portfolio),
            in_review_selection: Set(false),
            ..Default::default()
        }
        .insert_first(txn, at(visit.on))
        .await?;
        observations.push(row);
    }
    // The teacher's response to the first.
    let mut first: observation::ActiveModel = observations[0].clone().into();
    first.teacher_response = Set(Some(
        "I want to try writing the distractors first: they tell me more than the right answer."
            .into(),
    ));
    first.version = Set(2);
    first.update(txn).await?;

    let reflections = [
        (
            teacher,
            Some(kingsmead),
            day(2026, 10, 8),
            "What the hinge question told me",
            "The **distractor** was the most useful option: four pupils chose it, and each for the same reason.\n\nNext time I will ask them *why* before I reteach.",
            false,
            false,
        ),
        (
            teacher,
            Some(kingsmead),
            day(2026, 11, 5),
            "Wait time",
            "Counting to five in my head felt long. The answers after it were longer too.",
            false,
            false,
        ),
        (
            mover.id,
            Some(kingsmead),
            day(2026, 10, 15),
            "A new school, the same routines?",
            "Some routines travelled from St Aidan's; the countdown did, the lining-up song did not.",
            true,
            false,
        ),
    ];
    let mut written = Vec::new();
    for (person, school, on, title, body, portfolio, review) in reflections {
        let row = reflection::ActiveModel {
            person_id: Set(person),
            school_id: Set(school),
            written_on: Set(on),
            purpose: Set(RecordPurpose::Developmental),
            title: Set(title.into()),
            body_markdown: Set(body.into()),
            theme_keys: Set(afl.clone()),
            event_id: Set(None),
            practice_id: Set(None),
            enquiry_id: Set(None),
            in_portfolio: Set(portfolio),
            in_review_selection: Set(review),
            ..Default::default()
        }
        .insert_first(txn, at(on))
        .await?;
        written.push(row);
    }

    // Shares: observation 1 with St Aidan's teacher (a peer elsewhere: holds until
    // withdrawn); observation 4 with Kingsmead's head (through Kingsmead); reflection 2
    // with the maths lead (through Kingsmead); Priya's reflection with St Aidan's head,
    // through St Aidan's, which ended with her role there.
    let shares = [
        (
            Some(observations[0].id),
            None,
            teacher,
            peer,
            None,
            day(2026, 10, 9),
        ),
        (
            Some(observations[3].id),
            None,
            mover.id,
            head,
            Some(kingsmead),
            day(2026, 10, 16),
        ),
        (
            None,
            Some(written[1].id),
            teacher,
            coach,
            Some(kingsmead),
            day(2026, 11, 6),
        ),
        (
            None,
            Some(written[2].id),
            mover.id,
            st_aidans_head,
            Some(st_aidans),
            day(2026, 7, 1),
        ),
    ];
    for (observation_id, reflection_id, owner, with, through, on) in shares {
        record_share::ActiveModel {
            observation_id: Set(observation_id),
            reflection_id: Set(reflection_id),
            owner_id: Set(owner),
            person_id: Set(with),
            through_school_id: Set(through),
            shared_at: Set(at(on)),
            withdrawn_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
