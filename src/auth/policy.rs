//! The access policy: the one place that decides what a caller may see and do.
//!
//! Visibility, in the words of DOMAIN.md:
//! - Schools are public register data (GIAS): any signed-in caller sees them.
//! - An alliance is seen by its admins, CPD leads, facilitators and SLEs, and by the staff
//!   of schools that are members of it (or invited, or suspended; not after leaving or
//!   declining).
//! - Memberships and partnerships are seen with their alliance.
//! - A person is seen by themself, and by those who share an active alliance network or a
//!   school with them: their colleagues, and the people of schools active in an alliance
//!   the caller takes part in.
//! - A person's email is seen by themself and by those who administer them: leaders of a
//!   school they work at, and admins of an alliance they work in.
//! - Platform admins see everything.
//! - A service account reads only its tenant, as far as its token's scopes allow, and
//!   writes only what `service_accounts::SERVICE_ACCOUNT_MUTATIONS` lists: every rule
//!   below asks `reads(scope)` (`service_accounts`).

use std::collections::{BTreeSet, HashMap};

use entity::enums::{AllianceRoleKind, MembershipStatus, StaffRoleKind};
use entity::{alliance_membership, alliance_role, staff_role, theme};
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::SignedIn;
use super::scopes::Scope;

pub mod audit;
mod calendar;
mod coaching;
mod communities;
pub mod discussion;
mod enquiries;
mod evaluations;
mod events;
mod expertise;
pub mod identity;
pub mod imports;
mod invitations;
mod leadership;
mod notifications;
pub mod observations;
mod people;
pub mod practice;
mod release;
pub mod service_accounts;
mod support;
pub mod webhooks;
use crate::errors::{ApiError, ApiResult};
pub use communities::CommunityPlace;
pub use observations::RecordFacts;
pub use service_accounts::{ServiceAccountPrincipal, Tenant};

/// A signed-in caller's roles and the alliances and schools they reach. For a service
/// account, the reach of its tenant (`service_accounts`). The default reaches nothing (no
/// roles, alliances, schools or communities): where a service account's reach starts.
#[derive(Debug, Default)]
pub struct Access {
    /// The person calling; `NO_PERSON` for a service account.
    pub person_id: i32,
    pub platform_admin: bool,
    /// Current staff roles, by school.
    pub school_roles: HashMap<i32, Vec<StaffRoleKind>>,
    /// Current alliance roles, by alliance.
    pub alliance_roles: HashMap<i32, Vec<AllianceRoleKind>>,
    /// Alliances the caller sees.
    pub alliances: BTreeSet<i32>,
    /// Schools whose staff the caller sees: their own, and those active in alliances the
    /// caller takes part in.
    pub network_schools: BTreeSet<i32>,
    /// Schools the caller manages: those they lead, and those active in alliances they
    /// administer.
    pub managed_schools: BTreeSet<i32>,
    /// Alliances the caller takes part in actively: through a role, or a school of theirs
    /// that is an active member.
    pub active_alliances: BTreeSet<i32>,
    /// The caller's memberships of communities that have not ended, by community.
    pub communities: HashMap<i32, CommunityPlace>,
    /// The service account calling, with its scopes and tenant; `None` for a person.
    pub service_account: Option<ServiceAccountPrincipal>,
}

/// The places (schools or alliances) of `roles`, in id order, where one of the roles held
/// `counts`.
fn holding_a_role<R>(roles: &HashMap<i32, Vec<R>>, counts: impl Fn(&R) -> bool) -> Vec<i32> {
    let mut ids: Vec<i32> = roles
        .iter()
        .filter(|(_, held)| held.iter().any(&counts))
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    ids
}

