//! A practice's counts of endorsements, published adaptations and comments, stored on the
//! row so that lists show and order by them without a query per item. Recomputed (not
//! incremented) whenever one of them may have changed, so they cannot drift.
//!
//! Exact however writers overlap: every writer changes its endorsement, comment or
//! adaptation first, then locks the practice's row and recounts (see `db::lock_row`).

use entity::enums::{DiscussionHostKind, PracticeStatus};
use entity::{discussion_post, practice, practice_endorsement};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::db::lock_row;

fn count_of(statement: sea_orm::sea_query::SelectStatement) -> SimpleExpr {
    SimpleExpr::SubQuery(
        None,
        Box::new(sea_orm::sea_query::SubQueryStatement::SelectStatement(
            statement,
        )),
    )
}

/// Recounts the practice's endorsements, published adaptations and comments. Call it in
/// the transaction that changed one of them, after the change.
pub async fn refresh(conn: &impl ConnectionTrait, practice_id: i32) -> Result<(), DbErr> {
    lock_row::<practice::Entity>(conn, practice::Column::Id, practice_id).await?;
    let endorsements = Query::select()
        .expr(Func::count(Expr::col(practice_endorsement::Column::Id)))
        .from(practice_endorsement::Entity)
        .and_where(practice_endorsement::Column::PracticeId.eq(practice_id))
        .to_owned();
    let adaptation = Alias::new("adaptation");
    let adaptations = Query::select()
        .expr(Func::count(Expr::col((
            adaptation.clone(),
            practice::Column::Id,
        ))))
        .from_as(practice::Entity, adaptation.clone())
        .and_where(Expr::col((adaptation.clone(), practice::Column::AdaptedFromId)).eq(practice_id))
        .and_where(
            Expr::col((adaptation.clone(), practice::Column::Status))
                .is_in([PracticeStatus::Published, PracticeStatus::Archived]),
        )
        .and_where(Expr::col((adaptation, practice::Column::TakenDownAt)).is_null())
        .to_owned();
    let comments = Query::select()
        .expr(Func::count(Expr::col(discussion_post::Column::Id)))
        .from(discussion_post::Entity)
        .and_where(discussion_post::Column::HostKind.eq(DiscussionHostKind::Practice))
        .and_where(discussion_post::Column::HostId.eq(practice_id))
        .and_where(discussion_post::Column::DeletedAt.is_null())
        .to_owned();
    practice::Entity::update_many()
        .col_expr(practice::Column::EndorsementCount, count_of(endorsements))
        .col_expr(practice::Column::AdaptationCount, count_of(adaptations))
        .col_expr(practice::Column::CommentCount, count_of(comments))
        .filter(practice::Column::Id.eq(practice_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Refreshes the counts of the practice `practice` was adapted from, after a change to
/// whether `practice` is shared.
pub async fn refresh_origin(
    conn: &impl ConnectionTrait,
    practice: &practice::Model,
) -> Result<(), DbErr> {
    match practice.adapted_from_id {
        Some(origin) => refresh(conn, origin).await,
        None => Ok(()),
    }
}
