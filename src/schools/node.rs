//! `node(id:)` for schools: public register data, seen by any signed-in caller (a service
//! account: with `schools:read`, within its tenant).

use async_graphql::Context;
use entity::school;

use super::School;
use crate::errors::ApiResult;
use crate::graphql::context::load_visible;
use crate::graphql::ids::NodeType;

impl NodeType for School {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row =
            load_visible::<school::Entity>(ctx, key, |access, row| access.sees_school(row.id));
        Ok(row.await?.map(School))
    }
}
