use crate::enums::{PracticeKind, PracticeStatus, PracticeVisibility};
use sea_orm::entity::prelude::*;

/// A piece of practice one school shares: a case study, resource, lesson study...
/// An adaptation is a practice with `adapted_from_id` set.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: PracticeKind,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub evidence_of_impact: Option<String>,
    /// JSON array of `{"title": ..., "url": ...}`.
    pub links: Json,
    /// Theme ids as `,3,14,`; phases, subjects and key stages likewise, by name, so that
    /// every filter is a portable `LIKE`.
    pub theme_keys: String,
    pub phase_keys: String,
    pub subject_keys: String,
    pub key_stage_keys: String,
    /// The school the practice comes from.
    pub school_id: i32,
    /// The alliance it is shared with (set for partnership and alliance visibility).
    pub alliance_id: Option<i32>,
    /// The partnership it is shared with (partnership visibility).
    pub partnership_id: Option<i32>,
    /// Who may read it once published (or, in review, once approved).
    pub visibility: PracticeVisibility,
    pub status: PracticeStatus,
    pub adapted_from_id: Option<i32>,
    /// Of an adaptation: what was changed, for which context.
    pub adaptation_changes: Option<String>,
    /// Of an adaptation: what happened when it was tried.
    pub outcome: Option<String>,
    pub created_by_id: i32,
    pub approved_by_id: Option<i32>,
    pub approved_at: Option<DateTimeUtc>,
    /// The approver's comment when they last sent it back.
    pub review_comment: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub archived_at: Option<DateTimeUtc>,
    /// Reported as identifying a pupil: hidden from all but authors and approvers.
    pub taken_down_at: Option<DateTimeUtc>,
    pub taken_down_by_id: Option<i32>,
    pub taken_down_reason: Option<String>,
    pub endorsement_count: i32,
    /// Published adaptations, whoever may see them (for ordering; readers are shown the
    /// count of those they may see).
    pub adaptation_count: i32,
    /// Comment threads and replies not deleted.
    pub comment_count: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
