//! `node(id:)` for expertise entries: answered only if the policy lets the caller see the
//! person's profile.

use async_graphql::Context;
use entity::expertise_entry;

use super::ExpertiseEntry;
use crate::errors::ApiResult;
use crate::graphql::context::{access, load};
use crate::graphql::ids::NodeType;
use crate::people::places::places_of;

impl NodeType for ExpertiseEntry {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        let Some(entry) = load::<expertise_entry::Entity>(ctx, key).await? else {
            return Ok(None);
        };
        let places = places_of(ctx, entry.person_id).await?;
        Ok(access
            .sees_expertise_of(entry.person_id, &places.schools)
            .then_some(ExpertiseEntry(entry)))
    }
}