impl Access {
    /// Five statements at most, once per request.
    pub async fn load(db: &DatabaseConnection, caller: &SignedIn) -> ApiResult<Self> {
        let mut school_roles: HashMap<i32, Vec<StaffRoleKind>> = HashMap::new();
        for (school, role) in staff_role::Entity::find()
            .select_only()
            .columns([staff_role::Column::SchoolId, staff_role::Column::Role])
            .filter(staff_role::Column::PersonId.eq(caller.person_id))
            .filter(staff_role::Column::EndsOn.is_null())
            .into_tuple::<(i32, StaffRoleKind)>()
            .all(db)
            .await?
        {
            school_roles.entry(school).or_default().push(role);
        }
        let mut alliance_roles: HashMap<i32, Vec<AllianceRoleKind>> = HashMap::new();
        for (alliance, role) in alliance_role::Entity::find()
            .select_only()
            .columns([
                alliance_role::Column::AllianceId,
                alliance_role::Column::Role,
            ])
            .filter(alliance_role::Column::PersonId.eq(caller.person_id))
            .filter(alliance_role::Column::EndsOn.is_null())
            .into_tuple::<(i32, AllianceRoleKind)>()
            .all(db)
            .await?
        {
            alliance_roles.entry(alliance).or_default().push(role);
        }

        let mut alliances: BTreeSet<i32> = alliance_roles.keys().copied().collect();
        let mut active_alliances = alliances.clone();
        if !school_roles.is_empty() {
            for (alliance, status) in alliance_membership::Entity::find()
                .select_only()
                .columns([
                    alliance_membership::Column::AllianceId,
                    alliance_membership::Column::Status,
                ])
                .filter(alliance_membership::Column::SchoolId.is_in(school_roles.keys().copied()))
                .filter(alliance_membership::Column::Status.is_not_in(MembershipStatus::ENDED))
                .into_tuple::<(i32, MembershipStatus)>()
                .all(db)
                .await?
            {
                alliances.insert(alliance);
                if status == MembershipStatus::Active {
                    active_alliances.insert(alliance);
                }
            }
        }
        let mut network_schools: BTreeSet<i32> = school_roles.keys().copied().collect();
        let mut managed_schools: BTreeSet<i32> = school_roles
            .iter()
            .filter(|(_, roles)| roles.iter().any(|role| role.leads_school()))
            .map(|(school, _)| *school)
            .collect();
        if !active_alliances.is_empty() {
            for (alliance, school) in alliance_membership::Entity::find()
                .select_only()
                .columns([
                    alliance_membership::Column::AllianceId,
                    alliance_membership::Column::SchoolId,
                ])
                .filter(alliance_membership::Column::AllianceId.is_in(active_alliances.clone()))
                .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
                .into_tuple::<(i32, i32)>()
                .all(db)
                .await?
            {
                network_schools.insert(school);
                let administers = alliance_roles
                    .get(&alliance)
                    .is_some_and(|roles| roles.iter().any(|role| role.administers()));
                if administers {
                    managed_schools.insert(school);
                }
            }
        }
        let communities = communities::load_places(db, caller.person_id).await?;
        Ok(Self {
            person_id: caller.person_id,
            platform_admin: caller.is_platform_admin,
            school_roles,
            alliance_roles,
            alliances,
            network_schools,
            managed_schools,
            active_alliances,
            communities,
            service_account: None,
        })
    }

    // ---- alliances ----

    pub fn sees_alliance(&self, alliance_id: i32) -> bool {
        self.reads(Scope::SchoolsRead)
            && (self.platform_admin || self.alliances.contains(&alliance_id))
    }

    /// Restricts a query on `column` (an alliance id) to alliances the caller sees.
    pub fn alliance_condition(&self, column: impl ColumnTrait) -> Condition {
        if self.platform_admin {
            Condition::all()
        } else {
            self.scoped(
                Scope::SchoolsRead,
                Condition::all().add(column.is_in(self.alliances.iter().copied())),
            )
        }
    }

    /// Admins and CPD leads administer an alliance: its schools, partnerships, people and
    /// themes.
    pub fn administers_alliance(&self, alliance_id: i32) -> bool {
        self.platform_admin
            || self
                .alliance_roles
                .get(&alliance_id)
                .is_some_and(|roles| roles.iter().any(|role| role.administers()))
    }

    pub fn administers_any_alliance(&self) -> bool {
        self.platform_admin
            || self
                .alliance_roles
                .values()
                .flatten()
                .any(|role| role.administers())
    }

    /// Alliances the caller administers.
    pub fn administered_alliances(&self) -> Vec<i32> {
        holding_a_role(&self.alliance_roles, |role| role.administers())
    }

    /// Who may start a new alliance: platform admins, alliance admins and CPD leads, and
    /// the leaders of a school.
    pub fn may_create_alliance(&self) -> bool {
        self.administers_any_alliance() || !self.led_schools().is_empty()
    }

    // ---- themes ----

