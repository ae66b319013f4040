//! Generated data for benchmarks and trials: `trellis seed --profile small|alliance|national`.
//!
//! Deterministic: the same profile and seed give the same rows (names, roles, dates and
//! ids, ids counting on from whatever the tables already hold); only the password hash's
//! salt differs from run to run. Rows are written with
//! multi-row inserts of a few hundred rows, inside one transaction, so the national profile
//! (half a million people) takes minutes, not hours.
//!
//! Two accounts for signed-in benchmarks are added, with one known password: a platform
//! admin, and a CPD lead of the first alliances (all of them in the smaller profiles).

pub mod expertise;
mod names;
pub mod observations;
pub mod practice;

use std::collections::HashSet;
use std::fmt;
use std::time::{Duration, Instant};

use anyhow::bail;
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use entity::enums::{
    AllianceKind, AllianceRoleKind, MembershipRole, MembershipStatus, PartnershipStatus,
    PersonStatus, SchoolPhase, SchoolStatus, StaffRoleKind, ThemeFramework,
};
use entity::{
    alliance, alliance_membership, alliance_role, partnership, partnership_school, person, school,
    staff_role, theme,
};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use crate::auth::passwords;
use crate::graphql::loaders::Keyed;
use crate::graphql::versioned::InsertFirst;
use names::*;

/// Platform admin account the benchmarks sign in with.
pub const BENCH_ADMIN_EMAIL: &str = "bench-admin@trellis.example";
/// CPD lead of the first `BENCH_LEAD_ALLIANCES` alliances: the policy at work, as for a
/// real alliance lead.
pub const BENCH_CPD_LEAD_EMAIL: &str = "bench-cpd-lead@trellis.example";
/// Password of both benchmark accounts, and of every generated person.
pub const BENCH_PASSWORD: &str = "trellis-bench-lantern-2026";
/// How many alliances (the first created) the benchmark CPD lead leads.
pub const BENCH_LEAD_ALLIANCES: usize = 12;

/// Rows per multi-row INSERT: well under PostgreSQL's 65,535 and SQLite's 32,766 bind
/// parameters for the widest table.
const CHUNK: usize = 500;
/// Rows buffered across tables before they are written.
const FLUSH_AT: usize = 4 * CHUNK;

/// How much data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// 2 alliances, 10 schools, about 50 people: the smoke test's data.
    Small,
    /// 12 alliances of 8 schools (60 schools, 96 memberships), about 600 people.
    Alliance,
    /// About 24,000 schools, 1,000 alliances and 500,000 people.
    National,
}

struct Shape {
    alliances: usize,
    schools: usize,
    /// How many local authorities the schools are spread over.
    local_authorities: usize,
    /// Member schools of each alliance (inclusive range).
    members: (usize, usize),
    /// Staff of a school, as a share of a real school's headcount (see `staff_range`).
    staff_scale: f64,
    /// Partnerships of each alliance (inclusive range).
    partnerships: (usize, usize),
    /// Facilitators and Specialist Leaders of Education of each alliance (inclusive range).
    facilitators: (usize, usize),
}

impl Profile {
    fn shape(self) -> Shape {
        match self {
            Profile::Small => Shape {
                alliances: 2,
                schools: 10,
                local_authorities: 2,
                members: (5, 7),
                staff_scale: 0.25,
                partnerships: (1, 1),
                facilitators: (1, 1),
            },
            Profile::Alliance => Shape {
                alliances: 12,
                schools: 60,
                local_authorities: 4,
                members: (8, 8),
                staff_scale: 0.45,
                partnerships: (1, 2),
                facilitators: (1, 3),
            },
            Profile::National => Shape {
                alliances: 1_000,
                schools: 24_000,
                local_authorities: LOCAL_AUTHORITIES.len(),
                members: (6, 26),
                staff_scale: 1.0,
                partnerships: (0, 3),
                facilitators: (1, 4),
            },
        }
    }

    /// Practice items generated unless `--practice` says otherwise.
    pub fn practice_items(self) -> usize {
        match self {
            Profile::Small => 40,
            Profile::Alliance => 400,
            Profile::National => 1_000_000,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Profile::Small => "small",
            Profile::Alliance => "alliance",
            Profile::National => "national",
        }
    }
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub schools: usize,
    pub alliances: usize,
    pub memberships: usize,
    pub partnerships: usize,
    pub partnership_schools: usize,
    pub people: usize,
    pub staff_roles: usize,
    pub alliance_roles: usize,
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} schools, {} alliances, {} memberships, {} partnerships ({} schools in them), \
             {} people, {} staff roles, {} alliance roles in {:.1} s",
            self.schools,
            self.alliances,
            self.memberships,
            self.partnerships,
            self.partnership_schools,
            self.people,
            self.staff_roles,
            self.alliance_roles,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Seeds an empty database (one without alliances) with a profile's data.
