//! Who may import from other systems.
//!
//! - The GIAS register (every school in England) is imported by platform admins only: it
//!   changes schools no one alliance answers for.
//! - Staff from OneRoster are imported into the schools the caller manages (its leaders,
//!   the admins and CPD leads of alliances it is an active member of; a service account
//!   with `people:write`, its tenant's schools: the school it is bound to, or its
//!   alliance's active member schools); platform admins import into any school. Rows for
//!   other schools are reported and skipped, and their people neither created nor changed.

use std::collections::BTreeSet;

use super::Access;

/// The schools an import may change.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportScope {
    /// Any school.
    Any,
    /// These schools only.
    Schools(BTreeSet<i32>),
}

impl Access {
    pub fn imports_gias(&self) -> bool {
        self.platform_admin
    }

    /// The schools the caller may import staff into; `None` when there are none.
    pub fn staff_import_scope(&self) -> Option<ImportScope> {
        if self.platform_admin {
            Some(ImportScope::Any)
        } else if self.managed_schools.is_empty() {
            None
        } else {
            Some(ImportScope::Schools(self.managed_schools.clone()))
        }
    }
}
