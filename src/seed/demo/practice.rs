//! Demo practice: twenty items across the two alliances' schools, at every visibility and
//! stage, with a family of adaptations, endorsements and a comment thread.

use crate::graphql::versioned::InsertFirst;
use chrono::{Duration, Utc};
use entity::enums::{
    DiscussionHostKind, EndorsementOutcome, KeyStage, PracticeAction, PracticeKind, PracticeStatus,
    PracticeVisibility, SchoolPhase, Subject,
};
use entity::{
    practice, practice_author, practice_endorsement, practice_event, practice_revision, theme,
};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, EntityTrait, Set};

use super::discussion::post;
use super::lookup::{person_id, theme_keys, works_at};
use crate::practice::keys::enum_keys;

struct Demo {
    author: &'static str,
    kind: PracticeKind,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    evidence: Option<&'static str>,
    themes: &'static [&'static str],
    phases: &'static [SchoolPhase],
    subjects: &'static [Subject],
    key_stages: &'static [KeyStage],
    visibility: PracticeVisibility,
    /// The alliance shared with (index into the demo alliances).
    alliance: Option<usize>,
    status: PracticeStatus,
    /// The demo item this adapts (index into `PRACTICE`), what changed and what happened.
    adapts: Option<(usize, &'static str, Option<&'static str>)>,
    endorsers: &'static [(&'static str, EndorsementOutcome, &'static str)],
}

const fn item(
    author: &'static str,
    kind: PracticeKind,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
) -> Demo {
    Demo {
        author,
        kind,
        title,
        summary,
        body,
        evidence: None,
        themes: &["Teaching and learning strategies"],
        phases: &[SchoolPhase::Primary],
        subjects: &[],
        key_stages: &[],
        visibility: PracticeVisibility::Alliance,
        alliance: Some(0),
        status: PracticeStatus::Published,
        adapts: None,
        endorsers: &[],
    }
}