pub async fn seed(db: &DatabaseConnection, profile: Profile, seed: u64) -> anyhow::Result<Summary> {
    let started = Instant::now();
    if alliance::Entity::find().count(db).await? > 0 {
        bail!(
            "the database already holds alliances; seed only an empty (freshly migrated) database"
        );
    }
    for email in [BENCH_ADMIN_EMAIL, BENCH_CPD_LEAD_EMAIL] {
        if person::Entity::find()
            .filter(person::Column::Email.eq(email))
            .count(db)
            .await?
            > 0
        {
            bail!("{email} already exists; seed only an empty (freshly migrated) database");
        }
    }
    // One hash for every generated account: argon2 is deliberately slow.
    let hash = tokio::task::spawn_blocking(|| passwords::hash(BENCH_PASSWORD)).await?;
    let ids = Ids {
        person: max_id::<person::Entity>(db).await?,
        school: max_id::<school::Entity>(db).await?,
        alliance: max_id::<alliance::Entity>(db).await?,
        membership: max_id::<alliance_membership::Entity>(db).await?,
        partnership: max_id::<partnership::Entity>(db).await?,
        partnership_school: max_id::<partnership_school::Entity>(db).await?,
        staff_role: max_id::<staff_role::Entity>(db).await?,
        alliance_role: max_id::<alliance_role::Entity>(db).await?,
    };

    let txn = db.begin().await?;
    let mut generator = Generator {
        rng: StdRng::seed_from_u64(seed),
        shape: profile.shape(),
        hash,
        ids,
        clock: Utc
            .with_ymd_and_hms(2024, 6, 3, 8, 0, 0)
            .single()
            .expect("a time"),
        rows: Rows::default(),
        summary: Summary::default(),
        schools: Vec::new(),
    };
    generator.run(&txn).await?;
    txn.commit().await?;

    if db.get_database_backend() == DbBackend::Postgres {
        // Ids were given explicitly, so move each sequence past them.
        for table in [
            "person",
            "school",
            "alliance",
            "alliance_membership",
            "partnership",
            "partnership_school",
            "staff_role",
            "alliance_role",
        ] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), \
                 GREATEST((SELECT MAX(id) FROM \"{table}\"), 1))"
            ))
            .await?;
        }
        db.execute_unprepared("ANALYZE").await?;
    }
    let mut summary = generator.summary;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

