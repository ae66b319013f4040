//! Rules of the policy written twice, as a Rust predicate (which decides for one loaded
//! row: `node`, a mutation's look-up) and as an SQL condition (which filters a list),
//! must agree: for every viewer, the rows the condition keeps are exactly the rows the
//! predicate keeps.
//!
//! The rows are the demo data (two alliances, a school in both, schools active and
//! invited, communities of every kind and visibility with members in every state,
//! support in every state) with the cases the demo lacks added: a suspended and a left
//! membership, an ended staff role and an ended alliance role, a theme of each
//! alliance's own, support asked and offered by a suspended school's staff and arranged
//! from a person alone.
//! The viewers are everyone in it (a platform admin, alliance admins and CPD leads,
//! facilitators, the staff of every school), service accounts of alliances and schools
//! with several sets of scopes, and, for the rules that answer anonymous callers, nobody
//! signed in.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use entity::enums::{
    AllianceRoleKind, MembershipStatus, SupportArrangementStatus, SupportOfferStatus,
    SupportRequestStatus, SupportUrgency, ThemeFramework,
};
use entity::{
    alliance, alliance_membership, alliance_role, calendar_feed, community, community_meeting,
    community_member, person, school, service_account, staff_role, support_arrangement,
    support_offer, support_request, theme, webhook_endpoint,
};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use trellis::auth::SignedIn;
use trellis::auth::policy::{Access, ServiceAccountPrincipal, Tenant, sees_theme, theme_condition};
use trellis::auth::scopes::Scopes;
use trellis::graphql::loaders::{Keyed, value_i32};

use crate::common::{TestDatabase, fresh_database};

/// The rows and the viewers every rule is checked over.
struct World {
    db: DatabaseConnection,
    /// Each viewer by email, with what they may see; `None` is nobody signed in.
    viewers: Vec<(String, Option<Access>)>,
    _database: TestDatabase,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database = fresh_database(&dir).await;
    let db = Database::connect(&database.url).await.expect("connect");
    trellis::db::migrate(&db).await.expect("migrate");
    trellis::seed::demo::load(&db).await.expect("demo data");
    add_cases_the_demo_lacks(&db).await;
    let mut viewers = vec![("nobody signed in".to_owned(), None)];
    for person in person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(&db)
        .await
        .expect("people")
    {
        let caller = SignedIn {
            person_id: person.id,
            is_platform_admin: person.is_platform_admin,
            session_family: String::new(),
        };
        let access = Access::load(&db, &caller).await.expect("access");
        viewers.push((person.email, Some(access)));
    }
    // Service accounts of each alliance and of two schools, with their scopes in several
    // combinations: every rule must agree for them too.
    for tenant in [
        Tenant::Alliance(1),
        Tenant::Alliance(2),
        Tenant::School(1),
        Tenant::School(3),
    ] {
        for scopes in [
            "schools:read people:read communities:read practice:read reports:read events:read",
            "people:write",
            "schools:read communities:read",
        ] {
            let principal = ServiceAccountPrincipal {
                id: 1,
                owner_id: 1,
                scopes: Scopes::from_oauth(scopes).expect("scopes"),
                tenant,
            };
            let access = Access::of_service_account(&db, &principal)
                .await
                .expect("access");
            viewers.push((
                format!("service account of {tenant:?} ({scopes})"),
                Some(access),
            ));
        }
    }
    World {
        db,
        viewers,
        _database: database,
        _dir: dir,
    }
}

