//! `node(id:)` for events and bookings: each answers only if the policy lets the caller
//! see it, exactly as the lists do.

use async_graphql::Context;
use entity::{event, event_booking};

use super::{Event, EventBooking};
use crate::errors::ApiResult;
use crate::graphql::context::{access, load, load_visible};
use crate::graphql::ids::NodeType;

impl NodeType for Event {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<event::Entity>(ctx, key, |access, row| access.sees_event(row));
        Ok(row.await?.map(Event))
    }
}

impl NodeType for EventBooking {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        let Some(booking) = load::<event_booking::Entity>(ctx, key).await? else {
            return Ok(None);
        };
        let Some(event) = load::<event::Entity>(ctx, booking.event_id).await? else {
            return Ok(None);
        };
        Ok(access
            .sees_booking(&booking, &event)
            .then_some(EventBooking(booking)))
    }
}
