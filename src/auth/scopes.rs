//! What a service account may do: its scopes, each with an OAuth name (`schools:read`)
//! and a GraphQL enum value (`SCHOOLS_READ`).

use async_graphql::Enum;

/// One permission a service account holds. Reads are further bounded by the account's
/// tenant (its alliance or school); `PEOPLE_WRITE` is the only scope that writes through
/// the GraphQL API, and `WEBHOOKS_MANAGE` manages the account's webhook endpoints.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[graphql(name = "ServiceAccountScope")]
pub enum Scope {
    /// `schools:read`: the tenant's alliances and schools, their memberships and
    /// partnerships, and themes.
    SchoolsRead,
    /// `people:read`: the staff of the tenant's schools (and an alliance's role holders),
    /// their roles, emails and invitations.
    PeopleRead,
    /// `people:write`: invite staff into roles at the tenant's schools, and end staff roles
    /// there.
    PeopleWrite,
    /// `communities:read`: communities, their members, meetings, discussion and enquiries.
    CommunitiesRead,
    /// `practice:read`: shared practice, endorsements, support requests and offers.
    PracticeRead,
    /// `events:read`: events and bookings, once Trellis has them.
    EventsRead,
    /// `reports:read`: the audit log of the tenant.
    ReportsRead,
    /// `webhooks:manage`: register and manage the account's webhook endpoints.
    WebhooksManage,
}

impl Scope {
    pub const ALL: [Scope; 8] = [
        Scope::SchoolsRead,
        Scope::PeopleRead,
        Scope::PeopleWrite,
        Scope::CommunitiesRead,
        Scope::PracticeRead,
        Scope::EventsRead,
        Scope::ReportsRead,
        Scope::WebhooksManage,
    ];

    /// The scope's name in OAuth requests and token responses.
    pub fn oauth_name(self) -> &'static str {
        match self {
            Scope::SchoolsRead => "schools:read",
            Scope::PeopleRead => "people:read",
            Scope::PeopleWrite => "people:write",
            Scope::CommunitiesRead => "communities:read",
            Scope::PracticeRead => "practice:read",
            Scope::EventsRead => "events:read",
            Scope::ReportsRead => "reports:read",
            Scope::WebhooksManage => "webhooks:manage",
        }
    }

    pub fn from_oauth_name(name: &str) -> Option<Scope> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.oauth_name() == name)
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes(u16);

impl Scopes {
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// Whether these scopes read what `scope` covers: `people:write` includes
    /// `people:read` (staff are changed where they are seen).
    pub fn reads(self, scope: Scope) -> bool {
        self.contains(scope) || (scope == Scope::PeopleRead && self.contains(Scope::PeopleWrite))
    }

    pub fn is_subset_of(self, other: Scopes) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn intersection(self, other: Scopes) -> Scopes {
        Scopes(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL
            .into_iter()
            .filter(move |scope| self.contains(*scope))
    }

    /// OAuth names separated by single spaces, in a fixed order (as stored and as the
    /// token response's `scope`).
    pub fn to_oauth(self) -> String {
        self.iter()
            .map(Scope::oauth_name)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads OAuth names separated by single spaces (RFC 6749, 3.3); `None` if any is
    /// unknown or the list is malformed. An empty text is the empty set.
    pub fn from_oauth(text: &str) -> Option<Scopes> {
        if text.is_empty() {
            return Some(Scopes::default());
        }
        text.split(' ')
            .map(Scope::from_oauth_name)
            .collect::<Option<Vec<_>>>()
            .map(|scopes| scopes.into_iter().collect())
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        Scopes(iter.into_iter().fold(0, |bits, scope| bits | scope.bit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_names_round_trip() {
        let all: Scopes = Scope::ALL.into_iter().collect();
        assert_eq!(Scopes::from_oauth(&all.to_oauth()), Some(all));
        let some = Scopes::from_oauth("people:read schools:read").unwrap();
        assert_eq!(some.to_oauth(), "schools:read people:read");
        assert!(some.is_subset_of(all) && !all.is_subset_of(some));
        assert_eq!(Scopes::from_oauth("people:read admin"), None);
        assert_eq!(Scopes::from_oauth("people:read  schools:read"), None);
        assert!(Scopes::from_oauth("").unwrap().is_empty());
    }
}
