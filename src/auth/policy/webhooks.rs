//! Webhooks: who sees endpoints and their delivery log, who manages them, and which
//! events an endpoint receives.
//!
//! An endpoint belongs to its service account's tenant (a school or an alliance). It, and
//! its delivery log, are seen by that tenant's managers (a school's leaders; an
//! alliance's admins and CPD leads) and by platform admins, never by another tenant.
//!
//! An endpoint receives an event only when the event concerns its tenant: a school's
//! endpoint what concerns that school; an alliance's endpoint what concerns the alliance,
//! and, for what its admins manage in member schools (their staff, invitations, public
//! practice), what concerns a school that is an active member of it when the event is
//! fanned out. Nothing of another tenant, ever.

use entity::enums::WebhookEventType;
use entity::{webhook_endpoint, webhook_event};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::{Access, Tenant};
use crate::auth::scopes::{Scope, Scopes};

/// The school or alliance an endpoint belongs to: its service account's.
pub fn tenant_of(endpoint: &webhook_endpoint::Model) -> Option<Tenant> {
    match (endpoint.school_id, endpoint.alliance_id) {
        (Some(school), None) => Some(Tenant::School(school)),
        (None, Some(alliance)) => Some(Tenant::Alliance(alliance)),
        _ => None,
    }
}

/// The scope a service account needs to hear of an event: the one that reads its object.
pub fn scope_of(event_type: WebhookEventType) -> Scope {
    match event_type {
        WebhookEventType::SchoolJoinedAlliance | WebhookEventType::SchoolLeftAlliance => {
            Scope::SchoolsRead
        }
        WebhookEventType::PersonInvited
        | WebhookEventType::StaffRoleStarted
        | WebhookEventType::StaffRoleEnded => Scope::PeopleRead,
        WebhookEventType::PracticePublished | WebhookEventType::PracticeTakenDown => {
            Scope::PracticeRead
        }
        WebhookEventType::CommunityCreated | WebhookEventType::CommunityClosed => {
            Scope::CommunitiesRead
        }
        WebhookEventType::EventPublished
        | WebhookEventType::EventChanged
        | WebhookEventType::EventCancelled
        | WebhookEventType::EventBookingChanged => Scope::EventsRead,
    }
}

impl Access {
    /// Whether the caller manages `tenant`: leads the school, or administers the alliance.
    pub fn manages_tenant(&self, tenant: Tenant) -> bool {
        match tenant {
            Tenant::School(school) => self.leads_school(school),
            Tenant::Alliance(alliance) => self.administers_alliance(alliance),
        }
    }

    /// The service account calling and the tenant it manages webhooks of, when its token
    /// holds the `webhooks:manage` scope; `None` for anyone else.
    pub fn webhook_manager(&self) -> Option<(i32, Tenant)> {
        self.service_account
            .as_ref()
            .filter(|account| account.scopes.contains(Scope::WebhooksManage))
            .map(|account| (account.id, account.tenant))
    }

    /// Whether the caller sees an endpoint and its delivery log: its tenant's managers,
    /// and its tenant's service accounts with `webhooks:manage` (which read as the
    /// tenant's CPD lead would).
    pub fn sees_webhook_endpoint(&self, endpoint: &webhook_endpoint::Model) -> bool {
        self.reads(Scope::WebhooksManage)
            && tenant_of(endpoint).is_some_and(|tenant| self.manages_tenant(tenant))
    }

    /// The endpoints the caller sees, as SQL.
    pub fn webhook_endpoint_condition(&self) -> Condition {
        if self.platform_admin {
            return Condition::all();
        }
        self.scoped(
            Scope::WebhooksManage,
            Condition::any()
                .add(webhook_endpoint::Column::SchoolId.is_in(self.led_schools()))
                .add(webhook_endpoint::Column::AllianceId.is_in(self.administered_alliances())),
        )
    }
}

