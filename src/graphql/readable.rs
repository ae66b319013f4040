//! One row by id, read only if the policy's condition lets the caller read it, batched
//! with the request's other such reads.

use async_graphql::Context;
use sea_orm::sea_query::Condition;

use crate::errors::{ApiError, ApiResult};
use crate::graphql::nested::{ChildList, child_rows};

/// One row of `E` by id, if `condition` (the policy's) lets the caller read it; batched
/// with the request's other such loads.
pub async fn readable_row<E>(
    ctx: &Context<'_>,
    id: i32,
    column: E::Column,
    condition: Condition,
) -> ApiResult<E::Model>
where
    E: crate::graphql::loaders::Keyed,
    E::Model: Clone + Send + Sync,
{
    let list = ChildList::<E>::new(id, column, condition);
    child_rows(ctx, list)
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound)
}
