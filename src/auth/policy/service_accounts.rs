//! Service accounts: who manages them, and what a service account reaches.
//!
//! - An alliance's admins and CPD leads manage the service accounts bound to the alliance;
//!   a school's leaders those bound to the school; platform admins all. Nobody else sees
//!   them.
//! - A service account reads only its tenant, and only what its scopes allow:
//!   - bound to an alliance, it reads as the alliance's CPD lead would: the alliance, its
//!     active member schools and their staff, its communities and practice;
//!   - bound to a school, it reads as the school's CPD lead would, within that school
//!     alone: none of its alliances, nor the staff of any other school.
//!
//!   Each domain's rules ask `reads(scope)` first, in the predicate and in the SQL
//!   condition alike, so every path (node, lists, counts, search, nested objects, the audit
//!   log) obeys the scopes.
//! - A service account writes nothing but what `SERVICE_ACCOUNT_MUTATIONS` lists, each
//!   with the scope it needs, and is never the person of any "own" rule: its `person_id`
//!   is `NO_PERSON`.

use entity::enums::{AllianceRoleKind, MembershipStatus, StaffRoleKind};
use entity::{alliance_membership, service_account};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::Access;
use crate::auth::scopes::{Scope, Scopes};
use crate::errors::{ApiError, ApiResult};

/// The `person_id` of a service account's access: no row has it, so no rule about the
/// caller's own things (their reflections, drafts, memberships) ever matches.
pub const NO_PERSON: i32 = 0;

/// What a service account is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tenant {
    Alliance(i32),
    School(i32),
}

impl Tenant {
    pub fn of(account: &service_account::Model) -> Option<Tenant> {
        match (account.alliance_id, account.school_id) {
            (Some(alliance), None) => Some(Tenant::Alliance(alliance)),
            (None, Some(school)) => Some(Tenant::School(school)),
            _ => None,
        }
    }
}

/// A service account calling with a token: who it is, what the token was granted, and its
/// tenant.
#[derive(Debug, Clone)]
pub struct ServiceAccountPrincipal {
    pub id: i32,
    /// The person who answers for it: recorded as the actor of what it changes.
    pub owner_id: i32,
    /// The token's scopes, within those the account holds.
    pub scopes: Scopes,
    pub tenant: Tenant,
}

/// The mutations a service account may call, each with the scope it needs; every other
/// mutation is refused to service accounts (`FORBIDDEN`), before it runs. Within them, the
/// policy's usual rules apply to the account's tenant.
pub const SERVICE_ACCOUNT_MUTATIONS: &[(&str, Scope)] = &[
    ("invite_staff_member", Scope::PeopleWrite),
    ("resend_invitation", Scope::PeopleWrite),
    ("revoke_invitation", Scope::PeopleWrite),
    ("end_staff_role", Scope::PeopleWrite),
    ("update_staff_role", Scope::PeopleWrite),
    ("import_one_roster_export", Scope::PeopleWrite),
    ("register_webhook_endpoint", Scope::WebhooksManage),
    ("update_webhook_endpoint", Scope::WebhooksManage),
    ("rotate_webhook_endpoint_secret", Scope::WebhooksManage),
    ("delete_webhook_endpoint", Scope::WebhooksManage),
    ("redeliver_webhook_event", Scope::WebhooksManage),
];

impl Access {
    /// A service account's reach (see the module's rules): one statement for an alliance
    /// (its active member schools), none for a school.
    pub async fn of_service_account(
        db: &DatabaseConnection,
        account: &ServiceAccountPrincipal,
    ) -> ApiResult<Self> {
        let mut access = Access {
            person_id: NO_PERSON,
            service_account: Some(account.clone()),
            ..Access::default()
        };
        match account.tenant {
            Tenant::Alliance(alliance) => {
                access
                    .alliance_roles
                    .insert(alliance, vec![AllianceRoleKind::CpdLead]);
                access.alliances.insert(alliance);
                access.active_alliances.insert(alliance);
                let schools = alliance_membership::Entity::find()
                    .select_only()
                    .column(alliance_membership::Column::SchoolId)
                    .filter(alliance_membership::Column::AllianceId.eq(alliance))
                    .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
                    .into_tuple::<i32>()
                    .all(db)
                    .await?;
                access.network_schools.extend(schools.iter().copied());
                access.managed_schools.extend(schools);
            }
            Tenant::School(school) => {
                access
                    .school_roles
                    .insert(school, vec![StaffRoleKind::SchoolCpdLead]);
                access.network_schools.insert(school);
                access.managed_schools.insert(school);
            }
        }
        Ok(access)
    }

