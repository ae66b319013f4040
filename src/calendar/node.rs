//! `node(id:)` for calendar feeds: seen by those who manage them.

use async_graphql::Context;
use entity::calendar_feed;

use super::CalendarFeed;
use crate::errors::ApiResult;
use crate::graphql::context::load_visible;
use crate::graphql::ids::NodeType;

impl NodeType for CalendarFeed {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<calendar_feed::Entity>(ctx, key, |access, row| {
            access.manages_calendar_feed(row)
        });
        Ok(row.await?.map(CalendarFeed))
    }
}
