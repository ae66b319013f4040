//! Demo communities: three across schools, with members, requests to join (one waiting,
//! one declined), meetings, threads and enquiries.

use crate::graphql::versioned::InsertFirst;
use chrono::{DateTime, Duration, Utc};
use entity::enums::{
    CommunityKind, CommunityMembershipStatus, CommunityRole, CommunityStatus, CommunityVisibility,
    DiscussionHostKind, EnquiryStage, MeetingStatus, SchoolPhase,
};
use entity::{
    community, community_meeting, community_member, discussion_post, enquiry, enquiry_evidence,
    enquiry_stage_change, meeting_attendance, theme,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set,
};

use super::discussion::post;
use super::lookup::{person_id, school_of, theme_keys};
use crate::discussion::mutations::activity_key;
use crate::sort_keys::time_key;

struct Demo<'a> {
    name: &'a str,
    alliance: usize,
    purpose: &'a str,
    kind: CommunityKind,
    visibility: CommunityVisibility,
    themes: &'a [&'a str],
    phases: &'a [SchoolPhase],
    facilitator: &'a str,
    members: &'a [&'a str],
    /// People who asked to join: still waiting for a facilitator, or declined (with the
    /// reason).
    asking: &'a [(&'a str, Option<&'a str>)],
    thread: (&'a str, &'a str, &'a [&'a str]),
    enquiry: Option<(&'a str, EnquiryStage, &'a [&'a str])>,
}

const COMMUNITIES: &[Demo] = &[
    Demo {
        name: "KS2 Questioning Network",
        alliance: 0,
        purpose: "How do hinge questions and wait time deepen pupils' mathematical reasoning in KS2?",
        kind: CommunityKind::CollaborationNetwork,
        visibility: CommunityVisibility::Alliance,
        themes: &[
            "Assessment for learning",
            "Teaching and learning strategies",
        ],
        phases: &[SchoolPhase::Primary],
        facilitator: "middle-leader@kingsmead.example",
        members: &[
            "teacher@kingsmead.example",
            "teacher@staidans.example",
            "teacher@hollybrook.example",
        ],
        asking: &[("teacher@severnvale.example", None)],
        thread: (
            "Wait time in Year 5",
            "We tried **five seconds** of wait time after every hinge question. Answers got longer; what did you see?",
            &[
                "Same in Year 4: more pupils had something to say.",
                "We paired it with *think-pair-share*, which helped the quieter ones.",
            ],
        ),
        enquiry: Some((
            "Does structured wait time deepen reasoning in KS2 maths?",
            EnquiryStage::Acting,
            &["Year 5 answers to hinge questions doubled in length over three weeks."],
        )),
    },
    Demo {
        name: "Early Career Coaching Circle",
        alliance: 0,
        purpose: "Early career teachers coached across schools on behaviour and questioning.",
        kind: CommunityKind::CoachingNetwork,
        visibility: CommunityVisibility::MembersOnly,
        themes: &["Mentoring and coaching"],
        phases: &[SchoolPhase::Primary, SchoolPhase::Secondary],
        facilitator: "cpd.lead@severnvalley.example",
        members: &[
            "teacher@severnvale.example",
            "teacher@brookfield.example",
            "teacher@ashcroft.example",
        ],
        asking: &[],
        thread: (
            "My focus this half term",
            "Routines for the start of lessons: entry, do-now, register.",
            &["Let's look at the do-now together at our next session."],
        ),
        enquiry: None,
    },
    Demo {
        name: "Year 6 to 7 Transition Network",
        alliance: 1,
        purpose: "Continuity of learning in English and maths from Year 6 to Year 7.",
        kind: CommunityKind::CollaborationNetwork,
        visibility: CommunityVisibility::Alliance,
        themes: &["Curriculum choice", "Networks and partnerships"],
        phases: &[SchoolPhase::Primary, SchoolPhase::Secondary],
        facilitator: "cpd.lead@riverside-trust.example",
        members: &[
            "middle-leader@millbrook.example",
            "teacher@riverside.example",
            "teacher@westfield.example",
        ],
        asking: &[(
            "teacher@ashcroft.example",
            Some(
                "This network is for Year 6 and Year 7 teachers; the Early Career Coaching Circle suits your focus better.",
            ),
        )],
        thread: (
            "Shared writing moderation",
            "Could we moderate a Year 6 and a Year 7 piece side by side next term?",
            &["Yes please: we'll bring three pieces each."],
        ),
        enquiry: Some((
            "What do Year 7 teachers need to know about Year 6 writing?",
            EnquiryStage::Question,
            &[],
        )),
    },
];

/// How a demo person stands in a community.
enum Standing<'a> {
    Member(CommunityRole),
    /// Asked to join; a facilitator has not answered.
    Asking,
    /// Asked to join and was declined, for this reason.
    Declined(&'a str),
}

/// A person's membership of a community; the school they take part from.
async fn member(
    txn: &DatabaseTransaction,
    community: i32,
    person: i32,
    standing: Standing<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i32>, DbErr> {
    let school = school_of(txn, person).await?;
    let asked = now - Duration::days(3);
    let (role, status, reason, joined_at, ended_at) = match standing {
        Standing::Member(role) => (
            role,
            CommunityMembershipStatus::Active,
            None,
            Some(now),
            None,
        ),
        Standing::Asking => (
            CommunityRole::Member,
            CommunityMembershipStatus::Requested,
            None,
            None,
            None,
        ),
        Standing::Declined(reason) => (
            CommunityRole::Member,
            CommunityMembershipStatus::Declined,
            Some(reason.to_owned()),
            None,
            Some(asked + Duration::days(1)),
        ),
    };
    community_member::ActiveModel {
        community_id: Set(community),
        person_id: Set(person),
        school_id: Set(school),
        role: Set(role),
        status: Set(status),
        reason: Set(reason),
        invited_by_id: Set(None),
        created_at: Set(if joined_at.is_some() { now } else { asked }),
        joined_at: Set(joined_at),
        ended_at: Set(ended_at),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(school)
}

#[allow(clippy::too_many_arguments)]
async fn meeting(
    txn: &DatabaseTransaction,
    community: i32,
    title: &str,
    starts_at: DateTime<Utc>,
    notes: Option<&str>,
    by: i32,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(community_meeting::ActiveModel {
        community_id: Set(community),
        title: Set(title.to_owned()),
        starts_at: Set(starts_at),
        starts_key: Set(time_key(starts_at)),
        ends_at: Set(starts_at + Duration::minutes(90)),
        place: Set(Some("Kingsmead Primary School, staff room".into())),
        online_url: Set(Some("https://meet.example/trellis-demo".into())),
        agenda_markdown: Set(Some(
            "1. What we tried\n2. What we saw\n3. Next steps".into(),
        )),
        notes_markdown: Set(notes.map(str::to_owned)),
        status: Set(MeetingStatus::Scheduled),
        created_by_id: Set(by),
        ..Default::default()
    }
    .insert_first(txn, now)
    .await?
    .id)
}

/// Loads the demo communities into the demo transaction; `alliances` as the demo made them.
pub async fn load(txn: &DatabaseTransaction, alliances: &[i32]) -> Result<(), DbErr> {
    let now = Utc::now();
    let themes = theme::Entity::find().all(txn).await?;
    for demo in COMMUNITIES {
        let facilitator = person_id(txn, demo.facilitator).await?;
        let theme_keys = theme_keys(&themes, demo.themes);
        let community = community::ActiveModel {
            alliance_id: Set(alliances[demo.alliance]),
            name: Set(demo.name.into()),
            purpose: Set(Some(demo.purpose.into())),
            kind: Set(demo.kind),
            visibility: Set(demo.visibility),
            status: Set(CommunityStatus::Active),
            theme_keys: Set(theme_keys.clone()),
            phases: Set(serde_json::json!(demo.phases)),
            created_by_id: Set(facilitator),
            version: Set(1),
            created_at: Set(now - Duration::days(40)),
            updated_at: Set(now),
            closed_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?
        .id;
        let facilitating = Standing::Member(CommunityRole::Facilitator);
        member(txn, community, facilitator, facilitating, now).await?;
        let mut members = Vec::new();
        for email in demo.members {
            let id = person_id(txn, email).await?;
            let standing = Standing::Member(CommunityRole::Member);
            let school = member(txn, community, id, standing, now).await?;
            members.push((id, school));
        }
        for (email, declined) in demo.asking {
            let standing = match declined {
                Some(reason) => Standing::Declined(reason),
                None => Standing::Asking,
            };
            member(txn, community, person_id(txn, email).await?, standing, now).await?;
        }

        let held = meeting(
            txn,
            community,
            "Opening session",
            now - Duration::days(14),
            Some("We agreed one thing each to try before the next session."),
            facilitator,
            now,
        )
        .await?;
        meeting_attendance::Entity::insert_many(
            std::iter::once(facilitator)
                .chain(members.iter().map(|(id, _)| *id))
                .map(|person| meeting_attendance::ActiveModel {
                    meeting_id: Set(held),
                    person_id: Set(person),
                    recorded_at: Set(now),
                    ..Default::default()
                }),
        )
        .exec(txn)
        .await?;
        meeting(
            txn,
            community,
            "Second session",
            now + Duration::days(14),
            None,
            facilitator,
            now,
        )
        .await?;

        let (title, body, replies) = demo.thread;
        let at = now - Duration::days(10);
        let host = (DiscussionHostKind::Community, community);
        let thread = post(txn, host, None, members[0], Some(title), body, at).await?;
        for (n, reply) in replies.iter().enumerate() {
            let author = members[(n + 1) % members.len()];
            let at = at + Duration::hours(n as i64 + 1);
            post(txn, host, Some(thread), author, None, reply, at).await?;
            discussion_post::Entity::update_many()
                .col_expr(
                    discussion_post::Column::ActivityKey,
                    sea_orm::sea_query::Expr::value(activity_key(false, at)),
                )
                .filter(discussion_post::Column::Id.eq(thread))
                .exec(txn)
                .await?;
        }

        if let Some((question, stage, evidence)) = demo.enquiry {
            let enquiry = enquiry::ActiveModel {
                alliance_id: Set(alliances[demo.alliance]),
                community_id: Set(Some(community)),
                owner_id: Set(facilitator),
                owner_school_id: Set(school_of(txn, facilitator).await?),
                question: Set(question.into()),
                rationale: Set(Some("Pupils' answers are short and few take part.".into())),
                baseline: Set(Some("Most answers are a word or two.".into())),
                planned_actions: Set(Some("Wait time after every hinge question.".into())),
                findings: Set(None),
                stage: Set(stage),
                theme_keys: Set(theme_keys.clone()),
                version: Set(1),
                created_at: Set(now - Duration::days(30)),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?
            .id;
            for pair in EnquiryStage::ORDER[..=stage.position()].windows(2) {
                enquiry_stage_change::ActiveModel {
                    enquiry_id: Set(enquiry),
                    from_stage: Set(pair[0]),
                    to_stage: Set(pair[1]),
                    changed_by_id: Set(facilitator),
                    changed_at: Set(now - Duration::days(20)),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
            }
            for note in evidence {
                let (author, school) = members[1];
                enquiry_evidence::ActiveModel {
                    enquiry_id: Set(enquiry),
                    community_id: Set(Some(community)),
                    author_id: Set(author),
                    author_school_id: Set(school),
                    note: Set((*note).into()),
                    link: Set(None),
                    observed_on: Set((now - Duration::days(5)).date_naive()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
            }
        }
    }
    Ok(())
}
