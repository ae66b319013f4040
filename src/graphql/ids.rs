//! Opaque global ids, as Relay expects: the type and the key, base64url-encoded.
//! Clients must treat them as opaque; they are stable across releases.
//!
//! A new type that implements `Node` is declared once: its name in `node_kinds!` below,
//! and an `impl NodeType` in its domain (`<domain>/node.rs`) that reads it as the policy
//! lets the caller see it. Its kind, its id's name and the `node(id:)` dispatch follow
//! from the list; the compiler asks for the `impl`.

use std::future::Future;
use std::io::Write;

use async_graphql::{Context, ID};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::borrow::Cow;

use sea_orm::{ConnectionTrait, EntityTrait, PrimaryKeyTrait};

use crate::auth::policy::Access;
use crate::errors::{ApiResult, MutationResult, UserError};

/// Every type that implements `Node`, named as in the schema and in its ids: the one list
/// that `NodeKind` (below) and the `Node` interface with `node(id:)` (`schema::node`) are
/// built from, by the macro named in `$build`.
macro_rules! node_kinds {
    ($build:ident) => {
        $build![
            Alliance,
            AllianceMembership,
            AllianceRole,
            CalendarFeed,
            CoachingActionStep,
            CoachingCycle,
            CoachingRelationship,
            CoachingSession,
            Community,
            CommunityMeeting,
            CommunityMembership,
            DiscussionReply,
            DiscussionThread,
            Enquiry,
            EnquiryEvidence,
            Event,
            EventBooking,
            ExpertiseEntry,
            Invitation,
            LeadershipInvitation,
            Notification,
            Observation,
            Partnership,
            PartnershipSchool,
            Person,
            Practice,
            PracticeEndorsement,
            Reflection,
            ReleaseLimit,
            School,
            ServiceAccount,
            StaffRole,
            SupportArrangement,
            SupportOffer,
            SupportRequest,
            Technique,
            Theme,
            WebhookEndpoint,
        ];
    };
}
pub(crate) use node_kinds;

/// Builds `NodeKind` from the list: its variants, `ALL` and `name` cannot disagree.
macro_rules! node_kind_enum {
    ($($kind:ident),+ $(,)?) => {
        /// Every type that implements `Node`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum NodeKind {
            $($kind),+
        }

        impl NodeKind {
            pub const ALL: [NodeKind; [$(stringify!($kind)),+].len()] = [$(Self::$kind),+];

            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$kind => stringify!($kind)),+
                }
            }
        }
    };
}

node_kinds!(node_kind_enum);

impl NodeKind {
    pub fn id(self, key: i32) -> ID {
        // "Name:key" is written on the stack: every node of a list gets an id, and `format!`
        // would allocate a string only to encode it. The longest name and key fit in 64 bytes.
        let mut text = [0u8; 64];
        let mut rest = &mut text[..];
        write!(rest, "{}:{key}", self.name()).expect("a node id fits in 64 bytes");
        let written = 64 - rest.len();
        ID(URL_SAFE_NO_PAD.encode(&text[..written]))
    }
}

/// A type that implements `Node`: how `node(id:)` and `nodes(ids:)` read one.
pub trait NodeType: Sized {
    /// The object with this key, if there is one the caller may see: `None` otherwise, so
    /// that what they may not see answers as what does not exist.
    fn visible(ctx: &Context<'_>, key: i32)
    -> impl Future<Output = ApiResult<Option<Self>>> + Send;
}

/// Reads a global id; `None` for anything malformed, and for any id other than the one
/// this server gives the object: `Practice:01` or `Practice:+1` name no object, as an
/// unknown id does not, so each object has exactly one id. The id may also be written
/// as `graphql-relay`'s `toGlobalId` writes it, in standard base64 with its padding: the
/// same bytes, so the same id.
pub fn decode(id: &ID) -> Option<(NodeKind, i32)> {
    let canonical = unpadded_url_safe(id.as_str())?;
    let bytes = URL_SAFE_NO_PAD.decode(canonical.as_bytes()).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let (name, key) = text.split_once(':')?;
    let kind = NodeKind::ALL.into_iter().find(|kind| kind.name() == name)?;
    let key = key.parse().ok().filter(|key: &i32| *key > 0)?;
    (kind.id(key).as_str() == canonical).then_some((kind, key))
}

/// Base64 in the alphabet and without the padding of the ids this server writes; `None`
/// for padding other than the length needs.
fn unpadded_url_safe(id: &str) -> Option<Cow<'_, str>> {
    let unpadded = id.trim_end_matches('=');
    let padding = id.len() - unpadded.len();
    if padding > 0 && padding != (4 - unpadded.len() % 4) % 4 {
        return None;
    }
    Some(if unpadded.contains(['+', '/']) {
        Cow::Owned(unpadded.replace('+', "-").replace('/', "_"))
    } else {
        Cow::Borrowed(unpadded)
    })
}

