//! What requests and offers both are: a listing in an alliance, with a title, a
//! description, themes and phases, posted for a school that takes part in the alliance.
//! Each keeps its own table and life cycle; what they share is checked and written here.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, Utc};
use entity::enums::{MembershipStatus, SchoolPhase};
use entity::{alliance_membership, support_offer, support_request};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};

use super::{Audited, DESCRIPTION_MAX, TITLE_MAX, audit, phases_json};
use crate::auth::policy::Access;
use crate::errors::{MutationResult, UserError};
use crate::graphql::versioned::LifeCycle;
use crate::themes::theme_keys;
use crate::validation;

/// A change to what a request or an offer says; what is left out stays as it is. Its
/// fields stand in the update's input (`flatten`), so no type of this name is served.
#[derive(InputObject)]
pub struct ListingChange {
    /// A short name (at most 200 characters).
    pub title: Option<String>,
    /// The full description (Markdown, at most 10,000 characters).
    pub description_markdown: Option<String>,
    /// Replaces its themes: of the shared taxonomy or of the alliance.
    pub theme_ids: Option<Vec<ID>>,
    /// Replaces its school phases.
    pub phases: Option<Vec<SchoolPhase>>,
}

/// A new request's or offer's listing in `alliance_id`: its title and description
/// checked; its themes are read when it is posted.
pub struct NewListing<'a> {
    alliance_id: i32,
    title: String,
    description_markdown: String,
    theme_ids: &'a [ID],
    phases: &'a [SchoolPhase],
}

impl<'a> NewListing<'a> {
    pub fn check(
        alliance_id: i32,
        title: &str,
        description_markdown: &str,
        theme_ids: &'a [ID],
        phases: &'a [SchoolPhase],
    ) -> Result<Self, UserError> {
        Ok(Self {
            alliance_id,
            title: validation::required("title", title, TITLE_MAX)?,
            description_markdown: validation::required(
                "descriptionMarkdown",
                description_markdown,
                DESCRIPTION_MAX,
            )?,
            theme_ids,
            phases,
        })
    }
}

/// A `ListingChange` checked, as it is stored.
pub struct Listing {
    title: Option<String>,
    description_markdown: Option<String>,
    theme_keys: Option<String>,
    phases: Option<serde_json::Value>,
}

impl ListingChange {
    /// Checks the change to a listing in `alliance_id`, field by field in input order.
    pub async fn check(
        &self,
        conn: &impl ConnectionTrait,
        alliance_id: i32,
    ) -> MutationResult<Listing> {
        let title = match &self.title {
            Some(title) => Some(validation::required("title", title, TITLE_MAX)?),
            None => None,
        };
        let description_markdown = match &self.description_markdown {
            Some(text) => Some(validation::required(
                "descriptionMarkdown",
                text,
                DESCRIPTION_MAX,
            )?),
            None => None,
        };
        let theme_keys = match &self.theme_ids {
            Some(ids) => Some(theme_keys(conn, "themeIds", ids, alliance_id).await?),
            None => None,
        };
        Ok(Listing {
            title,
            description_markdown,
            theme_keys,
            phases: self.phases.as_deref().map(phases_json),
        })
    }
}

/// The rows of requests and offers, which store a listing alike.
pub trait Listed {
    /// Sets what `listing` changes.
    fn list(&mut self, listing: Listing);

    /// Makes a new row the first version, created by the person `by` at `at`.
    fn first_version(&mut self, by: i32, at: DateTime<Utc>);
}

macro_rules! listed {
    ($($table:ident),+) => {$(
        impl Listed for $table::ActiveModel {
            fn list(&mut self, listing: Listing) {
                if let Some(title) = listing.title {
                    self.title = Set(title);
                }
                if let Some(text) = listing.description_markdown {
                    self.description_markdown = Set(text);
                }
                if let Some(keys) = listing.theme_keys {
                    self.theme_keys = Set(keys);
                }
                if let Some(phases) = listing.phases {
                    self.phases = Set(phases);
                }
            }

            fn first_version(&mut self, by: i32, at: DateTime<Utc>) {
                self.created_by_id = Set(by);
                self.version = Set(1);
                self.created_at = Set(at);
                self.updated_at = Set(at);
            }
        }
    )+};
}

listed!(support_request, support_offer);

/// Posts a new request or offer: `row` with `listing`, created by the caller now, with its
/// first history row and its audit entry `action`.
pub async fn post<A>(
    conn: &impl ConnectionTrait,
    access: &Access,
    listing: NewListing<'_>,
    mut row: A,
    action: &str,
) -> MutationResult<<A::Entity as EntityTrait>::Model>
where
    A: Listed + ActiveModelTrait<Entity: LifeCycle> + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + Audited + Sync,
{
    let themes = theme_keys(conn, "themeIds", listing.theme_ids, listing.alliance_id).await?;
    row.list(Listing {
        title: Some(listing.title),
        description_markdown: Some(listing.description_markdown),
        theme_keys: Some(themes),
        phases: Some(phases_json(listing.phases)),
    });
    row.first_version(access.person_id, Utc::now());
    let row = row.insert(conn).await?;
    A::Entity::keep_history(conn, &row, None, access.person_id, None).await?;
    audit(conn, access, action, &row).await?;
    Ok(row)
}

/// Refuses a listing for a school that is not an active member of the alliance.
pub async fn require_active_member(
    conn: &impl ConnectionTrait,
    alliance_id: i32,
    school_id: i32,
) -> MutationResult<()> {
    let member = alliance_membership::Entity::find()
        .filter(alliance_membership::Column::AllianceId.eq(alliance_id))
        .filter(alliance_membership::Column::SchoolId.eq(school_id))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .one(conn)
        .await?;
    if member.is_none() {
        return Err(UserError::invalid_state(
            "schoolId",
            "the school is not an active member of the alliance",
        )
        .into());
    }
    Ok(())
}
