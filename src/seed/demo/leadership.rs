//! Leadership in the demo, loaded after coaching (whose relationships two invitations are
//! about): invitations to lead in both alliances, in every status but withdrawn, each made
//! by someone the rules let make it (`auth/policy/leadership.rs`): alliance events by the
//! alliance's CPD lead, a school's event by its headteacher, a meeting by its facilitator.
//!
//! - Severn Valley: Priya Shah (Kingsmead) led a session of the SENCO network (invited by
//!   the CPD lead, completed) and hosts the Year 2 maths mastery visit (invited by her
//!   headteacher, accepted): her portfolio's leadership record. Kingsmead's maths lead
//!   accepted to coach a St Aidan's teacher; she invited Kingsmead's teacher to facilitate
//!   the KS2 Questioning Network's second session (waiting); St Aidan's teacher declined to
//!   lead a session of the questioning course.
//! - Riverside: Millbrook's maths lead is invited to coach (waiting); Riverside's teacher
//!   accepted to facilitate the Transition Network's second session; Westfield's teacher
//!   declined to lead the subject leads' network.

use chrono::{DateTime, Duration, Utc};
use entity::enums::{LeadershipKind, LeadershipStatus};
use entity::{coaching_relationship, community, community_meeting, event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};

use super::lookup::person_id;
use crate::leadership::NewInvitation;

/// What an invitation is about, found by a name the demo gave it.
enum About {
    /// An event, by title.
    Event(&'static str),
    /// A meeting, by its community's name and its title.
    Meeting(&'static str, &'static str),
    /// The coaching relationship of this coach.
    CoachingBy(&'static str),
}

struct Demo {
    alliance: usize,
    invited: &'static str,
    by: &'static str,
    about: About,
    what: &'static str,
    message: Option<&'static str>,
    status: LeadershipStatus,
}

const INVITATIONS: &[Demo] = &[
    Demo {
        alliance: 0,
        invited: "priya.shah@kingsmead.example",
        by: "cpd.lead@severnvalley.example",
        about: About::Event("SENCO network: adaptive teaching"),
        what: "Lead the workshop on adaptive questioning",
        message: Some("Your work on questioning in Year 4 is just what the SENCOs asked for."),
        status: LeadershipStatus::Completed,
    },
    Demo {
        alliance: 0,
        invited: "priya.shah@kingsmead.example",
        by: "headteacher@kingsmead.example",
        about: About::Event("Visit: maths mastery in Year 2"),
        what: "Host the Year 2 maths mastery visit",
        message: None,
        status: LeadershipStatus::Accepted,
    },
    Demo {
        alliance: 0,
        invited: "middle-leader@kingsmead.example",
        by: "cpd.lead@severnvalley.example",
        about: About::CoachingBy("middle-leader@kingsmead.example"),
        what: "Coach a St Aidan's teacher in assessment for learning",
        message: None,
        status: LeadershipStatus::Accepted,
    },
    Demo {
        alliance: 0,
        invited: "teacher@kingsmead.example",
        by: "middle-leader@kingsmead.example",
        about: About::Meeting("KS2 Questioning Network", "Second session"),
        what: "Facilitate the second session on wait time",
        message: Some(
            "You tried five seconds of wait time in Year 5: would you open the session with it?",
        ),
        status: LeadershipStatus::Pending,
    },
    Demo {
        alliance: 0,
        invited: "teacher@staidans.example",
        by: "cpd.lead@severnvalley.example",
        about: About::Event("Questioning for deeper thinking"),
        what: "Lead the course's second session",
        message: None,
        status: LeadershipStatus::Declined,
    },
    Demo {
        alliance: 1,
        invited: "middle-leader@millbrook.example",
        by: "cpd.lead@riverside-trust.example",
        about: About::CoachingBy("middle-leader@millbrook.example"),
        what: "Coach a Riverside teacher in learning how to learn",
        message: None,
        status: LeadershipStatus::Pending,
    },
    Demo {
        alliance: 1,
        invited: "teacher@riverside.example",
        by: "cpd.lead@riverside-trust.example",
        about: About::Meeting("Year 6 to 7 Transition Network", "Second session"),
        what: "Facilitate the writing moderation session",
        message: None,
        status: LeadershipStatus::Accepted,
    },
    Demo {
        alliance: 1,
        invited: "teacher@westfield.example",
        by: "cpd.lead@riverside-trust.example",
        about: About::Event("Riverside subject leads' network"),
        what: "Lead the sixth-form subject leads' table",
        message: None,
        status: LeadershipStatus::Declined,
    },
];

fn missing(what: &str) -> DbErr {
    DbErr::Custom(format!("demo {what} is missing"))
}

/// The kind and the key of what an invitation is about.
async fn subject(txn: &DatabaseTransaction, about: &About) -> Result<(LeadershipKind, i32), DbErr> {
    Ok(match about {
        About::Event(title) => {
            let row = event::Entity::find()
                .filter(event::Column::Title.eq(*title))
                .one(txn)
                .await?
                .ok_or_else(|| missing(title))?;
            (LeadershipKind::LeadEvent, row.id)
        }
        About::Meeting(name, title) => {
            let community = community::Entity::find()
                .filter(community::Column::Name.eq(*name))
                .one(txn)
                .await?
                .ok_or_else(|| missing(name))?;
            let row = community_meeting::Entity::find()
                .filter(community_meeting::Column::CommunityId.eq(community.id))
                .filter(community_meeting::Column::Title.eq(*title))
                .one(txn)
                .await?
                .ok_or_else(|| missing(title))?;
            (LeadershipKind::FacilitateCommunityMeeting, row.id)
        }
        About::CoachingBy(coach) => {
            let coach = person_id(txn, coach).await?;
            let row = coaching_relationship::Entity::find()
                .filter(coaching_relationship::Column::CoachId.eq(coach))
                .one(txn)
                .await?
                .ok_or_else(|| missing("coaching relationship"))?;
            (LeadershipKind::Coach, row.id)
        }
    })
}

/// When an invitation in `status` was answered and done, invited `sent`.
fn dates(
    status: LeadershipStatus,
    sent: DateTime<Utc>,
) -> (Option<DateTime<Utc>>, Option<chrono::NaiveDate>) {
    let answered = sent + Duration::days(2);
    match status {
        LeadershipStatus::Pending => (None, None),
        LeadershipStatus::Completed => (
            Some(answered),
            Some((sent + Duration::days(14)).date_naive()),
        ),
        _ => (Some(answered), None),
    }
}

pub async fn load(db: &DatabaseConnection, alliances: &[i32]) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let sent = Utc::now() - Duration::days(30);
    for demo in INVITATIONS {
        let (kind, subject_id) = subject(&txn, &demo.about).await?;
        let (responded_at, completed_on) = dates(demo.status, sent);
        let mut row = NewInvitation {
            alliance_id: alliances[demo.alliance],
            person_id: person_id(&txn, demo.invited).await?,
            invited_by_id: person_id(&txn, demo.by).await?,
            kind,
            subject_id,
            what: demo.what.into(),
            message: demo.message.map(str::to_owned),
        }
        .pending(sent);
        row.status = Set(demo.status);
        row.responded_at = Set(responded_at);
        row.completed_on = Set(completed_on);
        row.updated_at = Set(responded_at.unwrap_or(sent));
        row.insert(&txn).await?;
    }
    txn.commit().await
}