const PRACTICE: &[Demo] = &[
    // 0: the origin of a family of adaptations.
    Demo {
        evidence: Some(
            "Unit test scores rose from 61% to 73% over two terms; pupils say they remember more.",
        ),
        themes: &["Learning how to learn", "Assessment for learning"],
        subjects: &[Subject::Mathematics],
        key_stages: &[KeyStage::KeyStage2],
        endorsers: &[(
            "teacher@staidans.example",
            EndorsementOutcome::Improved,
            "Year 5 loved the quizzes; recall of times tables is much better.",
        )],
        ..item(
            "middle-leader@kingsmead.example",
            PracticeKind::CaseStudy,
            "Retrieval practice starters in KS2 maths",
            "Five-minute, low-stakes retrieval quizzes at the start of every maths lesson.",
            "## What we did\nEvery maths lesson in Years 3 to 6 starts with a **retrieval quiz**: three questions from last week, last month and last term.\n\n## Why\nSpacing and retrieval strengthen long-term memory.\n\n## How it went\nPupils now expect the quiz and settle faster.",
        )
    },
    // 1: adapts 0 for secondary science.
    Demo {
        phases: &[SchoolPhase::Secondary],
        subjects: &[Subject::Science],
        key_stages: &[KeyStage::KeyStage3],
        adapts: Some((
            0,
            "Moved to Year 8 science; quizzes at the end of the lesson, with questions on key vocabulary.",
            Some("Key-term recall in Year 8 end-of-topic tests rose by 15%."),
        )),
        endorsers: &[(
            "teacher@ashcroft.example",
            EndorsementOutcome::Improved,
            "Tried in Year 9 chemistry: works well with mini whiteboards.",
        )],
        ..item(
            "teacher@brookfield.example",
            PracticeKind::CaseStudy,
            "Retrieval quizzes in Year 8 science",
            "End-of-lesson retrieval of key vocabulary in KS3 science.",
            "We adapted Kingsmead's retrieval starters for **Year 8 science**, moving the quiz to the end of the lesson.",
        )
    },
    // 2: adapts 1 again.
    Demo {
        phases: &[SchoolPhase::Secondary],
        subjects: &[Subject::Science],
        key_stages: &[KeyStage::KeyStage4],
        adapts: Some((
            1,
            "Used as GCSE revision in Year 11, with self-marking against a mark scheme.",
            None,
        )),
        ..item(
            "teacher@ashcroft.example",
            PracticeKind::Resource,
            "Self-marked retrieval for GCSE science",
            "Retrieval quizzes as weekly GCSE revision, self-marked against mark schemes.",
            "A bank of retrieval questions per GCSE topic; pupils mark their own answers.",
        )
    },
    // 3: adapts 0 within its school only.
    Demo {
        visibility: PracticeVisibility::School,
        alliance: None,
        adapts: Some((
            0,
            "Used in Year 2 with picture prompts instead of written questions.",
            Some("Too early to tell."),
        )),
        key_stages: &[KeyStage::KeyStage1],
        ..item(
            "teacher@hollybrook.example",
            PracticeKind::Vignette,
            "Picture retrieval in Year 2",
            "Picture prompts for retrieval with younger pupils.",
            "Each morning pupils look at three pictures from last week's learning and tell a partner what they remember.",
        )
    },
    Demo {
        themes: &["Student voice and choice"],
        visibility: PracticeVisibility::Public,
        subjects: &[Subject::English],
        key_stages: &[KeyStage::KeyStage2],
        evidence: Some("Pupil voice survey: 82% say they know how to improve their writing."),
        endorsers: &[(
            "teacher@severnvale.example",
            EndorsementOutcome::Mixed,
            "Great for Year 6; Year 3 needed more modelling.",
        )],
        ..item(
            "school-cpd-lead@kingsmead.example",
            PracticeKind::Tool,
            "Whole-class feedback sheet",
            "A one-page sheet replacing written marking with whole-class feedback.",
            "The teacher reads the books, notes common errors and celebrations on one sheet, and starts the next lesson with it.",
        )
    },
    Demo {
        themes: &["Mentoring and coaching"],
        phases: &[SchoolPhase::Primary, SchoolPhase::Secondary],
        ..item(
            "headteacher@staidans.example",
            PracticeKind::CaseStudy,
            "Instructional coaching for early career teachers",
            "Weekly fifteen-minute coaching cycles focused on one action step.",
            "Each early career teacher is observed for ten minutes a week and agrees one precise action step with their coach.",
        )
    },
    Demo {
        themes: &["Culture and values"],
        subjects: &[Subject::CrossCurricular],
        ..item(
            "senior-leader@kingsmead.example",
            PracticeKind::Vignette,
            "Calm corridors: a behaviour routine",
            "A three-step routine for transitions between lessons.",
            "Line up, greet, enter in silence: the routine took two weeks to embed and changed the feel of the school.",
        )
    },
    Demo {
        themes: &["Assessment for learning"],
        subjects: &[Subject::Mathematics],
        key_stages: &[KeyStage::KeyStage2],
        ..item(
            "teacher@kingsmead.example",
            PracticeKind::LessonStudy,
            "Lesson study: hinge questions in fractions",
            "Three research lessons on hinge questions in Year 5 fractions.",
            "Our triad planned, taught and observed three lessons, watching three case pupils respond to hinge questions.",
        )
    },
    Demo {
        themes: &["Enjoying and achieving"],
        subjects: &[Subject::English],
        key_stages: &[KeyStage::KeyStage1],
        visibility: PracticeVisibility::Public,
        ..item(
            "teacher@staidans.example",
            PracticeKind::Resource,
            "Phonics catch-up in ten minutes a day",
            "Short daily phonics sessions for pupils who fell behind.",
            "Ten minutes a day, same time, same adult, same routine: pupils read decodable books matched to the sounds they know.",
        )
    },
    Demo {
        themes: &["Technology for learning"],
        phases: &[SchoolPhase::Secondary],
        subjects: &[Subject::Computing],
        alliance: Some(1),
        ..item(
            "teacher@millbrook.example",
            PracticeKind::Tool,
            "Live quizzing with mini whiteboards and a visualiser",
            "Checking every pupil's answer in seconds, without devices.",
            "Pupils write answers on mini whiteboards; the teacher scans the room and shows anonymous examples under the visualiser.",
        )
    },
    Demo {
        themes: &["Curriculum choice"],
        phases: &[SchoolPhase::Primary, SchoolPhase::Secondary],
        subjects: &[Subject::English],
        key_stages: &[KeyStage::KeyStage2, KeyStage::KeyStage3],
        alliance: Some(1),
        endorsers: &[(
            "teacher@westfield.example",
            EndorsementOutcome::TooEarlyToTell,
            "We started this term with two Year 7 classes.",
        )],
        ..item(
            "teacher@riverside.example",
            PracticeKind::EnquiryFinding,
            "Year 6 to 7 writing: what transfers",
            "What Year 7 teachers learned from moderating Year 6 writing.",
            "Year 7 teachers underestimated Year 6 writers: joint moderation showed shared standards and a common vocabulary.",
        )
    },
    Demo {
        themes: &["Being healthy"],
        subjects: &[Subject::PhysicalEducation],
        visibility: PracticeVisibility::Public,
        alliance: Some(1),
        phases: &[SchoolPhase::Secondary],
        ..item(
            "teacher@westfield.example",
            PracticeKind::CaseStudy,
            "Daily mile for Year 7",
            "Fifteen minutes of running or walking outdoors every day.",
            "Form time moved outdoors three days a week; attendance at PE clubs rose.",
        )
    },
    Demo {
        themes: &["Staying safe"],
        subjects: &[Subject::Pshe],
        key_stages: &[KeyStage::KeyStage2],
        ..item(
            "school-cpd-lead@staidans.example",
            PracticeKind::Resource,
            "Online safety assemblies pupils lead",
            "Year 6 digital leaders plan and deliver online safety assemblies.",
            "Digital leaders interview classes about their apps and games, then plan assemblies with the computing lead.",
        )
    },
    Demo {
        themes: &["Minimising within-school variation"],
        status: PracticeStatus::InReview,
        ..item(
            "middle-leader@staidans.example",
            PracticeKind::CaseStudy,
            "Moderating maths books across year groups",
            "Termly book looks by the maths team with a shared rubric.",
            "Every term the maths team samples six books per class against one rubric and agrees next steps.",
        )
    },
    Demo {
        themes: &["Learning-centred leadership"],
        status: PracticeStatus::Draft,
        visibility: PracticeVisibility::Public,
        ..item(
            "headteacher@kingsmead.example",
            PracticeKind::Vignette,
            "Leading CPD through enquiry",
            "How staff enquiry questions replaced one-off INSET days.",
            "Each teacher chose an enquiry question in September; INSET time became enquiry time.",
        )
    },
    Demo {
        themes: &["Networks and partnerships"],
        status: PracticeStatus::Archived,
        ..item(
            "headteacher@severnvale.example",
            PracticeKind::CaseStudy,
            "Cross-school subject leader networks (2023)",
            "Termly network meetings of subject leaders across the alliance.",
            "Subject leaders met termly in a host school to share curriculum maps; replaced by communities this year.",
        )
    },
    Demo {
        themes: &["Student voice and choice"],
        visibility: PracticeVisibility::Private,
        alliance: None,
        ..item(
            "teacher@severnvale.example",
            PracticeKind::Vignette,
            "Pupil-led learning walks (notes)",
            "My notes on trying pupil-led learning walks.",
            "Pupils guided visitors round the school and explained what they were learning; I want to try this again.",
        )
    },
    Demo {
        themes: &["Making a positive contribution"],
        phases: &[SchoolPhase::Primary],
        subjects: &[Subject::Citizenship],
        visibility: PracticeVisibility::Partnership,
        ..item(
            "teacher@hollybrook.example",
            PracticeKind::Tool,
            "Class charters for shared values",
            "A class charter written with pupils in the first week of term.",
            "Pupils agree how they want to feel in class and what everyone will do to make it so; the charter is revisited monthly.",
        )
    },
    Demo {
        themes: &["Teaching and learning strategies"],
        phases: &[SchoolPhase::Secondary],
        subjects: &[Subject::Send],
        alliance: Some(1),
        ..item(
            "middle-leader@millbrook.example",
            PracticeKind::CaseStudy,
            "Scaffolds that fade: SEND in mainstream science",
            "Writing frames that are removed step by step as pupils gain confidence.",
            "We designed three levels of writing frame per practical write-up and tracked when pupils chose a lighter one.",
        )
    },
    Demo {
        themes: &["Learning how to learn"],
        phases: &[SchoolPhase::Primary],
        key_stages: &[KeyStage::KeyStage2],
        visibility: PracticeVisibility::Public,
        evidence: Some("Reading comprehension age rose by 9 months on average in a year."),
        ..item(
            "teacher@brookfield.example",
            PracticeKind::CaseStudy,
            "Reciprocal reading in Year 4",
            "Pupils take the roles of predictor, questioner, clarifier and summariser.",
            "Small groups read a text together, each pupil with a role card; the teacher models each role first.",
        )
    },
];

