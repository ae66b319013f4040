//! Demo data for newcomers: two alliances of schools, partnerships, and people in every
//! role, all signing in with one password. Loaded only into an empty database, so running
//! `serve --demo` again changes nothing.

use crate::graphql::versioned::InsertFirst;
use chrono::{NaiveDate, Utc};
use entity::enums::{
    AllianceKind, AllianceRoleKind, MembershipRole, MembershipStatus, PartnershipStatus,
    PersonStatus, SchoolPhase, SchoolStatus, StaffRoleKind,
};
use entity::{
    alliance, alliance_membership, alliance_role, invitation, partnership, partnership_school,
    person, school, staff_role,
};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set, TransactionTrait,
};

mod calendar;
mod coaching;
mod communities;
mod discussion;
mod events;
mod identity;
mod leadership;
mod lookup;
mod notifications;
mod observations;
mod practice;
pub mod release;
mod service_accounts;
mod support;
mod webhooks;

pub use service_accounts::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

use crate::auth::{passwords, tokens};
use crate::config::INVITATION_TTL;

pub const DEMO_PASSWORD: &str = "demo-trellis-2026";

struct DemoSchool {
    key: &'static str,
    name: &'static str,
    urn: &'static str,
    phase: SchoolPhase,
    kind: &'static str,
    local_authority: &'static str,
    postcode: &'static str,
}

/// The academy trust of the demo's academies.
const DEMO_TRUST: &str = "Riverside Learning Trust";

const SCHOOLS: &[DemoSchool] = &[
    DemoSchool {
        key: "kingsmead",
        name: "Kingsmead Primary School",
        urn: "141201",
        phase: SchoolPhase::Primary,
        kind: "Community school",
        local_authority: "Worcestershire",
        postcode: "WR1 2AB",
    },
    DemoSchool {
        key: "staidans",
        name: "St Aidan's CofE Primary School",
        urn: "141202",
        phase: SchoolPhase::Primary,
        kind: "Voluntary aided school",
        local_authority: "Worcestershire",
        postcode: "WR2 4CD",
    },
    DemoSchool {
        key: "hollybrook",
        name: "Hollybrook Infant School",
        urn: "141203",
        phase: SchoolPhase::Primary,
        kind: "Academy converter",
        local_authority: "Worcestershire",
        postcode: "WR3 7EF",
    },
    DemoSchool {
        key: "severnvale",
        name: "Severn Vale Academy",
        urn: "141204",
        phase: SchoolPhase::Secondary,
        kind: "Academy sponsor led",
        local_authority: "Worcestershire",
        postcode: "WR4 9GH",
    },
    DemoSchool {
        key: "brookfield",
        name: "Brookfield Special School",
        urn: "141205",
        phase: SchoolPhase::Special,
        kind: "Community special school",
        local_authority: "Worcestershire",
        postcode: "WR5 1JK",
    },
    DemoSchool {
        key: "ashcroft",
        name: "Ashcroft All-Through School",
        urn: "141206",
        phase: SchoolPhase::AllThrough,
        kind: "Academy converter",
        local_authority: "Herefordshire",
        postcode: "HR1 3LM",
    },
    DemoSchool {
        key: "riverside",
        name: "Riverside Primary Academy",
        urn: "141207",
        phase: SchoolPhase::Primary,
        kind: "Academy converter",
        local_authority: "Herefordshire",
        postcode: "HR2 6NP",
    },
    DemoSchool {
        key: "millbrook",
        name: "Millbrook High School",
        urn: "141208",
        phase: SchoolPhase::Secondary,
        kind: "Academy converter",
        local_authority: "Herefordshire",
        postcode: "HR4 8QR",
    },
    DemoSchool {
        key: "westfield",
        name: "Westfield Sixth Form College",
        urn: "141209",
        phase: SchoolPhase::SixteenPlus,
        kind: "Sixth form centres",
        local_authority: "Herefordshire",
        postcode: "HR5 2ST",
    },
    DemoSchool {
        key: "oakwood",
        name: "Oakwood Nursery School",
        urn: "141210",
        phase: SchoolPhase::Nursery,
        kind: "Local authority nursery school",
        local_authority: "Worcestershire",
        postcode: "WR6 5UV",
    },
];

