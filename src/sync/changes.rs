//! Changes to an object that its row does not show by itself, stamped on its
//! `updated_at` so that a delta carries it.

use chrono::Utc;
use entity::{person, practice, practice_ancestor};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// A person's places changed (a role started or ended): those who see them see them
/// differently, and some see them for the first time.
pub async fn person_changed(conn: &impl ConnectionTrait, person_id: i32) -> Result<(), DbErr> {
    person::Entity::update_many()
        .col_expr(person::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(person::Column::Id.eq(person_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A practice came back to its readers (restored, published again): its adaptations,
/// read only where it is, come back with it.
pub async fn adaptations_changed(
    conn: &impl ConnectionTrait,
    practice_id: i32,
) -> Result<(), DbErr> {
    let adaptations = Query::select()
        .column(practice_ancestor::Column::PracticeId)
        .from(practice_ancestor::Entity)
        .and_where(practice_ancestor::Column::AncestorId.eq(practice_id))
        .to_owned();
    practice::Entity::update_many()
        .col_expr(practice::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(practice::Column::Id.in_subquery(adaptations))
        .exec(conn)
        .await?;
    Ok(())
}
