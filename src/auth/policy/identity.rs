//! Single sign-on: who registers a school's sign-in organisations, and whom a token of
//! such an organisation may sign in.
//!
//! - A school's sign-in organisations (Entra tenants, Google Workspace domains) are
//!   registered, removed and seen by those who manage the school: its leaders, the admins
//!   and CPD leads of alliances it is an active member of, platform admins.
//! - Several schools may register the same organisation (a trust's tenant covers its
//!   schools). A registration never reaches beyond the school: an account of an
//!   organisation signs in only a person who already exists and holds a current staff
//!   role at a school that registered that organisation.

use entity::enums::IdentityProviderKind;
use entity::{school_identity_provider, staff_role};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Query};

use super::Access;

impl Access {
    /// Whether the caller registers, removes and sees a school's sign-in organisations.
    pub fn manages_sign_in_of(&self, school_id: i32) -> bool {
        self.manages_school(school_id)
    }
}

/// Restricts a query on staff roles to current ones at schools that registered `tenant`
/// of `provider`: a person with such a role may be signed in by an account of it.
pub fn signs_in_through(provider: IdentityProviderKind, tenant: &str) -> Condition {
    let registered = Query::select()
        .column(school_identity_provider::Column::SchoolId)
        .from(school_identity_provider::Entity)
        .and_where(school_identity_provider::Column::Provider.eq(provider))
        .and_where(school_identity_provider::Column::Tenant.eq(tenant))
        .to_owned();
    Condition::all()
        .add(staff_role::Column::EndsOn.is_null())
        .add(staff_role::Column::SchoolId.in_subquery(registered))
}
