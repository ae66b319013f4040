//! The floor under Trellis's nested list: what async-graphql alone costs to resolve and
//! serialize an answer of the nested list's shape, with every row already in memory.
//!
//! The nested list (`bench/queries/nested.trellis.graphql`) answers 10 alliances, their
//! member schools and 5 staff of each with the person: about 970 objects and 3,700 fields.
//! Here the same shape is built from plain `SimpleObject`s, async-graphql's cheapest
//! objects: no database, no DataLoader, no policy, no HTTP, ids already encoded. Whatever
//! Trellis does for that query costs at least this much CPU, so the figure bounds what any
//! change inside Trellis can buy (BENCHMARKS.md, "What limits the nested list").
//!
//! Run: `cargo bench --bench executor_floor` (release build, one thread, as one request
//! of the 1-connection benchmark runs).

use std::hint::black_box;
use std::time::{Duration, Instant};

use async_graphql::{EmptyMutation, EmptySubscription, Enum, ID, Object, Schema, SimpleObject};

const ALLIANCES: usize = 10;
const SCHOOLS_PER_ALLIANCE: usize = 8;
const STAFF_PER_SCHOOL: usize = 5;

const QUERY: &str = "{ alliances { nodes { id name kind memberships { nodes { id role status \
    school { id urn name phase staff { nodes { id role jobTitle \
    person { id givenName familyName } } } } } } } } }";

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
enum Kind {
    TeachingSchoolAlliance,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
enum Role {
    Member,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
enum Status {
    Active,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Primary,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
enum StaffKind {
    Teacher,
}

#[derive(SimpleObject, Clone)]
struct Person {
    id: ID,
    given_name: String,
    family_name: String,
}

#[derive(SimpleObject, Clone)]
struct StaffRole {
    id: ID,
    role: StaffKind,
    job_title: Option<String>,
    person: Option<Person>,
}

#[derive(SimpleObject, Clone)]
struct StaffPage {
    nodes: Vec<StaffRole>,
}

#[derive(SimpleObject, Clone)]
struct School {
    id: ID,
    urn: Option<String>,
    name: String,
    phase: Phase,
    staff: StaffPage,
}

#[derive(SimpleObject, Clone)]
struct Membership {
    id: ID,
    role: Role,
    status: Status,
    school: School,
}

#[derive(SimpleObject, Clone)]
struct MembershipPage {
    nodes: Vec<Membership>,
}

#[derive(SimpleObject, Clone)]
struct Alliance {
    id: ID,
    name: String,
    kind: Kind,
    memberships: MembershipPage,
}

#[derive(SimpleObject, Clone)]
struct AlliancePage {
    nodes: Vec<Alliance>,
}

struct Query(AlliancePage);

#[Object]
impl Query {
    async fn alliances(&self) -> &AlliancePage {
        &self.0
    }
}

/// Ids and strings of the lengths the seeded alliance profile has.
fn answer() -> AlliancePage {
    let id = |n: usize| ID(format!("U2Nob29sOj{n:05}"));
    let staff = |school: usize| StaffPage {
        nodes: (0..STAFF_PER_SCHOOL)
            .map(|n| StaffRole {
                id: id(school * 10 + n),
                role: StaffKind::Teacher,
                job_title: Some("Head of Mathematics".into()),
                person: Some(Person {
                    id: id(school * 10 + n),
                    given_name: "Margaret".into(),
                    family_name: "Okonkwo-Smith".into(),
                }),
            })
            .collect(),
    };
    let memberships = |alliance: usize| MembershipPage {
        nodes: (0..SCHOOLS_PER_ALLIANCE)
            .map(|n| {
                let school = alliance * SCHOOLS_PER_ALLIANCE + n;
                Membership {
                    id: id(school),
                    role: Role::Member,
                    status: Status::Active,
                    school: School {
                        id: id(school),
                        urn: Some(format!("{:06}", 100_000 + school)),
                        name: "St Aidan's Church of England Primary School".into(),
                        phase: Phase::Primary,
                        staff: staff(school),
                    },
                }
            })
            .collect(),
    };
    AlliancePage {
        nodes: (0..ALLIANCES)
            .map(|n| Alliance {
                id: id(n),
                name: "North Yorkshire Teaching School Hub".into(),
                kind: Kind::TeachingSchoolAlliance,
                memberships: memberships(n),
            })
            .collect(),
    }
}

fn main() {
    let schema = Schema::build(Query(answer()), EmptyMutation, EmptySubscription).finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let execute = || {
        let response = runtime.block_on(schema.execute(QUERY));
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        response
    };
    let serialize =
        |response: &async_graphql::Response| serde_json::to_vec(response).expect("serializes");
    let bytes = serialize(&execute()).len();
    for _ in 0..200 {
        black_box(serialize(&execute()));
    }
    let rounds = 2_000;
    let (mut executing, mut serializing, mut dropping) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..rounds {
        let started = Instant::now();
        let response = execute();
        let executed = Instant::now();
        black_box(serialize(&response));
        let serialized = Instant::now();
        drop(response);
        dropping += serialized.elapsed();
        serializing += serialized - executed;
        executing += executed - started;
    }
    let ms = |total: Duration| total.as_secs_f64() * 1000.0 / f64::from(rounds);
    println!(
        "async-graphql alone, nested-list shape ({bytes} bytes of JSON), mean of {rounds} on one \
         thread: {:.3} ms per request = {:.3} ms executing (parse, validation, resolution) + \
         {:.3} ms serializing + {:.3} ms freeing the answer",
        ms(executing + serializing + dropping),
        ms(executing),
        ms(serializing),
        ms(dropping)
    );
}
