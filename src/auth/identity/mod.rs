//! Single sign-on: ID tokens of Microsoft Entra ID and Google (OpenID Connect), checked
//! against each provider's published keys; and the tenants schools register.
//!
//! Which person a checked token signs in is decided by `crate::identity`.

mod keys;
mod tokens;

use entity::enums::IdentityProviderKind;

pub use tokens::{GOOGLE_ISSUER, IdentityProviders, Refusal, VerifiedIdentity};

/// Google accounts outside any Workspace: their tokens carry no hosted domain, and a
/// school registering these would mean nothing.
const CONSUMER_DOMAINS: [&str; 2] = ["gmail.com", "googlemail.com"];

/// A tenant as stored and compared: an Entra tenant id as a lower-case GUID, a Google
/// hosted domain as a lower-case domain name. `None` when `value` is not one.
pub fn normalise_tenant(kind: IdentityProviderKind, value: &str) -> Option<String> {
    let value = value.trim();
    match kind {
        IdentityProviderKind::EntraId => uuid::Uuid::parse_str(value)
            .ok()
            .filter(|tid| !tid.is_nil())
            .map(|tid| tid.hyphenated().to_string()),
        IdentityProviderKind::Google => {
            let domain = value.to_lowercase();
            let labels_fit = domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
            (labels_fit
                && domain.len() <= 253
                && domain.contains('.')
                && !CONSUMER_DOMAINS.contains(&domain.as_str()))
            .then_some(domain)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_are_stored_in_one_spelling() {
        let entra = |value| normalise_tenant(IdentityProviderKind::EntraId, value);
        assert_eq!(
            entra(" 9188040D-6C67-4C5B-B112-36A304B66DAD ").as_deref(),
            Some("9188040d-6c67-4c5b-b112-36a304b66dad")
        );
        assert_eq!(entra("not a guid"), None);
        assert_eq!(entra("00000000-0000-0000-0000-000000000000"), None);
        let google = |value| normalise_tenant(IdentityProviderKind::Google, value);
        assert_eq!(
            google("Oakfield.Sch.UK").as_deref(),
            Some("oakfield.sch.uk")
        );
        for wrong in [
            "gmail.com",
            "localhost",
            "a..uk",
            "-a.uk",
            "a b.uk",
            "ex@mple.org",
            "",
        ] {
            assert_eq!(google(wrong), None, "{wrong}");
        }
    }
}