/// Reads a global id that must be of one kind.
pub fn decode_as(id: &ID, kind: NodeKind) -> Option<i32> {
    decode(id)
        .filter(|(found, _)| *found == kind)
        .map(|(_, key)| key)
}

/// The key a list filter compares with for an id of `kind`: 0, which no row has, when the
/// id is malformed or of another kind, so that such a filter lists nothing (as an id of
/// nothing does) rather than failing the request.
pub fn filter_key(id: &ID, kind: NodeKind) -> i32 {
    decode_as(id, kind).unwrap_or(0)
}

/// Reads, in a mutation, the row of `kind` that the input `field` names, if the caller sees
/// it by `sees` (a rule of the policy); otherwise `NOT_FOUND` on `field`, so that what the
/// caller may not see answers as what does not exist.
pub async fn find_visible<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    access: &Access,
    (id, kind): (&ID, NodeKind),
    field: &str,
    sees: impl FnOnce(&Access, &E::Model) -> bool,
) -> MutationResult<E::Model>
where
    i32: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let key = decode_as(id, kind).ok_or_else(|| UserError::not_found(field))?;
    find_seen::<E>(conn, access, key, field, sees).await
}

/// As `find_visible`, for a row whose key the mutation already has.
pub async fn find_seen<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    access: &Access,
    key: i32,
    field: &str,
    sees: impl FnOnce(&Access, &E::Model) -> bool,
) -> MutationResult<E::Model>
where
    i32: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    E::find_by_id(key)
        .one(conn)
        .await?
        .filter(|row| sees(access, row))
        .ok_or_else(|| UserError::not_found(field).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_in_padded_standard_base64_as_graphql_relay_writes_them() {
        use base64::engine::general_purpose::STANDARD;
        for key in [1, 42, 123, 4567] {
            let relay = ID(STANDARD.encode(format!("School:{key}")));
            assert_eq!(decode(&relay), Some((NodeKind::School, key)), "{relay:?}");
        }
        let needs_one = NodeKind::School.id(1);
        assert_eq!(
            decode(&ID(format!("{}=", needs_one.as_str()))),
            Some((NodeKind::School, 1))
        );
        assert_eq!(decode(&ID(format!("{}==", needs_one.as_str()))), None);
    }

    #[test]
    fn round_trips_and_rejects_other_kinds() {
        let id = NodeKind::School.id(42);
        assert_eq!(decode(&id), Some((NodeKind::School, 42)));
        assert_eq!(decode_as(&id, NodeKind::School), Some(42));
        assert_eq!(decode_as(&id, NodeKind::Person), None);
    }

    #[test]
    fn every_kind_round_trips_at_the_largest_key() {
        for kind in NodeKind::ALL {
            assert_eq!(
                decode(&kind.id(i32::MAX)),
                Some((kind, i32::MAX)),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn ids_are_stable_across_releases() {
        // Clients store ids: "Alliance:10", base64url without padding.
        assert_eq!(NodeKind::Alliance.id(10).as_str(), "QWxsaWFuY2U6MTA");
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in ["", "!!", "U2Nob29s", "U2Nob29sOi0x", "Tm9wZTox"] {
            assert_eq!(decode(&ID(bad.into())), None, "{bad}");
        }
    }

    #[test]
    fn accepts_only_the_canonical_form() {
        let encode = |text: &str| ID(URL_SAFE_NO_PAD.encode(text));
        assert_eq!(decode(&encode("Practice:1")), Some((NodeKind::Practice, 1)));
        for other in [
            "Practice:01",
            "Practice:+1",
            "Practice:1 ",
            "Practice: 1",
            "Practice:1\0",
            "practice:1",
        ] {
            assert_eq!(decode(&encode(other)), None, "{other:?}");
        }
        // Base64 with other bits in the last character, or with more padding than its
        // length needs, is another id (the padding it needs is `toGlobalId`'s form).
        assert_eq!(decode(&ID("UHJhY3RpY2U6MR".into())), None);
        assert_eq!(decode(&ID("UHJhY3RpY2U6MQ===".into())), None);
    }
}