/// (school key, alliance index, role, status)
const MEMBERSHIPS: &[(&str, usize, MembershipRole, MembershipStatus)] = &[
    (
        "kingsmead",
        0,
        MembershipRole::LeadSchool,
        MembershipStatus::Active,
    ),
    (
        "staidans",
        0,
        MembershipRole::Member,
        MembershipStatus::Active,
    ),
    (
        "hollybrook",
        0,
        MembershipRole::Member,
        MembershipStatus::Active,
    ),
    (
        "severnvale",
        0,
        MembershipRole::StrategicPartner,
        MembershipStatus::Active,
    ),
    (
        "brookfield",
        0,
        MembershipRole::Member,
        MembershipStatus::Active,
    ),
    (
        "ashcroft",
        0,
        MembershipRole::Associate,
        MembershipStatus::Active,
    ),
    (
        "oakwood",
        0,
        MembershipRole::Member,
        MembershipStatus::Invited,
    ),
    (
        "millbrook",
        1,
        MembershipRole::LeadSchool,
        MembershipStatus::Active,
    ),
    (
        "riverside",
        1,
        MembershipRole::Member,
        MembershipStatus::Active,
    ),
    (
        "ashcroft",
        1,
        MembershipRole::Member,
        MembershipStatus::Active,
    ),
    (
        "westfield",
        1,
        MembershipRole::StrategicPartner,
        MembershipStatus::Active,
    ),
];

const STAFF: &[(StaffRoleKind, &str, &[&str])] = &[
    (StaffRoleKind::Headteacher, "Headteacher", &[]),
    (
        StaffRoleKind::SchoolCpdLead,
        "Deputy headteacher and CPD lead",
        &["English"],
    ),
    (StaffRoleKind::MiddleLeader, "Maths lead", &["Mathematics"]),
    (
        StaffRoleKind::Teacher,
        "Class teacher",
        &["English", "Science"],
    ),
];

const EXTRA_STAFF: &[(StaffRoleKind, &str, &[&str])] = &[
    (StaffRoleKind::SeniorLeader, "Assistant headteacher", &[]),
    (StaffRoleKind::TeachingAssistant, "Teaching assistant", &[]),
    (StaffRoleKind::SupportStaff, "Data and exams manager", &[]),
];

const GIVEN: &[&str] = &[
    "Amelia", "Oliver", "Priya", "Daniel", "Grace", "Samuel", "Aisha", "Thomas", "Hannah",
    "Joseph", "Chloe", "Mohammed", "Ella", "James", "Zara", "Lucas", "Sophie", "Harry", "Maya",
    "Ethan",
];
const FAMILY: &[&str] = &[
    "Okafor", "Bennett", "Shah", "Hughes", "Kowalski", "Evans", "Begum", "Clarke", "Murphy",
    "Patel", "Wright", "Hussain", "Taylor", "Nguyen", "Roberts", "Campbell", "Ali", "Price",
    "Morgan", "Fletcher",
];

/// The accounts a newcomer signs in with.
const ACCOUNTS: &[(&str, &str)] = &[
    ("admin@trellis.example", "platform admin"),
    (
        "cpd.lead@severnvalley.example",
        "CPD lead of Severn Valley Teaching School Alliance",
    ),
    (
        "cpd.lead@riverside-trust.example",
        "CPD lead of Riverside Learning Trust",
    ),
    (
        "headteacher@kingsmead.example",
        "headteacher of Kingsmead Primary School",
    ),
    (
        "headteacher@oakwood.example",
        "headteacher of Oakwood Nursery School (invited, not yet a member)",
    ),
    (
        "headteacher@staidans.example",
        "headteacher of St Aidan's CofE Primary School (a practice awaits approval)",
    ),
    (
        "teacher@ashcroft.example",
        "teacher at Ashcroft All-Through School (in both alliances)",
    ),
];

