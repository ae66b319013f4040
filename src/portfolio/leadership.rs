//! The portfolio's leadership section: what the person was invited to lead and accepted
//! (`leadership::RECORD`), read in one statement, oldest first.

use async_graphql::InputType;
use entity::enums::LeadershipKind;
use entity::leadership_invitation;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{PortfolioEntry, PortfolioSection, SECTION_MAX};
use crate::leadership::RECORD;

/// The kind in words, from its name in the API: `LEAD_EVENT` is "lead event".
fn words(kind: LeadershipKind) -> String {
    kind.to_value().to_string().replace('_', " ").to_lowercase()
}

/// The entries of the leadership section: the title the inviter gave, the kind of leading
/// and whether it is done, from the day it was accepted to the day it was marked done.
pub async fn entries(
    conn: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Vec<PortfolioEntry>, DbErr> {
    let rows = leadership_invitation::Entity::find()
        .filter(leadership_invitation::Column::PersonId.eq(person_id))
        .filter(leadership_invitation::Column::Status.is_in(RECORD))
        .order_by_asc(leadership_invitation::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| PortfolioEntry {
            section: PortfolioSection::Leadership,
            title: row.what,
            detail: Some(words(row.kind)),
            school_name: None,
            from: row.responded_at.map(|at| at.date_naive()),
            until: row.completed_on,
        })
        .collect())
}