    /// Whether the caller reads what `scope` covers: people always (their roles decide),
    /// a service account when its token's scopes read it (see `Scopes::reads`).
    pub fn reads(&self, scope: Scope) -> bool {
        self.service_account
            .as_ref()
            .is_none_or(|account| account.scopes.reads(scope))
    }

    /// `condition` where the caller `reads(scope)`, else a condition no row meets.
    pub fn scoped(&self, scope: Scope, condition: Condition) -> Condition {
        if self.reads(scope) {
            condition
        } else {
            Condition::any()
        }
    }

    /// What a list rule's SQL condition keeps: every row for platform admins; for others
    /// who `reads(scope)`, the rows `seen` keeps; none otherwise.
    pub fn rows_seen(&self, scope: Scope, seen: impl FnOnce() -> Condition) -> Condition {
        if self.platform_admin {
            Condition::all()
        } else if self.reads(scope) {
            seen()
        } else {
            Condition::any()
        }
    }

    /// What the SQL condition of a rule no service account reaches keeps: none for a
    /// service account; every row for platform admins; for other people, the rows `seen`
    /// keeps.
    pub fn rows_seen_by_people(&self, seen: impl FnOnce() -> Condition) -> Condition {
        if self.service_account.is_some() {
            Condition::any()
        } else if self.platform_admin {
            Condition::all()
        } else {
            seen()
        }
    }

    /// The person recorded as having made a change: the caller, or the owner of the
    /// service account that made it.
    pub fn actor(&self) -> i32 {
        self.service_account
            .as_ref()
            .map_or(self.person_id, |account| account.owner_id)
    }

    /// The service account a change is made through, if any (for the audit log).
    pub fn service_account_id(&self) -> Option<i32> {
        self.service_account.as_ref().map(|account| account.id)
    }

    /// Refuses a mutation to a service account unless `SERVICE_ACCOUNT_MUTATIONS` lists it
    /// and the token holds its scope.
    pub fn admits_mutation(&self, mutation: &str) -> ApiResult<()> {
        let Some(account) = &self.service_account else {
            return Ok(());
        };
        let needed = SERVICE_ACCOUNT_MUTATIONS
            .iter()
            .find(|(name, _)| *name == mutation)
            .map(|(_, scope)| *scope);
        match needed {
            Some(scope) if account.scopes.contains(scope) => Ok(()),
            Some(_) => Err(ApiError::Forbidden(
                "this service account's token lacks the scope this mutation needs",
            )),
            None => Err(ApiError::Forbidden(
                "service accounts may not call this mutation",
            )),
        }
    }

    // ---- managing service accounts ----

    /// Whether the caller manages service accounts bound to `tenant`.
    pub fn manages_service_accounts_of(&self, tenant: Tenant) -> bool {
        if self.service_account.is_some() {
            return false;
        }
        match tenant {
            Tenant::Alliance(alliance) => self.administers_alliance(alliance),
            Tenant::School(school) => self.leads_school(school),
        }
    }

    pub fn manages_service_account(&self, account: &service_account::Model) -> bool {
        Tenant::of(account).is_some_and(|tenant| self.manages_service_accounts_of(tenant))
    }

    /// Restricts a query on service accounts to those the caller manages.
    pub fn service_account_condition(&self) -> Condition {
        self.rows_seen_by_people(|| {
            Condition::any()
                .add(service_account::Column::AllianceId.is_in(self.administered_alliances()))
                .add(service_account::Column::SchoolId.is_in(self.led_schools()))
        })
    }
}