pub fn print_accounts() {
    println!("Demo accounts (password \"{DEMO_PASSWORD}\"):");
    for (email, who) in ACCOUNTS {
        println!("  {email:<36} {who}");
    }
    println!(
        "Every school has a headteacher@, school-cpd-lead@, middle-leader@ and teacher@ account at <school>.example."
    );
    println!(
        "Demo service account of Kingsmead Primary School (demo only): client id {DEMO_CLIENT_ID}, client secret {DEMO_CLIENT_SECRET}"
    );
    println!(
        "Demo calendar feeds (demo only): /calendar/{}.ics (Severn Valley's events), /calendar/{}.ics (teacher@kingsmead.example's bookings)",
        calendar::DEMO_ALLIANCE_FEED,
        calendar::DEMO_PERSON_FEED
    );
}

fn email_for(role: StaffRoleKind, school: &str) -> String {
    let local = match role {
        StaffRoleKind::Headteacher => "headteacher",
        StaffRoleKind::SchoolCpdLead => "school-cpd-lead",
        StaffRoleKind::MiddleLeader => "middle-leader",
        StaffRoleKind::SeniorLeader => "senior-leader",
        StaffRoleKind::TeachingAssistant => "teaching-assistant",
        StaffRoleKind::SupportStaff => "support-staff",
        StaffRoleKind::Teacher => "teacher",
    };
    format!("{local}@{school}.example")
}