/// Loads the demo practice; `alliances` are the demo alliances' ids, `partnership` the
/// id of the partnership that `PARTNERSHIP` items are shared with.
pub async fn load(
    txn: &DatabaseTransaction,
    alliances: &[i32],
    partnership: i32,
) -> Result<(), DbErr> {
    let themes = theme::Entity::find().all(txn).await?;
    let now = Utc::now();
    let mut ids: Vec<i32> = Vec::new();
    for (n, demo) in PRACTICE.iter().enumerate() {
        let author = person_id(txn, demo.author).await?;
        let school = works_at(txn, author).await?;
        let at = now - Duration::days(60 - 2 * n as i64);
        let shared = matches!(
            demo.status,
            PracticeStatus::Published | PracticeStatus::Archived
        );
        let partnership_id =
            (demo.visibility == PracticeVisibility::Partnership).then_some(partnership);
        let alliance_id = if partnership_id.is_some() {
            Some(alliances[0])
        } else {
            demo.alliance.map(|a| alliances[a])
        };
        let row = practice::ActiveModel {
            kind: Set(demo.kind),
            title: Set(demo.title.into()),
            summary: Set(demo.summary.into()),
            body_markdown: Set(demo.body.into()),
            evidence_of_impact: Set(demo.evidence.map(Into::into)),
            links: Set(serde_json::json!([])),
            theme_keys: Set(theme_keys(&themes, demo.themes)),
            phase_keys: Set(enum_keys(demo.phases)),
            subject_keys: Set(enum_keys(demo.subjects)),
            key_stage_keys: Set(enum_keys(demo.key_stages)),
            school_id: Set(school),
            alliance_id: Set(alliance_id),
            partnership_id: Set(partnership_id),
            visibility: Set(demo.visibility),
            status: Set(demo.status),
            adapted_from_id: Set(demo.adapts.map(|(origin, _, _)| ids[origin])),
            adaptation_changes: Set(demo.adapts.map(|(_, changes, _)| changes.into())),
            outcome: Set(demo
                .adapts
                .and_then(|(_, _, outcome)| outcome.map(Into::into))),
            created_by_id: Set(author),
            approved_by_id: Set(None),
            approved_at: Set(shared.then_some(at)),
            review_comment: Set(None),
            published_at: Set(shared.then_some(at)),
            archived_at: Set((demo.status == PracticeStatus::Archived).then_some(now)),
            taken_down_at: Set(None),
            taken_down_by_id: Set(None),
            taken_down_reason: Set(None),
            endorsement_count: Set(0),
            adaptation_count: Set(0),
            comment_count: Set(0),
            ..Default::default()
        }
        .insert_first(txn, at)
        .await?;
        if let Some((origin, _, _)) = demo.adapts {
            crate::practice::adaptation::link_to_ancestors(txn, row.id, ids[origin]).await?;
        }
        ids.push(row.id);
        practice_author::ActiveModel {
            practice_id: Set(row.id),
            person_id: Set(author),
            school_id: Set(Some(school)),
            is_lead: Set(true),
            added_at: Set(at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        for (action, to) in [
            (PracticeAction::Created, PracticeStatus::Draft),
            (PracticeAction::Published, demo.status),
        ] {
            if action == PracticeAction::Published && demo.status == PracticeStatus::Draft {
                break;
            }
            practice_event::ActiveModel {
                practice_id: Set(row.id),
                actor_id: Set(author),
                action: Set(
                    if demo.status == PracticeStatus::InReview
                        && action == PracticeAction::Published
                    {
                        PracticeAction::SubmittedForReview
                    } else {
                        action
                    },
                ),
                from_status: Set(None),
                to_status: Set(Some(to)),
                visibility: Set(Some(demo.visibility)),
                comment: Set(None),
                created_at: Set(at),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        if shared {
            practice_revision::ActiveModel {
                practice_id: Set(row.id),
                version: Set(1),
                title: Set(row.title.clone()),
                summary: Set(row.summary.clone()),
                body_markdown: Set(row.body_markdown.clone()),
                evidence_of_impact: Set(row.evidence_of_impact.clone()),
                edited_by_id: Set(author),
                created_at: Set(at),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        for (email, outcome, note) in demo.endorsers {
            let endorser = person_id(txn, email).await?;
            practice_endorsement::ActiveModel {
                practice_id: Set(row.id),
                person_id: Set(endorser),
                school_id: Set(works_at(txn, endorser).await?),
                note: Set((*note).into()),
                outcome: Set(*outcome),
                ..Default::default()
            }
            .insert_first(txn, now)
            .await?;
        }
    }
    let commenter = person_id(txn, "teacher@severnvale.example").await?;
    post(
        txn,
        (DiscussionHostKind::Practice, ids[0]),
        None,
        (commenter, Some(works_at(txn, commenter).await?)),
        None,
        "Do you reuse the same questions?",
        now,
    )
    .await?;
    for id in ids {
        crate::practice::counts::refresh(txn, id).await?;
    }
    Ok(())
}