/// Service accounts of an alliance and of a school; a suspended membership (Westfield in Riverside) and a left one (Brookfield in Severn
/// Valley); an ended staff role (Hollybrook's teacher, who then works nowhere) and an
/// ended alliance role (Kingsmead's maths lead stops facilitating, stays an SLE); a theme
/// of each alliance's own; in Riverside, a request of suspended Westfield's and an offer
/// of its teacher's, and support arranged from a person alone (Ashcroft's teacher).
async fn add_cases_the_demo_lacks(db: &DatabaseConnection) {
    // Service accounts of Riverside and of St Aidan's, beside the demo's of Kingsmead.
    for (alliance_id, school_id) in [(Some(2), None), (None, Some(2))] {
        entity::service_account::ActiveModel {
            name: Set("Sync".into()),
            alliance_id: Set(alliance_id),
            school_id: Set(school_id),
            owner_id: Set(1),
            created_by_id: Set(1),
            client_id: Set(format!("client-{alliance_id:?}-{school_id:?}")),
            secret_hash: Set("0".repeat(64)),
            scopes: Set("people:read".into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("a service account");
    }

    let ended = NaiveDate::from_ymd_opt(2025, 7, 31).expect("a date");
    for (school_name, status) in [
        ("Westfield", MembershipStatus::Suspended),
        ("Brookfield", MembershipStatus::Left),
    ] {
        let membership = alliance_membership::Entity::find()
            .filter(alliance_membership::Column::SchoolId.eq(school_named(db, school_name).await))
            .one(db)
            .await
            .expect("memberships")
            .expect("its membership");
        let mut change: alliance_membership::ActiveModel = membership.into();
        change.status = Set(status);
        change.update(db).await.expect("change the membership");
    }
    let teacher = person_named(db, "teacher@hollybrook.example").await;
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(teacher))
        .one(db)
        .await
        .expect("staff roles")
        .expect("the teacher's role");
    let mut change: staff_role::ActiveModel = role.into();
    change.ends_on = Set(Some(ended));
    change.update(db).await.expect("end the staff role");
    let maths_lead = person_named(db, "middle-leader@kingsmead.example").await;
    let role = alliance_role::Entity::find()
        .filter(alliance_role::Column::PersonId.eq(maths_lead))
        .filter(alliance_role::Column::Role.eq(AllianceRoleKind::Facilitator))
        .one(db)
        .await
        .expect("alliance roles")
        .expect("the facilitator's role");
    let mut change: alliance_role::ActiveModel = role.into();
    change.ends_on = Set(Some(ended));
    change.update(db).await.expect("end the alliance role");
    let mut alliances = alliance::Entity::find()
        .order_by_asc(alliance::Column::Id)
        .all(db)
        .await
        .expect("alliances");
    let riverside = alliances
        .pop()
        .expect("Riverside, the demo's second alliance");
    let severn_valley = alliances.pop().expect("Severn Valley, the demo's first");
    for (alliance, name) in [(&severn_valley, "Oracy"), (&riverside, "Transition")] {
        theme::ActiveModel {
            alliance_id: Set(Some(alliance.id)),
            framework: Set(ThemeFramework::Alliance),
            name: Set(name.into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("an alliance's theme");
    }
    let request = support_request::Entity::find()
        .filter(support_request::Column::AllianceId.eq(riverside.id))
        .one(db)
        .await
        .expect("support requests")
        .expect("a request in Riverside");
    let now = Utc::now();
    let westfield = school_named(db, "Westfield").await;
    let westfield_head = person_named(db, "headteacher@westfield.example").await;
    support_request::ActiveModel {
        alliance_id: Set(riverside.id),
        school_id: Set(westfield),
        title: Set("Back on our feet".into()),
        description_markdown: Set("While suspended, we still ask.".into()),
        theme_keys: Set(",,".into()),
        phases: Set(serde_json::json!([])),
        urgency: Set(SupportUrgency::Low),
        half_days_requested: Set(1),
        status: Set(SupportRequestStatus::Open),
        created_by_id: Set(westfield_head),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("a request");
    let westfield_teacher = person_named(db, "teacher@westfield.example").await;
    support_offer::ActiveModel {
        alliance_id: Set(riverside.id),
        person_id: Set(Some(westfield_teacher)),
        school_id: Set(None),
        title: Set("Phonics coaching".into()),
        description_markdown: Set("Offered while my school is suspended.".into()),
        theme_keys: Set(",,".into()),
        phases: Set(serde_json::json!([])),
        half_days_per_term: Set(1),
        half_days_committed: Set(0),
        status: Set(SupportOfferStatus::Open),
        created_by_id: Set(westfield_teacher),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("an offer");
    support_arrangement::ActiveModel {
        alliance_id: Set(riverside.id),
        request_id: Set(request.id),
        offer_id: Set(None),
        supported_school_id: Set(request.school_id),
        supporting_person_id: Set(Some(person_named(db, "teacher@ashcroft.example").await)),
        supporting_school_id: Set(None),
        focus: Set("Transition reading".into()),
        half_days_planned: Set(2),
        status: Set(SupportArrangementStatus::Planned),
        closing_note: Set(None),
        brokered_by_id: Set(person_named(db, "cpd.lead@riverside-trust.example").await),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("an arrangement");
    // A school's webhook endpoint beside the demo's alliance one: Kingsmead's MIS.
    let kingsmead_mis = service_account::Entity::find()
        .filter(service_account::Column::SchoolId.is_not_null())
        .one(db)
        .await
        .expect("service accounts")
        .expect("the demo's school service account");
    webhook_endpoint::ActiveModel {
        service_account_id: Set(kingsmead_mis.id),
        alliance_id: Set(None),
        school_id: Set(kingsmead_mis.school_id),
        url: Set("https://mis.kingsmead.example/hooks".into()),
        description: Set(None),
        signing_secret: Set("whsec_test".into()),
        event_types: Set(serde_json::json!([])),
        enabled: Set(true),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        failing_since: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("an endpoint");
}

async fn school_named(db: &DatabaseConnection, name: &str) -> i32 {
    school::Entity::find()
        .filter(school::Column::Name.starts_with(name))
        .one(db)
        .await
        .expect("schools")
        .expect("a demo school")
        .id
}

async fn person_named(db: &DatabaseConnection, email: &str) -> i32 {
    person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(db)
        .await
        .expect("people")
        .expect("a demo person")
        .id
}

impl World {
    async fn rows<E: EntityTrait>(&self) -> Vec<E::Model> {
        E::find().all(&self.db).await.expect("rows")
    }

    /// Checks a rule that answers signed-in callers only.
    async fn agree<E: Keyed>(
        &self,
        condition: impl Fn(&Access) -> Condition,
        predicate: impl Fn(&Access, &E::Model) -> bool,
    ) {
        self.agree_for_readers::<E>(
            |reader| reader.map(&condition),
            |reader, row| reader.map(|access| predicate(access, row)),
        )
        .await
    }

    /// Checks a rule for every viewer it answers (those for whom `condition` gives
    /// `Some`): the ids `condition` keeps are those `predicate` keeps. And checks that
    /// the world puts the rule to work: viewers keep at least three different sets of
    /// rows (say all, some, none).
    async fn agree_for_readers<E: Keyed>(
        &self,
        condition: impl Fn(Option<&Access>) -> Option<Condition>,
        predicate: impl Fn(Option<&Access>, &E::Model) -> Option<bool>,
    ) {
        let id = |row: &E::Model| value_i32(row, E::id_column());
        let rows = self.rows::<E>().await;
        let mut kept = BTreeSet::new();
        for (viewer, access) in &self.viewers {
            let Some(condition) = condition(access.as_ref()) else {
                continue;
            };
            let by_sql: BTreeSet<i32> = E::find()
                .filter(condition)
                .all(&self.db)
                .await
                .expect("the condition runs")
                .iter()
                .map(id)
                .collect();
            let by_rust: BTreeSet<i32> = rows
                .iter()
                .filter(|row| predicate(access.as_ref(), row) == Some(true))
                .map(id)
                .collect();
            assert_eq!(
                by_sql, by_rust,
                "{viewer}: the SQL condition keeps {by_sql:?}, the predicate {by_rust:?}"
            );
            kept.insert(by_sql);
        }
        assert!(
            kept.len() > 2,
            "viewers keep only {kept:?} of {} rows: too few cases to test the rule",
            rows.len()
        );
    }
}

/// The schools and alliances each person holds a current role in.
async fn places(world: &World) -> HashMap<i32, (Vec<i32>, Vec<i32>)> {
    let mut places: HashMap<i32, (Vec<i32>, Vec<i32>)> = HashMap::new();
    for role in world.rows::<staff_role::Entity>().await {
        if role.ends_on.is_none() {
            places
                .entry(role.person_id)
                .or_default()
                .0
                .push(role.school_id);
        }
    }
    for role in world.rows::<alliance_role::Entity>().await {
        if role.ends_on.is_none() {
            places
                .entry(role.person_id)
                .or_default()
                .1
                .push(role.alliance_id);
        }
    }
    places
}

async fn communities(world: &World) -> HashMap<i32, community::Model> {
    world
        .rows::<community::Entity>()
        .await
        .into_iter()
        .map(|row| (row.id, row))
        .collect()
}

#[tokio::test]
async fn alliances_seen_agree() {
    let world = world().await;
    world
        .agree::<alliance::Entity>(
            |access| access.alliance_condition(alliance::Column::Id),
            |access, row| access.sees_alliance(row.id),
        )
        .await;
    world
        .agree::<alliance_membership::Entity>(
            |access| access.alliance_condition(alliance_membership::Column::AllianceId),
            |access, row| access.sees_alliance(row.alliance_id),
        )
        .await;
}

#[tokio::test]
async fn themes_seen_agree_signed_in_or_not() {
    let world = world().await;
    world
        .agree_for_readers::<theme::Entity>(
            |reader| Some(theme_condition(reader, theme::Column::AllianceId)),
            |reader, row| Some(sees_theme(reader, row.alliance_id)),
        )
        .await;
}

#[tokio::test]
async fn schools_and_service_accounts_seen_agree() {
    let world = world().await;
    world
        .agree::<school::Entity>(Access::school_condition, |access, row| {
            access.sees_school(row.id)
        })
        .await;
    world
        .agree::<entity::service_account::Entity>(
            Access::service_account_condition,
            Access::manages_service_account,
        )
        .await;
}

#[tokio::test]
async fn people_seen_and_administered_agree() {
    let world = world().await;
    let places = places(&world).await;
    let at = |id: i32| places.get(&id).cloned().unwrap_or_default();
    world
        .agree::<person::Entity>(Access::person_condition, |access, row| {
            let (schools, alliances) = at(row.id);
            access.sees_person(row.id, &schools, &alliances)
        })
        .await;
    world
        .agree::<person::Entity>(Access::email_condition, |access, row| {
            let (schools, alliances) = at(row.id);
            access.administers_person(row.id, &schools, &alliances)
        })
        .await;
}

#[tokio::test]
async fn communities_seen_agree() {
    let world = world().await;
    world
        .agree::<community::Entity>(Access::community_condition, Access::sees_community)
        .await;
}

#[tokio::test]
async fn community_memberships_seen_agree() {
    let world = world().await;
    let communities = communities(&world).await;
    world
        .agree::<community_member::Entity>(Access::community_membership_condition, |access, row| {
            access.sees_community_membership(&communities[&row.community_id], row)
        })
        .await;
}

#[tokio::test]
async fn community_content_read_agrees() {
    let world = world().await;
    let communities = communities(&world).await;
    world
        .agree::<community_meeting::Entity>(
            |access| access.readable_condition(community_meeting::Column::CommunityId),
            |access, row| access.reads_community(&communities[&row.community_id]),
        )
        .await;
}

#[tokio::test]
async fn support_seen_agrees() {
    let world = world().await;
    world
        .agree::<support_request::Entity>(
            Access::support_request_condition,
            Access::sees_support_request,
        )
        .await;
    world
        .agree::<support_offer::Entity>(Access::support_offer_condition, Access::sees_support_offer)
        .await;
    world
        .agree::<support_arrangement::Entity>(
            Access::support_arrangement_condition,
            Access::sees_support_arrangement,
        )
        .await;
}

#[tokio::test]
async fn events_and_bookings_seen_agree() {
    let world = world().await;
    // The demo's events are all for the alliance: make its held network meeting one for
    // its host school only.
    entity::event::Entity::update_many()
        .col_expr(
            entity::event::Column::Audience,
            sea_orm::sea_query::Expr::value(entity::enums::EventAudience::HostSchool),
        )
        .filter(entity::event::Column::HostSchoolId.is_not_null())
        .filter(entity::event::Column::Status.eq(entity::enums::EventStatus::Held))
        .exec(&world.db)
        .await
        .unwrap();
    world
        .agree::<entity::event::Entity>(Access::event_condition, Access::sees_event)
        .await;
    let events: HashMap<i32, entity::event::Model> = world
        .rows::<entity::event::Entity>()
        .await
        .into_iter()
        .map(|event| (event.id, event))
        .collect();
    world
        .agree::<entity::event_booking::Entity>(Access::booking_condition, |access, booking| {
            access.sees_booking(booking, &events[&booking.event_id])
        })
        .await;
}

#[tokio::test]
async fn webhook_endpoints_seen_agree() {
    let world = world().await;
    world
        .agree::<webhook_endpoint::Entity>(
            Access::webhook_endpoint_condition,
            Access::sees_webhook_endpoint,
        )
        .await;
}

#[tokio::test]
async fn calendar_feeds_managed_agree() {
    let world = world().await;
    world
        .agree::<calendar_feed::Entity>(
            Access::calendar_feed_condition,
            Access::manages_calendar_feed,
        )
        .await;
}

#[tokio::test]
async fn notifications_seen_agree() {
    let world = world().await;
    world
        .agree::<entity::notification::Entity>(
            Access::notification_condition,
            Access::sees_notification,
        )
        .await;
}

#[tokio::test]
async fn release_time_seen_agrees() {
    let world = world().await;
    // The ledger's rows: a school's figures within an alliance.
    world
        .agree::<entity::alliance_membership::Entity>(
            Access::school_release_condition,
            |access, row| access.sees_school_release(row.alliance_id, row.school_id),
        )
        .await;
    world
        .agree::<entity::release_limit::Entity>(Access::release_limit_condition, |access, row| {
            access.sees_release_limits(row.school_id)
        })
        .await;
}

/// The facts the record rules need, computed here from all shares and staff roles, apart
/// from the SQL: whether a share to the viewer holds.
fn record_facts(
    access: &Access,
    shares: &[entity::record_share::Model],
    roles: &[staff_role::Model],
    holds_share: impl Fn(&entity::record_share::Model) -> bool,
) -> trellis::auth::policy::RecordFacts {
    let works_at = |person: i32, school: i32| {
        roles
            .iter()
            .any(|r| r.person_id == person && r.school_id == school && r.ends_on.is_none())
    };
    trellis::auth::policy::RecordFacts {
        shared_with_caller: shares.iter().any(|share| {
            holds_share(share)
                && share.person_id == access.person_id
                && share.withdrawn_at.is_none()
                && share
                    .through_school_id
                    .is_none_or(|school| works_at(share.owner_id, school))
        }),
    }
}

#[tokio::test]
async fn observations_and_reflections_seen_agree() {
    let world = world().await;
    // Cases the demo lacks: an appraisal observation made at St Aidan's, whose teacher
    // (Priya Shah) has left it; a withdrawn share.
    let priya = person_named(&world.db, "priya.shah@kingsmead.example").await;
    let st_aidans = school_named(&world.db, "St Aidan's CofE Primary School").await;
    let st_aidans_head = person_named(&world.db, "headteacher@staidans.example").await;
    let now = Utc::now();
    let old = entity::observation::ActiveModel {
        observer_id: Set(st_aidans_head),
        teacher_id: Set(priya),
        school_id: Set(Some(st_aidans)),
        observed_on: Set(NaiveDate::from_ymd_opt(2026, 5, 12).unwrap()),
        purpose: Set(entity::enums::RecordPurpose::Appraisal),
        focus: Set("Appraisal objective".into()),
        went_well: Set("Routines".into()),
        questions_for_dialogue: Set(String::new()),
        agreed_next_steps: Set(String::new()),
        teacher_response: Set(None),
        theme_keys: Set(",".into()),
        in_portfolio: Set(false),
        in_review_selection: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&world.db)
    .await
    .unwrap();
    entity::record_share::ActiveModel {
        observation_id: Set(Some(old.id)),
        reflection_id: Set(None),
        owner_id: Set(priya),
        person_id: Set(person_named(&world.db, "teacher@staidans.example").await),
        through_school_id: Set(None),
        shared_at: Set(now),
        withdrawn_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&world.db)
    .await
    .unwrap();
    let shares = world.rows::<entity::record_share::Entity>().await;
    let roles = world.rows::<staff_role::Entity>().await;
    world
        .agree::<entity::observation::Entity>(Access::observation_condition, |access, row| {
            let facts = record_facts(access, &shares, &roles, |s| {
                s.observation_id == Some(row.id)
            });
            access.sees_observation(row, facts)
        })
        .await;
    world
        .agree::<entity::reflection::Entity>(Access::reflection_condition, |access, row| {
            let facts = record_facts(access, &shares, &roles, |s| s.reflection_id == Some(row.id));
            access.sees_reflection(row, facts)
        })
        .await;
}

#[tokio::test]
async fn expertise_and_coaching_seen_agree() {
    let world = world().await;
    let places = places(&world).await;
    let at = |id: i32| places.get(&id).cloned().unwrap_or_default().0;
    world
        .agree::<entity::expertise_entry::Entity>(Access::expertise_condition, |access, row| {
            access.sees_expertise_of(row.person_id, &at(row.person_id))
        })
        .await;
    world
        .agree::<entity::coaching_relationship::Entity>(
            Access::coaching_relationship_condition,
            Access::sees_coaching_relationship,
        )
        .await;
    world
        .agree::<entity::coaching_relationship::Entity>(
            Access::coaching_content_condition,
            Access::reads_coaching_content,
        )
        .await;
    world
        .agree::<entity::technique::Entity>(Access::technique_condition, Access::sees_technique)
        .await;
}

#[tokio::test]
async fn coaching_brought_to_review_agrees() {
    let world = world().await;
    // The demo's relationships are all developmental: made appraisal coaching here, each
    // coachee brings their own to review, and their coaches and everyone else bring none.
    entity::coaching_relationship::Entity::update_many()
        .col_expr(
            entity::coaching_relationship::Column::Purpose,
            Expr::value(entity::enums::CoachingPurpose::Appraisal),
        )
        .exec(&world.db)
        .await
        .unwrap();
    world
        .agree::<entity::coaching_relationship::Entity>(
            Access::review_coaching_condition,
            Access::brings_coaching_to_review,
        )
        .await;
}

#[tokio::test]
async fn leadership_invitations_seen_agree() {
    world()
        .await
        .agree::<entity::leadership_invitation::Entity>(
            Access::leadership_invitation_condition,
            Access::sees_leadership_invitation,
        )
        .await;
}