/// Loads the demo into an empty database; does nothing when any alliance exists.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    if alliance::Entity::find().count(db).await? > 0 {
        tracing::info!("the database already holds data; demo data not loaded");
        return Ok(());
    }
    let hash = tokio::task::spawn_blocking(|| passwords::hash(DEMO_PASSWORD)).await?;
    let now = Utc::now();
    let since = NaiveDate::from_ymd_opt(2024, 9, 1).expect("a date");
    let txn = db.begin().await?;

    let mut names = GIVEN.iter().cycle().zip(FAMILY.iter().cycle().skip(3));
    let mut new_person = |email: String, admin: bool| {
        let (given, family) = names.next().expect("endless names");
        person::ActiveModel {
            email: Set(email),
            given_name: Set((*given).to_owned()),
            family_name: Set((*family).to_owned()),
            status: Set(PersonStatus::Active),
            password_hash: Set(Some(hash.clone())),
            is_platform_admin: Set(admin),
            ..Default::default()
        }
    };

    new_person("admin@trellis.example".into(), true)
        .insert_first(&txn, now)
        .await?;

    let alliances = [
        (
            "Severn Valley Teaching School Alliance",
            AllianceKind::TeachingSchoolAlliance,
            "Every child taught well, every teacher learning: schools across the Severn valley improving together through enquiry and coaching.",
            "cpd.lead@severnvalley.example",
        ),
        (
            "Riverside Learning Trust",
            AllianceKind::MultiAcademyTrust,
            "A family of schools from nursery to sixth form, with continuity of learning from phase to phase.",
            "cpd.lead@riverside-trust.example",
        ),
    ];
    let mut alliance_ids = Vec::new();
    for (name, kind, vision, lead_email) in alliances {
        let alliance = alliance::ActiveModel {
            name: Set(name.into()),
            kind: Set(kind),
            vision: Set(Some(vision.into())),
            description: Set(None),
            ..Default::default()
        }
        .insert_first(&txn, now)
        .await?;
        let lead = new_person(lead_email.into(), false)
            .insert_first(&txn, now)
            .await?;
        for (role, expertise) in [
            (AllianceRoleKind::CpdLead, vec![]),
            (AllianceRoleKind::Admin, vec![]),
        ] {
            grant_alliance_role(&txn, lead.id, alliance.id, role, expertise, since).await?;
        }
        alliance_ids.push(alliance.id);
    }

    let mut school_ids = std::collections::HashMap::new();
    for (index, demo) in SCHOOLS.iter().enumerate() {
        let school = school::ActiveModel {
            urn: Set(Some(demo.urn.into())),
            name: Set(demo.name.into()),
            phase: Set(demo.phase),
            establishment_type: Set(Some(demo.kind.into())),
            local_authority: Set(Some(demo.local_authority.into())),
            postcode: Set(Some(demo.postcode.into())),
            status: Set(SchoolStatus::Open),
            // The academies belong to one trust, as GIAS would say (`trustName`).
            trust_name: Set(demo
                .kind
                .starts_with("Academy")
                .then(|| DEMO_TRUST.to_owned())),
            ..Default::default()
        }
        .insert_first(&txn, now)
        .await?;
        school_ids.insert(demo.key, school.id);
        // A fifth colleague in a role that varies by school, so every staff role appears.
        let extra = &EXTRA_STAFF[index % EXTRA_STAFF.len()];
        for (role, title, subjects) in STAFF.iter().chain(std::iter::once(extra)) {
            let person = new_person(email_for(*role, demo.key), false)
                .insert_first(&txn, now)
                .await?;
            staff_role::ActiveModel {
                person_id: Set(person.id),
                school_id: Set(school.id),
                role: Set(*role),
                job_title: Set(Some((*title).into())),
                subjects: Set(serde_json::json!(subjects)),
                phases: Set(serde_json::json!([demo.phase])),
                starts_on: Set(since),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            // A teacher at Kingsmead is a facilitator and a Specialist Leader of Education.
            if demo.key == "kingsmead" && *role == StaffRoleKind::MiddleLeader {
                grant_alliance_role(
                    &txn,
                    person.id,
                    alliance_ids[0],
                    AllianceRoleKind::Facilitator,
                    vec![],
                    since,
                )
                .await?;
                grant_alliance_role(
                    &txn,
                    person.id,
                    alliance_ids[0],
                    AllianceRoleKind::SpecialistLeaderOfEducation,
                    vec!["Mathematics mastery", "Assessment for learning"],
                    since,
                )
                .await?;
            }
        }
    }

    for (key, alliance, role, status) in MEMBERSHIPS {
        let joined = (*status == MembershipStatus::Active).then_some(now);
        alliance_membership::ActiveModel {
            alliance_id: Set(alliance_ids[*alliance]),
            school_id: Set(school_ids[key]),
            role: Set(*role),
            status: Set(*status),
            invited_by_id: Set(None),
            invited_at: Set(now),
            joined_at: Set(joined),
            ended_at: Set(None),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }

    let partnerships = [
        (
            0,
            "KS2 Maths Mastery Partnership",
            "Four primaries developing mastery approaches to KS2 mathematics together.",
            "kingsmead",
            &["kingsmead", "staidans", "hollybrook"][..],
        ),
        (
            1,
            "Riverside Transition Partnership",
            "Continuity and progression from Year 6 to Year 7 between the trust's secondary and its feeder primaries.",
            "millbrook",
            &["millbrook", "riverside", "ashcroft"][..],
        ),
    ];
    let mut partnership_ids = Vec::new();
    for (alliance, name, purpose, lead, members) in partnerships {
        let partnership = partnership::ActiveModel {
            alliance_id: Set(alliance_ids[alliance]),
            name: Set(name.into()),
            purpose: Set(Some(purpose.into())),
            lead_school_id: Set(school_ids[lead]),
            status: Set(PartnershipStatus::Active),
            starts_on: Set(since),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert_first(&txn, now)
        .await?;
        partnership_ids.push(partnership.id);
        for member in members {
            partnership_school::ActiveModel {
                partnership_id: Set(partnership.id),
                school_id: Set(school_ids[member]),
                joined_on: Set(since),
                left_on: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    newcomers(&txn, alliance_ids[0], school_ids["kingsmead"], now).await?;
    communities::load(&txn, &alliance_ids).await?;
    practice::load(&txn, &alliance_ids, partnership_ids[0]).await?;
    support::load(&txn, &alliance_ids).await?;
    events::load(&txn, &alliance_ids).await?;
    identity::load(&txn, school_ids["kingsmead"]).await?;
    service_accounts::load(&txn, school_ids["kingsmead"]).await?;
    webhooks::load(&txn, alliance_ids[0]).await?;
    calendar::load(&txn, alliance_ids[0]).await?;
    notifications::load(&txn).await?;
    release::load(&txn, &school_ids).await?;
    observations::load(
        &txn,
        alliance_ids[0],
        school_ids["kingsmead"],
        school_ids["staidans"],
    )
    .await?;
    txn.commit().await?;
    // The ledger's figures (Kingsmead giving far more than it receives) and the
    // evaluations of the events' attended bookings.
    release::support_figures(db).await?;
    release::after_events(db).await?;
    coaching::load(db, &alliance_ids).await?;
    leadership::load(db, &alliance_ids).await?;
    tracing::info!("demo data loaded");
    Ok(())
}

/// A school the Severn Valley CPD lead has just registered and invited, with no staff yet:
/// she has invited its first headteacher. And a teacher the head of Kingsmead has invited.
/// Both invitations wait for an answer (`pendingInvitations`); their links were never
/// mailed, and they were sent long enough ago to be sent again at once.
async fn newcomers(
    txn: &sea_orm::DatabaseTransaction,
    severn_valley: i32,
    kingsmead: i32,
    now: chrono::DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let person = |email| lookup::person_id(txn, email);
    let lead = person("cpd.lead@severnvalley.example").await?;
    let elmstead = school::ActiveModel {
        urn: Set(Some("141211".into())),
        name: Set("Elmstead Primary School".into()),
        phase: Set(SchoolPhase::Primary),
        establishment_type: Set(Some("Academy converter".into())),
        local_authority: Set(Some("Worcestershire".into())),
        postcode: Set(Some("WR7 4XY".into())),
        status: Set(SchoolStatus::Open),
        ..Default::default()
    }
    .insert_first(txn, now)
    .await?;
    alliance_membership::ActiveModel {
        alliance_id: Set(severn_valley),
        school_id: Set(elmstead.id),
        role: Set(MembershipRole::Member),
        status: Set(MembershipStatus::Invited),
        invited_by_id: Set(Some(lead)),
        invited_at: Set(now),
        joined_at: Set(None),
        ended_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let head = person("headteacher@kingsmead.example").await?;
    let sent = now - chrono::Duration::days(2);
    for (school, role, (email, given, family), inviter) in [
        (
            elmstead.id,
            StaffRoleKind::Headteacher,
            ("headteacher@elmstead.example", "Ruth", "Adeyemi"),
            lead,
        ),
        (
            kingsmead,
            StaffRoleKind::Teacher,
            ("new.teacher@kingsmead.example", "Leo", "Marsh"),
            head,
        ),
    ] {
        invitation::ActiveModel {
            email: Set(email.into()),
            given_name: Set(given.into()),
            family_name: Set(family.into()),
            token_hash: Set(tokens::digest(&tokens::new_secret_token())),
            school_id: Set(Some(school)),
            staff_role: Set(Some(role)),
            role_details: Set(serde_json::json!({})),
            invited_by_id: Set(inviter),
            created_at: Set(sent),
            expires_at: Set(sent + INVITATION_TTL),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

async fn grant_alliance_role(
    txn: &sea_orm::DatabaseTransaction,
    person_id: i32,
    alliance_id: i32,
    role: AllianceRoleKind,
    expertise: Vec<&str>,
    since: NaiveDate,
) -> Result<(), sea_orm::DbErr> {
    alliance_role::ActiveModel {
        person_id: Set(person_id),
        alliance_id: Set(alliance_id),
        role: Set(role),
        expertise: Set(serde_json::json!(expertise)),
        starts_on: Set(since),
        ends_on: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