async fn max_id<E: Keyed>(db: &DatabaseConnection) -> Result<i32, sea_orm::DbErr> {
    let max: Option<Option<i32>> = E::find()
        .select_only()
        .expr(Func::max(Expr::col(E::id_column())))
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// The last id used in each table.
struct Ids {
    person: i32,
    school: i32,
    alliance: i32,
    membership: i32,
    partnership: i32,
    partnership_school: i32,
    staff_role: i32,
    alliance_role: i32,
}

/// Rows waiting to be written, per table.
#[derive(Default)]
struct Rows {
    schools: Vec<school::ActiveModel>,
    people: Vec<person::ActiveModel>,
    alliances: Vec<alliance::ActiveModel>,
    memberships: Vec<alliance_membership::ActiveModel>,
    partnerships: Vec<partnership::ActiveModel>,
    partnership_schools: Vec<partnership_school::ActiveModel>,
    staff_roles: Vec<staff_role::ActiveModel>,
    alliance_roles: Vec<alliance_role::ActiveModel>,
}

impl Rows {
    fn len(&self) -> usize {
        self.schools.len()
            + self.people.len()
            + self.alliances.len()
            + self.memberships.len()
            + self.partnerships.len()
            + self.partnership_schools.len()
            + self.staff_roles.len()
            + self.alliance_roles.len()
    }

    /// Writes every buffered row, tables in foreign-key order.
    async fn flush(&mut self, txn: &DatabaseTransaction) -> Result<(), sea_orm::DbErr> {
        insert_chunks(txn, &mut self.schools).await?;
        insert_chunks(txn, &mut self.people).await?;
        insert_chunks(txn, &mut self.alliances).await?;
        insert_chunks(txn, &mut self.memberships).await?;
        insert_chunks(txn, &mut self.partnerships).await?;
        insert_chunks(txn, &mut self.partnership_schools).await?;
        insert_chunks(txn, &mut self.staff_roles).await?;
        insert_chunks(txn, &mut self.alliance_roles).await?;
        Ok(())
    }
}

async fn insert_chunks<A>(
    txn: &DatabaseTransaction,
    rows: &mut Vec<A>,
) -> Result<(), sea_orm::DbErr>
where
    A: ActiveModelTrait + Send,
{
    while !rows.is_empty() {
        let batch: Vec<A> = rows.drain(..rows.len().min(CHUNK)).collect();
        A::Entity::insert_many(batch)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The shared taxonomy's personalised-learning themes, in id order: what generated
/// expertise and observations are about.
async fn learning_themes(db: &DatabaseConnection) -> Result<Vec<i32>, sea_orm::DbErr> {
    theme::Entity::find()
        .select_only()
        .column(theme::Column::Id)
        .filter(theme::Column::AllianceId.is_null())
        .filter(theme::Column::Framework.eq(ThemeFramework::PersonalisedLearning))
        .order_by_asc(theme::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Current staff roles, in id order (so that what is generated from them is the same
/// for a seed).
async fn current_staff_roles(
    db: &DatabaseConnection,
) -> Result<Vec<staff_role::Model>, sea_orm::DbErr> {
    staff_role::Entity::find()
        .filter(staff_role::Column::EndsOn.is_null())
        .order_by_asc(staff_role::Column::Id)
        .all(db)
        .await
}

/// What later steps need to know of a school.
struct SchoolInfo {
    id: i32,
    /// Current staff, headteacher first.
    staff: Vec<i32>,
}

struct Generator {
    rng: StdRng,
    shape: Shape,
    hash: String,
    ids: Ids,
    /// Creation time of the next row: every row is a little later than the one before.
    clock: DateTime<Utc>,
    rows: Rows,
    summary: Summary,
    schools: Vec<SchoolInfo>,
}

/// "Today" for the generated history.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 12).expect("a date")
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a date")
}

fn at_nine(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(9, 0, 0).expect("a time").and_utc()
}

/// Letters used in the inward part of UK postcodes.
const POSTCODE_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

fn email_part(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

fn slug(name: &str, take: usize) -> String {
    name.split_whitespace()
        .take(take)
        .map(email_part)
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

impl Generator {
    async fn run(&mut self, txn: &DatabaseTransaction) -> anyhow::Result<()> {
        let mut by_local_authority: Vec<Vec<usize>> =
            vec![Vec::new(); self.shape.local_authorities];
        for index in 0..self.shape.schools {
            let local_authority = index % self.shape.local_authorities;
            by_local_authority[local_authority].push(index);
            self.school(local_authority);
            if self.rows.len() >= FLUSH_AT {
                self.rows.flush(txn).await?;
            }
        }
        // Each alliance draws first on schools of its local authority that are in no
        // alliance yet, so that in the small profiles every school belongs to one.
        for pool in &mut by_local_authority {
            pool.shuffle(&mut self.rng);
        }
        let mut unassigned = by_local_authority.clone();
        let mut names = HashSet::new();
        let bench_lead = self.bench_people();
        for index in 0..self.shape.alliances {
            let local_authority = index % self.shape.local_authorities;
            let neighbour = (local_authority + 1) % self.shape.local_authorities;
            let mut candidates = by_local_authority[local_authority].clone();
            if neighbour != local_authority {
                candidates.extend(&by_local_authority[neighbour]);
            }
            let lead_alliance = index < BENCH_LEAD_ALLIANCES;
            self.alliance(
                local_authority,
                &mut unassigned[local_authority],
                &candidates,
                &mut names,
                lead_alliance.then_some(bench_lead),
            );
            if self.rows.len() >= FLUSH_AT {
                self.rows.flush(txn).await?;
            }
        }
        self.rows.flush(txn).await?;
        Ok(())
    }

    fn tick(&mut self) -> DateTime<Utc> {
        self.clock += chrono::Duration::seconds(self.rng.random_range(1..=60));
        self.clock
    }

    fn place(&mut self) -> String {
        let stem = PLACE_STEMS.choose(&mut self.rng).expect("stems");
        let ending = PLACE_ENDINGS.choose(&mut self.rng).expect("endings");
        let place = format!("{stem}{ending}");
        if self.rng.random_bool(0.15) {
            let feature = ["Park", "Green", "Vale", "Hill", "Lane", "Road", "Meadows"]
                .choose(&mut self.rng)
                .expect("features");
            format!("{place} {feature}")
        } else {
            place
        }
    }

    fn phase(&mut self) -> SchoolPhase {
        // Roughly England's mix of establishments, per thousand.
        let roll = self.rng.random_range(0..1000);
        match roll {
            0..17 => SchoolPhase::Nursery,
            17..762 => SchoolPhase::Primary,
            762..770 => SchoolPhase::Middle,
            770..915 => SchoolPhase::Secondary,
            915..923 => SchoolPhase::AllThrough,
            923..975 => SchoolPhase::Special,
            975..990 => SchoolPhase::AlternativeProvision,
            _ => SchoolPhase::SixteenPlus,
        }
    }

    /// A school's name and establishment type, in GIAS's words.
    fn school_name(&mut self, phase: SchoolPhase) -> (String, &'static str) {
        let place = self.place();
        let roll = self.rng.random_range(0..100);
        let saint = *SAINTS.choose(&mut self.rng).expect("saints");
        match phase {
            SchoolPhase::Primary => match roll {
                0..18 => {
                    let kind = if roll < 9 {
                        "Voluntary aided school"
                    } else {
                        "Voluntary controlled school"
                    };
                    (format!("{saint} CofE Primary School"), kind)
                }
                18..24 => (
                    format!("{saint} Catholic Primary School"),
                    "Voluntary aided school",
                ),
                24..33 => (format!("{place} Infant School"), "Community school"),
                33..41 => (format!("{place} Junior School"), "Academy converter"),
                41..62 => (
                    format!("{place} Primary Academy"),
                    if roll < 52 {
                        "Academy converter"
                    } else {
                        "Academy sponsor led"
                    },
                ),
                62..85 => (format!("{place} Primary School"), "Community school"),
                _ => (format!("{place} Primary School"), "Foundation school"),
            },
            SchoolPhase::Secondary => match roll {
                0..30 => (format!("{place} Academy"), "Academy converter"),
                30..50 => (format!("{place} High School"), "Academy sponsor led"),
                50..65 => (format!("{place} School"), "Community school"),
                65..78 => (format!("{place} Community College"), "Foundation school"),
                78..88 => (
                    format!("{saint} Catholic High School"),
                    "Voluntary aided school",
                ),
                88..94 => (format!("{place} Grammar School"), "Academy converter"),
                _ => (format!("{place} Free School"), "Free schools"),
            },
            SchoolPhase::Nursery => (
                format!("{place} Nursery School"),
                "Local authority nursery school",
            ),
            SchoolPhase::Middle => (
                format!("{place} Middle School"),
                if roll < 50 {
                    "Community school"
                } else {
                    "Academy converter"
                },
            ),
            SchoolPhase::AllThrough => (
                format!("{place} All-Through School"),
                if roll < 60 {
                    "Academy converter"
                } else {
                    "Free schools"
                },
            ),
            SchoolPhase::Special => (
                format!("{place} School"),
                if roll < 60 {
                    "Community special school"
                } else {
                    "Academy special converter"
                },
            ),
            SchoolPhase::AlternativeProvision => (
                format!(
                    "{place} {}",
                    if roll < 50 {
                        "Pupil Referral Unit"
                    } else {
                        "Learning Centre"
                    }
                ),
                if roll < 50 {
                    "Pupil referral unit"
                } else {
                    "Academy alternative provision converter"
                },
            ),
            SchoolPhase::SixteenPlus => (
                format!("{place} Sixth Form College"),
                if roll < 50 {
                    "Sixth form centres"
                } else {
                    "Free schools 16 to 19"
                },
            ),
        }
    }

    /// Headcount range of a school of this phase (at national scale).
    fn staff_range(phase: SchoolPhase) -> (u32, u32) {
        match phase {
            SchoolPhase::Nursery => (5, 9),
            SchoolPhase::Primary => (8, 19),
            SchoolPhase::Middle => (20, 35),
            SchoolPhase::Secondary => (38, 80),
            SchoolPhase::AllThrough => (70, 110),
            SchoolPhase::Special => (12, 30),
            SchoolPhase::AlternativeProvision => (6, 14),
            SchoolPhase::SixteenPlus => (25, 50),
        }
    }

    fn postcode(&mut self, local_authority: usize) -> String {
        let area = LOCAL_AUTHORITIES[local_authority % LOCAL_AUTHORITIES.len()].1;
        let district = self.rng.random_range(1..=24);
        let sector = self.rng.random_range(1..=9);
        let a = POSTCODE_LETTERS[self.rng.random_range(0..POSTCODE_LETTERS.len())] as char;
        let b = POSTCODE_LETTERS[self.rng.random_range(0..POSTCODE_LETTERS.len())] as char;
        format!("{area}{district} {sector}{a}{b}")
    }

    fn new_person(&mut self, given: &str, family: &str, email: String) -> i32 {
        self.ids.person += 1;
        let at = self.tick();
        let status = if self.rng.random_bool(0.003) {
            PersonStatus::Disabled
        } else {
            PersonStatus::Active
        };
        self.rows.people.push(
            person::ActiveModel {
                id: Set(self.ids.person),
                email: Set(email),
                given_name: Set(given.to_owned()),
                family_name: Set(family.to_owned()),
                status: Set(status),
                password_hash: Set(Some(self.hash.clone())),
                is_platform_admin: Set(false),
                ..Default::default()
            }
            .first_version(at),
        );
        self.summary.people += 1;
        self.ids.person
    }

    /// A person with a random name and an address at `domain`, unique among `taken`.
    fn named_person(&mut self, domain: &str, taken: &mut HashSet<String>) -> i32 {
        let given = *GIVEN_NAMES.choose(&mut self.rng).expect("names");
        let family = *FAMILY_NAMES.choose(&mut self.rng).expect("names");
        let local = format!("{}.{}", email_part(given), email_part(family));
        let mut email = format!("{local}@{domain}");
        let mut n = 2;
        while !taken.insert(email.clone()) {
            email = format!("{local}{n}@{domain}");
            n += 1;
        }
        self.new_person(given, family, email)
    }

    /// A start date: usually the first of September, in the last twenty years.
    fn start_date(&mut self, from_year: i32) -> NaiveDate {
        let year = self.rng.random_range(from_year..=2025);
        if self.rng.random_bool(0.7) {
            date(year, 9, 1)
        } else {
            let day = date(year, 1, 1) + Days::new(self.rng.random_range(0..365));
            day.min(today())
        }
    }

    fn school(&mut self, local_authority: usize) {
        self.ids.school += 1;
        let id = self.ids.school;
        let phase = self.phase();
        let (name, kind) = self.school_name(phase);
        let urn = format!(
            "{}",
            100_000 + (id as u32) * 4 + self.rng.random_range(0..4)
        );
        let postcode = self.postcode(local_authority);
        let status = if self.rng.random_bool(0.01) {
            SchoolStatus::Closed
        } else {
            SchoolStatus::Open
        };
        let at = self.tick();
        self.rows.schools.push(
            school::ActiveModel {
                id: Set(id),
                urn: Set(Some(urn.clone())),
                name: Set(name.clone()),
                phase: Set(phase),
                establishment_type: Set(Some(kind.to_owned())),
                local_authority: Set(Some(
                    LOCAL_AUTHORITIES[local_authority % LOCAL_AUTHORITIES.len()]
                        .0
                        .to_owned(),
                )),
                postcode: Set(Some(postcode)),
                status: Set(status),
                ..Default::default()
            }
            .first_version(at),
        );
        self.summary.schools += 1;

        let (low, high) = Self::staff_range(phase);
        let headcount = (f64::from(self.rng.random_range(low..=high)) * self.shape.staff_scale)
            .round()
            .max(3.0) as usize;
        let domain = format!("{}-{urn}.sch.example", slug(&name, 2));
        let mut taken = HashSet::new();
        let mut staff = Vec::with_capacity(headcount);
        for (role, title, subjects) in self.staff_plan(headcount, phase) {
            let person = self.named_person(&domain, &mut taken);
            let starts_on = self.start_date(if role == StaffRoleKind::Headteacher {
                2006
            } else {
                2010
            });
            self.staff_role(person, id, role, title, subjects, phase, starts_on, None);
            staff.push(person);
        }
        // Now and then someone who has moved on from here works at another school now.
        if self.schools.len() > 10 && self.rng.random_bool(0.05) {
            let earlier = self.rng.random_range(0..self.schools.len());
            if let Some(&person) = self.schools[earlier]
                .staff
                .get(1..)
                .and_then(|s| s.choose(&mut self.rng))
            {
                let starts_on = date(self.rng.random_range(2012..=2018), 9, 1);
                let ends_on = date(starts_on.year() + self.rng.random_range(2..=5), 7, 31);
                self.staff_role(
                    person,
                    id,
                    StaffRoleKind::Teacher,
                    "Class teacher".into(),
                    vec![],
                    phase,
                    starts_on,
                    Some(ends_on),
                );
            }
        }
        self.schools.push(SchoolInfo { id, staff });
    }

    #[allow(clippy::too_many_arguments)]
    fn staff_role(
        &mut self,
        person: i32,
        school: i32,
        role: StaffRoleKind,
        title: String,
        subjects: Vec<&'static str>,
        phase: SchoolPhase,
        starts_on: NaiveDate,
        ends_on: Option<NaiveDate>,
    ) {
        self.ids.staff_role += 1;
        self.rows.staff_roles.push(staff_role::ActiveModel {
            id: Set(self.ids.staff_role),
            person_id: Set(person),
            school_id: Set(school),
            role: Set(role),
            job_title: Set(Some(title)),
            subjects: Set(serde_json::json!(subjects)),
            phases: Set(serde_json::json!([phase])),
            starts_on: Set(starts_on),
            ends_on: Set(ends_on),
            version: Set(1),
        });
        self.summary.staff_roles += 1;
    }

    /// The roles of a school's staff: headteacher, CPD lead, senior and middle leaders,
    /// teachers, teaching assistants and support staff.
    fn staff_plan(
        &mut self,
        headcount: usize,
        phase: SchoolPhase,
    ) -> Vec<(StaffRoleKind, String, Vec<&'static str>)> {
        let secondary = matches!(
            phase,
            SchoolPhase::Secondary
                | SchoolPhase::AllThrough
                | SchoolPhase::SixteenPlus
                | SchoolPhase::Middle
        );
        let subjects = if secondary {
            SECONDARY_SUBJECTS
        } else {
            PRIMARY_SUBJECTS
        };
        let mut plan = Vec::with_capacity(headcount);
        plan.push((StaffRoleKind::Headteacher, "Headteacher".to_owned(), vec![]));
        let cpd_subject = *subjects.choose(&mut self.rng).expect("subjects");
        plan.push((
            StaffRoleKind::SchoolCpdLead,
            "Deputy headteacher and CPD lead".to_owned(),
            vec![cpd_subject],
        ));
        let seniors = headcount / 15;
        let middles = if headcount >= 5 {
            (headcount / 6).max(1)
        } else {
            0
        };
        let assistants = headcount / 5;
        let support = headcount / 10;
        for _ in 0..seniors {
            let title = *SENIOR_TITLES.choose(&mut self.rng).expect("titles");
            plan.push((StaffRoleKind::SeniorLeader, title.to_owned(), vec![]));
        }
        let mut led: Vec<&'static str> = subjects
            .choose_multiple(&mut self.rng, middles.min(subjects.len()))
            .copied()
            .collect();
        for index in 0..middles {
            if index == 0 && headcount >= 8 {
                plan.push((StaffRoleKind::MiddleLeader, "SENCo".to_owned(), vec![]));
                continue;
            }
            let subject = led.pop().unwrap_or("English");
            let title = if secondary {
                format!("Head of {subject}")
            } else {
                format!("{subject} lead")
            };
            plan.push((StaffRoleKind::MiddleLeader, title, vec![subject]));
        }
        let teachers = headcount
            .saturating_sub(plan.len() + assistants + support)
            .max(1);
        for _ in 0..teachers {
            if secondary {
                let subject = *subjects.choose(&mut self.rng).expect("subjects");
                plan.push((
                    StaffRoleKind::Teacher,
                    format!("Teacher of {subject}"),
                    vec![subject],
                ));
            } else {
                let year = self.rng.random_range(1..=6);
                let taught = subjects
                    .choose_multiple(&mut self.rng, 2)
                    .copied()
                    .collect();
                let title = if phase == SchoolPhase::Nursery {
                    "Early years teacher".to_owned()
                } else {
                    format!("Year {year} teacher")
                };
                plan.push((StaffRoleKind::Teacher, title, taught));
            }
        }
        for _ in 0..assistants {
            let title = if self.rng.random_bool(0.2) {
                "Higher level teaching assistant"
            } else {
                "Teaching assistant"
            };
            plan.push((StaffRoleKind::TeachingAssistant, title.to_owned(), vec![]));
        }
        for _ in 0..support {
            let title = *SUPPORT_TITLES.choose(&mut self.rng).expect("titles");
            plan.push((StaffRoleKind::SupportStaff, title.to_owned(), vec![]));
        }
        plan.truncate(headcount.max(3));
        plan
    }

    /// The benchmark accounts: a platform admin and a CPD lead (whose alliance roles come
    /// with the alliances). Returns the CPD lead's id.
    fn bench_people(&mut self) -> i32 {
        self.new_person("Bench", "Admin", BENCH_ADMIN_EMAIL.to_owned());
        if let Some(row) = self.rows.people.last_mut() {
            row.is_platform_admin = Set(true);
            row.status = Set(PersonStatus::Active);
        }
        let lead = self.new_person("Bench", "Lead", BENCH_CPD_LEAD_EMAIL.to_owned());
        if let Some(row) = self.rows.people.last_mut() {
            row.status = Set(PersonStatus::Active);
        }
        lead
    }

    fn alliance_name(&mut self, kind: AllianceKind) -> String {
        let place = self.place();
        let roll = self.rng.random_range(0..10);
        match kind {
            AllianceKind::TeachingSchoolAlliance => {
                if roll < 7 {
                    format!("{place} Teaching School Alliance")
                } else {
                    format!("{place} Teaching School Hub")
                }
            }
            AllianceKind::MultiAcademyTrust => match roll {
                0..4 => format!("{place} Learning Trust"),
                4..7 => format!("{place} Academy Trust"),
                _ => format!("The {place} Trust"),
            },
            AllianceKind::LocalCluster => {
                if roll < 6 {
                    format!("{place} Schools Partnership")
                } else {
                    format!("{place} Cluster")
                }
            }
            AllianceKind::ResearchSchoolNetwork => format!("{place} Research School Network"),
            AllianceKind::Other => format!("{place} Education Partnership"),
        }
    }

    fn alliance(
        &mut self,
        local_authority: usize,
        unassigned: &mut Vec<usize>,
        candidates: &[usize],
        names: &mut HashSet<String>,
        bench_lead: Option<i32>,
    ) {
        self.ids.alliance += 1;
        let id = self.ids.alliance;
        let kind = match self.rng.random_range(0..100) {
            0..30 => AllianceKind::TeachingSchoolAlliance,
            30..70 => AllianceKind::MultiAcademyTrust,
            70..85 => AllianceKind::LocalCluster,
            85..95 => AllianceKind::ResearchSchoolNetwork,
            _ => AllianceKind::Other,
        };
        let mut name = self.alliance_name(kind);
        for attempt in 2.. {
            if names.insert(name.clone()) {
                break;
            }
            name = if attempt < 10 {
                self.alliance_name(kind)
            } else {
                format!("{name} {attempt}")
            };
        }
        let founded = date(self.rng.random_range(2014..=2023), 9, 1);
        let at = self.tick();
        let size = self
            .rng
            .random_range(self.shape.members.0..=self.shape.members.1)
            .min(candidates.len());
        let county = LOCAL_AUTHORITIES[local_authority % LOCAL_AUTHORITIES.len()].0;
        let description = self
            .rng
            .random_bool(0.5)
            .then(|| format!("{size} schools in and around {county}."));
        let vision = VISIONS.choose(&mut self.rng).map(|v| (*v).to_owned());
        self.rows.alliances.push(
            alliance::ActiveModel {
                id: Set(id),
                name: Set(name.clone()),
                kind: Set(kind),
                vision: Set(vision),
                description: Set(description),
                ..Default::default()
            }
            .first_version(at),
        );
        self.summary.alliances += 1;

        // Its CPD lead (also an admin), and a second admin in larger alliances.
        let domain = format!("{}-{id}.example", slug(&name, 2));
        let mut taken = HashSet::new();
        let lead = self.named_person(&domain, &mut taken);
        self.alliance_role(lead, id, AllianceRoleKind::CpdLead, vec![], founded, None);
        self.alliance_role(lead, id, AllianceRoleKind::Admin, vec![], founded, None);
        if size >= 10 {
            let admin = self.named_person(&domain, &mut taken);
            let since = self.start_date(founded.year());
            self.alliance_role(
                admin,
                id,
                AllianceRoleKind::Admin,
                vec![],
                since.max(founded),
                None,
            );
        }
        if let Some(bench_lead) = bench_lead {
            self.alliance_role(
                bench_lead,
                id,
                AllianceRoleKind::CpdLead,
                vec![],
                date(2025, 9, 1),
                None,
            );
        }

        // Member schools: first those in no alliance yet, then any nearby.
        let mut members: Vec<usize> = Vec::with_capacity(size);
        while members.len() < size {
            let Some(school) = unassigned.pop() else {
                break;
            };
            members.push(school);
        }
        // A school's first alliance is one it is active in; so in the small profiles every
        // school is active somewhere, and a lead of all their alliances sees every school's
        // staff.
        let first_alliance = members.len();
        let mut spare: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|s| !members.contains(s))
            .collect();
        spare.shuffle(&mut self.rng);
        members.extend(spare.into_iter().take(size - members.len()));

        let mut active = Vec::new();
        for (position, &school) in members.iter().enumerate() {
            let (role, status) = if position == 0 {
                (MembershipRole::LeadSchool, MembershipStatus::Active)
            } else {
                let role = match self.rng.random_range(0..100) {
                    0..10 if position < 3 => MembershipRole::StrategicPartner,
                    0..85 => MembershipRole::Member,
                    _ => MembershipRole::Associate,
                };
                let status = match self.rng.random_range(0..100) {
                    _ if position < first_alliance => MembershipStatus::Active,
                    0..86 => MembershipStatus::Active,
                    86..92 => MembershipStatus::Invited,
                    92..95 => MembershipStatus::Suspended,
                    _ => MembershipStatus::Left,
                };
                (role, status)
            };
            let invited_on = if status == MembershipStatus::Invited {
                today() - Days::new(self.rng.random_range(1..60))
            } else {
                founded + Days::new(self.rng.random_range(0..700))
            };
            let invited_at = at_nine(invited_on.min(today()));
            let joined_at = (status != MembershipStatus::Invited)
                .then(|| invited_at + chrono::Duration::days(self.rng.random_range(2..40)));
            let ended_at = (status == MembershipStatus::Left).then(|| {
                let joined = joined_at.expect("joined before leaving");
                (joined + chrono::Duration::days(self.rng.random_range(200..900)))
                    .min(at_nine(today()))
            });
            let updated_at = ended_at.or(joined_at).unwrap_or(invited_at);
            self.ids.membership += 1;
            self.rows
                .memberships
                .push(alliance_membership::ActiveModel {
                    id: Set(self.ids.membership),
                    alliance_id: Set(id),
                    school_id: Set(self.schools[school].id),
                    role: Set(role),
                    status: Set(status),
                    invited_by_id: Set(Some(lead)),
                    invited_at: Set(invited_at),
                    joined_at: Set(joined_at),
                    ended_at: Set(ended_at),
                    updated_at: Set(updated_at),
                    version: Set(1),
                });
            self.summary.memberships += 1;
            if status == MembershipStatus::Active {
                active.push(school);
            }
        }

        // Facilitators and Specialist Leaders of Education from the member schools' staff.
        let helpers = self
            .rng
            .random_range(self.shape.facilitators.0..=self.shape.facilitators.1);
        for _ in 0..helpers {
            let Some(&school) = active.choose(&mut self.rng) else {
                break;
            };
            let Some(&person) = self.schools[school]
                .staff
                .get(1..)
                .and_then(|s| s.choose(&mut self.rng))
            else {
                continue;
            };
            let since = self.start_date(founded.year()).max(founded);
            let ends_on = self
                .rng
                .random_bool(0.1)
                .then(|| (since + Days::new(self.rng.random_range(200..700))).min(today()));
            if self.rng.random_bool(0.5) {
                self.alliance_role(
                    person,
                    id,
                    AllianceRoleKind::Facilitator,
                    vec![],
                    since,
                    ends_on,
                );
            } else {
                let count = self.rng.random_range(1..=2);
                let expertise = EXPERTISE
                    .choose_multiple(&mut self.rng, count)
                    .copied()
                    .collect();
                self.alliance_role(
                    person,
                    id,
                    AllianceRoleKind::SpecialistLeaderOfEducation,
                    expertise,
                    since,
                    ends_on,
                );
            }
        }

        // Partnerships of active members.
        let count = self
            .rng
            .random_range(self.shape.partnerships.0..=self.shape.partnerships.1);
        let themes: Vec<(&str, &str)> = PARTNERSHIP_NAMES
            .choose_multiple(&mut self.rng, count)
            .copied()
            .collect();
        for (title, purpose) in themes {
            if active.len() < 2 {
                break;
            }
            let size = self.rng.random_range(2..=active.len().min(5));
            let schools: Vec<usize> = active
                .choose_multiple(&mut self.rng, size)
                .copied()
                .collect();
            let starts_on = (founded + Days::new(self.rng.random_range(30..900))).min(today());
            let ended = self.rng.random_bool(0.15);
            let ends_on = ended
                .then(|| starts_on + Days::new(self.rng.random_range(300..700)))
                .filter(|end| *end < today());
            let status = if ends_on.is_some() {
                PartnershipStatus::Ended
            } else {
                PartnershipStatus::Active
            };
            let at = self.tick();
            self.ids.partnership += 1;
            let partnership_id = self.ids.partnership;
            self.rows.partnerships.push(
                partnership::ActiveModel {
                    id: Set(partnership_id),
                    alliance_id: Set(id),
                    name: Set(title.to_owned()),
                    purpose: Set(Some(purpose.to_owned())),
                    lead_school_id: Set(self.schools[schools[0]].id),
                    status: Set(status),
                    starts_on: Set(starts_on),
                    ends_on: Set(ends_on),
                    ..Default::default()
                }
                .first_version(at),
            );
            self.summary.partnerships += 1;
            for (position, school) in schools.iter().enumerate() {
                let joined_on = if position == 0 {
                    starts_on
                } else {
                    (starts_on + Days::new(self.rng.random_range(0..60))).min(today())
                };
                let left_on = (position > 0 && self.rng.random_bool(0.08))
                    .then(|| joined_on + Days::new(self.rng.random_range(100..400)))
                    .filter(|left| *left < today())
                    .or(ends_on);
                self.ids.partnership_school += 1;
                self.rows
                    .partnership_schools
                    .push(partnership_school::ActiveModel {
                        id: Set(self.ids.partnership_school),
                        partnership_id: Set(partnership_id),
                        school_id: Set(self.schools[*school].id),
                        joined_on: Set(joined_on),
                        left_on: Set(left_on),
                    });
                self.summary.partnership_schools += 1;
            }
        }
    }

    fn alliance_role(
        &mut self,
        person: i32,
        alliance: i32,
        role: AllianceRoleKind,
        expertise: Vec<&'static str>,
        starts_on: NaiveDate,
        ends_on: Option<NaiveDate>,
    ) {
        self.ids.alliance_role += 1;
        self.rows.alliance_roles.push(alliance_role::ActiveModel {
            id: Set(self.ids.alliance_role),
            person_id: Set(person),
            alliance_id: Set(alliance),
            role: Set(role),
            expertise: Set(serde_json::json!(expertise)),
            starts_on: Set(starts_on),
            ends_on: Set(ends_on),
        });
        self.summary.alliance_roles += 1;
    }
}
