use crate::enums::SupportOfferStatus;
use sea_orm::entity::prelude::*;

/// An offer of support in someone's strengths, by a person, a school, or a named person
/// on behalf of their school, within one alliance.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "support_offer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    /// The person who would give the support, if one is named.
    pub person_id: Option<i32>,
    /// The school the support comes from, if any.
    pub school_id: Option<i32>,
    pub title: String,
    pub description_markdown: String,
    /// Theme ids as `,3,14,`.
    pub theme_keys: String,
    /// JSON array of `SchoolPhase` names.
    pub phases: Json,
    /// Capacity in half days per term.
    pub half_days_per_term: i32,
    /// Half days planned in arrangements from this offer that were not cancelled.
    pub half_days_committed: i32,
    pub status: SupportOfferStatus,
    pub created_by_id: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
