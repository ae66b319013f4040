//! Changes to an object that its row does not show by itself, stamped on its
//! `updated_at` so that a delta carries it.

use chrono::Utc;
use entity::person;
use sea_orm::sea_query::Expr;
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