/// Whether an endpoint of `tenant`, whose service account holds `scopes`, receives
/// `event`, given the alliances the event's school is an active member of now
/// (`school_alliances`). The account reads as its tenant's CPD lead would (see
/// `service_accounts`), within its scopes.
pub fn receives(
    tenant: Tenant,
    scopes: Scopes,
    event: &webhook_event::Model,
    school_alliances: &[i32],
) -> bool {
    scopes.reads(scope_of(event.event_type)) && concerns(tenant, event, school_alliances)
}

/// Whether `event` concerns `tenant` (see the module's rules).
fn concerns(tenant: Tenant, event: &webhook_event::Model, school_alliances: &[i32]) -> bool {
    match tenant {
        Tenant::School(school) => event.school_id == Some(school),
        Tenant::Alliance(alliance) => {
            event.alliance_id == Some(alliance)
                || (event.through_school
                    && event.school_id.is_some()
                    && school_alliances.contains(&alliance))
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use entity::enums::WebhookEventType;

    use super::*;

    fn event(
        alliance: Option<i32>,
        school: Option<i32>,
        through_school: bool,
    ) -> webhook_event::Model {
        webhook_event::Model {
            id: 1,
            public_id: "evt_1".into(),
            event_type: WebhookEventType::StaffRoleStarted,
            subject: String::new(),
            alliance_id: alliance,
            school_id: school,
            through_school,
            data: serde_json::json!({}),
            created_at: Utc::now(),
            fanned_out_at: None,
        }
    }

    fn receives_all(tenant: Tenant, event: &webhook_event::Model, alliances: &[i32]) -> bool {
        let everything: Scopes = Scope::ALL.into_iter().collect();
        receives(tenant, everything, event, alliances)
    }

    #[test]
    fn only_an_account_with_the_scope_that_reads_the_object_hears_of_it() {
        let staff_at_1 = event(None, Some(1), true);
        let people: Scopes = [Scope::PeopleRead].into_iter().collect();
        let practice: Scopes = [Scope::PracticeRead, Scope::WebhooksManage]
            .into_iter()
            .collect();
        assert!(receives(Tenant::School(1), people, &staff_at_1, &[]));
        assert!(!receives(Tenant::School(1), practice, &staff_at_1, &[]));
        // Staff are changed where they are seen: `people:write` hears of them too.
        let people_write: Scopes = [Scope::PeopleWrite, Scope::WebhooksManage]
            .into_iter()
            .collect();
        assert!(receives(Tenant::School(1), people_write, &staff_at_1, &[]));
    }

    #[test]
    fn a_school_receives_only_its_own_events() {
        let staff_at_1 = event(None, Some(1), true);
        assert!(receives_all(Tenant::School(1), &staff_at_1, &[]));
        assert!(!receives_all(Tenant::School(2), &staff_at_1, &[]));
        // A community of an alliance the school belongs to is the alliance's business.
        assert!(!receives_all(
            Tenant::School(1),
            &event(Some(7), None, false),
            &[7]
        ));
    }

    #[test]
    fn an_alliance_receives_its_own_and_what_it_manages_in_member_schools() {
        let community = event(Some(7), None, false);
        assert!(receives_all(Tenant::Alliance(7), &community, &[]));
        assert!(!receives_all(Tenant::Alliance(8), &community, &[]));
        let staff_at_1 = event(None, Some(1), true);
        assert!(receives_all(Tenant::Alliance(7), &staff_at_1, &[7]));
        assert!(!receives_all(Tenant::Alliance(8), &staff_at_1, &[7]));
        // A school's own practice (not shared with alliances) stays the school's.
        assert!(!receives_all(
            Tenant::Alliance(7),
            &event(None, Some(1), false),
            &[7]
        ));
        // A member school joining another alliance is that alliance's business.
        assert!(!receives_all(
            Tenant::Alliance(7),
            &event(Some(9), Some(1), false),
            &[7, 9]
        ));
    }
}