    /// A theme of the shared taxonomy is seen by everyone; an alliance's own theme by
    /// those who see the alliance, wherever it is reached (a tag on a practice, a
    /// community, a request...).
    pub fn sees_theme(&self, alliance_id: Option<i32>) -> bool {
        alliance_id.is_none_or(|id| self.sees_alliance(id))
    }

    // ---- schools ----

    /// Whether the caller reads a school (public register data): every person; a service
    /// account with `schools:read`, within its tenant.
    pub fn sees_school(&self, school_id: i32) -> bool {
        match &self.service_account {
            None => true,
            Some(_) => self.reads(Scope::SchoolsRead) && self.network_schools.contains(&school_id),
        }
    }

    /// Restricts a query on schools to those the caller reads (see `sees_school`).
    pub fn school_condition(&self) -> Condition {
        match &self.service_account {
            None => Condition::all(),
            Some(_) => self.scoped(
                Scope::SchoolsRead,
                Condition::all()
                    .add(entity::school::Column::Id.is_in(self.network_schools.iter().copied())),
            ),
        }
    }

    /// Headteachers, senior leaders and school CPD leads lead a school: they answer for it
    /// in alliances and manage its staff.
    pub fn leads_school(&self, school_id: i32) -> bool {
        self.platform_admin
            || self
                .school_roles
                .get(&school_id)
                .is_some_and(|roles| roles.iter().any(|role| role.leads_school()))
    }

    pub fn led_schools(&self) -> Vec<i32> {
        holding_a_role(&self.school_roles, |role| role.leads_school())
    }

    /// Whether the caller holds a current staff role at a school.
    pub fn works_at(&self, school_id: i32) -> bool {
        self.school_roles.contains_key(&school_id)
    }

    /// Whether the caller manages a school's staff and record: leads it, or administers an
    /// alliance it is an active member of.
    pub fn manages_school(&self, school_id: i32) -> bool {
        self.platform_admin || self.managed_schools.contains(&school_id)
    }

    /// Whether the caller sees who works at a school.
    pub fn sees_staff_of(&self, school_id: i32) -> bool {
        self.reads(Scope::PeopleRead)
            && (self.platform_admin || self.network_schools.contains(&school_id))
    }
}

/// Whether `reader` (`None` when not signed in) sees an alliance: anonymous callers see
/// none.
pub fn sees_alliance(reader: Option<&Access>, alliance_id: i32) -> bool {
    reader.is_some_and(|access| access.sees_alliance(alliance_id))
}

/// Whether `reader` (`None` when not signed in) sees a theme: anonymous callers see the
/// shared taxonomy only.
pub fn sees_theme(reader: Option<&Access>, alliance_id: Option<i32>) -> bool {
    match reader {
        Some(access) => access.sees_theme(alliance_id),
        None => alliance_id.is_none(),
    }
}

/// Restricts a query on themes (`column`: their alliance) to those `reader` sees.
pub fn theme_condition(reader: Option<&Access>, column: impl ColumnTrait) -> Condition {
    match reader {
        Some(access) if access.platform_admin => Condition::all(),
        Some(access) => Condition::any().add(column.is_null()).add(access.scoped(
            Scope::SchoolsRead,
            Condition::all().add(column.is_in(access.alliances.iter().copied())),
        )),
        None => Condition::all().add(column.is_null()),
    }
}

/// Restricts a filter on one theme (`themeId`) to a theme `reader` sees: a hidden
/// theme's id matches nothing, so the filter cannot tell what carries it.
pub fn seen_theme_condition(reader: Option<&Access>, theme_id: i32) -> Condition {
    let seen = Query::select()
        .expr(Expr::val(1))
        .from(theme::Entity)
        .and_where(theme::Column::Id.eq(theme_id))
        .cond_where(theme_condition(reader, theme::Column::AllianceId))
        .to_owned();
    Condition::all().add(Expr::exists(seen))
}

/// Fails with `NotFound` (never `Forbidden`) for what the caller may not see, so that
/// existence does not leak.
pub fn visible<T>(found: Option<T>, sees: impl FnOnce(&T) -> bool) -> ApiResult<T> {
    found.filter(|item| sees(item)).ok_or(ApiError::NotFound)
}

/// Fails with `Forbidden` for what the caller sees but may not do.
pub fn allowed(may: bool, what: &'static str) -> ApiResult<()> {
    if may {
        Ok(())
    } else {
        Err(ApiError::Forbidden(what))
    }
}
