//! The library of techniques: the shared ones (shipped with every install, in the
//! migration) and an alliance's own, added by its CPD leads.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::enums::SchoolPhase;
use entity::technique;
use sea_orm::sea_query::Condition;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use trellis_macros::{connections, mutations};

use super::Technique;
use crate::alliances::seen_alliance;
use crate::audit::AuditEntry;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, filter_key};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::support::phases_json;
use crate::themes::{theme_key, theme_keys};
use crate::validation;

/// Longest name of a technique.
pub const NAME_MAX: usize = 200;
/// Longest summary.
pub const SUMMARY_MAX: usize = 1_000;
/// Longest step.
pub const STEP_TEXT_MAX: usize = 500;
/// Most steps of one technique.
pub const STEPS_MAX: usize = 12;

/// Narrows the library.
#[derive(InputObject, Default, Debug)]
pub struct TechniqueFilter {
    /// Only techniques tagged with this theme.
    pub theme_id: Option<ID>,
    /// Only the shared library and this alliance's own (without it: the shared library
    /// and every alliance's the caller sees).
    pub alliance_id: Option<ID>,
}

#[derive(Default)]
pub struct TechniqueQuery;

#[connections]
#[Object]
impl TechniqueQuery {
    /// The techniques the caller sees, oldest first: the shared library, then those
    /// alliances added.
    async fn techniques(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Conditions every technique listed must meet.")] filter: Option<
            TechniqueFilter,
        >,
    ) -> Result<Page<Technique>> {
        let access = access(ctx).await?;
        let mut condition = Condition::all().add(access.technique_condition());
        if let Some(filter) = filter {
            if let Some(id) = &filter.theme_id {
                let key = filter_key(id, NodeKind::Theme);
                condition = condition.add(technique::Column::ThemeKeys.contains(theme_key(key)));
            }
            if let Some(id) = &filter.alliance_id {
                let key = filter_key(id, NodeKind::Alliance);
                condition = condition.add(
                    Condition::any()
                        .add(technique::Column::AllianceId.is_null())
                        .add(technique::Column::AllianceId.eq(key)),
                );
            }
        }
        let select = technique::Entity::find().filter(condition);
        Ok(oldest_first_page(db(ctx), select, &args).await?)
    }
}

/// A technique an alliance adds to its library.
#[derive(InputObject)]
pub struct AddTechniqueInput {
    /// The alliance.
    pub alliance_id: ID,
    /// Its name (1 to 200 characters).
    pub name: String,
    /// What it is, in a sentence or two (1 to 1,000 characters).
    pub summary: String,
    /// Its steps, in order (1 to 12, each 1 to 500 characters).
    pub steps: Vec<String>,
    /// Themes of the shared taxonomy or of the alliance (at most 20).
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// The school phases it suits; empty: any.
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
}

crate::payload!(AddTechniquePayload {
    technique: Technique
});

#[derive(Default)]
pub struct TechniqueMutation;

mutations! {
    impl TechniqueMutation {
        /// Adds a technique to an alliance's library, seen by everyone in the alliance.
        /// The alliance's CPD leads and admins may.
        fn add_technique { add(ctx, input).await }
    }
}

async fn add(ctx: &Context<'_>, input: AddTechniqueInput) -> MutationResult<Technique> {
    let access = access(ctx).await?;
    let alliance_id = seen_alliance(&access, &input.alliance_id)?;
    allowed(
        access.may_add_technique(alliance_id),
        "only the alliance's CPD leads and admins add to its library",
    )?;
    let name = validation::required("name", &input.name, NAME_MAX)?;
    let summary = validation::required("summary", &input.summary, SUMMARY_MAX)?;
    if input.steps.is_empty() || input.steps.len() > STEPS_MAX {
        return Err(UserError::invalid("steps", format!("give 1 to {STEPS_MAX} steps")).into());
    }
    let mut steps = Vec::with_capacity(input.steps.len());
    for (at, text) in input.steps.iter().enumerate() {
        steps.push(validation::required(
            &format!("steps.{at}"),
            text,
            STEP_TEXT_MAX,
        )?);
    }
    let txn = begin_write(db(ctx)).await?;
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, alliance_id).await?;
    let row = technique::ActiveModel {
        alliance_id: Set(Some(alliance_id)),
        name: Set(name),
        summary: Set(summary),
        steps: Set(serde_json::json!(steps)),
        theme_keys: Set(themes),
        phases: Set(phases_json(&input.phases)),
        created_by_id: Set(Some(access.person_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    AuditEntry::by_caller(&access, "technique.added", NodeKind::Technique.id(row.id))
        .alliance(Some(alliance_id))
        .details(serde_json::json!({ "name": row.name }))
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(Technique(row))
}
