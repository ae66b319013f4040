//! The shared themes taxonomy, and themes alliances add for themselves.

pub mod keys;
mod node;

pub use keys::{tagged_with, tagged_with_any, theme_ids, theme_key, theme_keys, themes_of};

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::enums::ThemeFramework;
use entity::theme;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use trellis_macros::{fields, mutations};

use crate::alliances::Alliance;
use crate::alliances::administered_alliance;
use crate::audit::AuditEntry;
use crate::db::begin_write;
use crate::errors::{ApiError, ApiResult, MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::nested::all_children;
use crate::payload;
use crate::validation;

crate::wraps! {
    /// A tag for communities, practice, expertise, events and priorities.
    Theme(theme::Model),
}

/// A theme of the shared taxonomy that tags communities, practice, expertise, events and
/// priorities: one of the personalised-learning framework, one of the wellbeing outcomes,
/// or one an alliance added for itself. The shared ones are seen by everyone, an
/// alliance's own by those who see the alliance.
#[fields(
    /// The theme's global id.
    id = NodeKind::Theme,
    /// The theme's name, such as "Assessment for learning".
    name: &str,
    /// Which taxonomy the theme belongs to.
    framework: ThemeFramework,
    /// The alliance that added the theme; `null` for the shared taxonomy (and when the
    /// caller may not see the alliance).
    alliance: Alliance = alliance(alliance_id),
)]
#[Object]
impl Theme {}

/// Themes one alliance added.
pub async fn alliance_themes(ctx: &Context<'_>, alliance_id: i32) -> ApiResult<Vec<Theme>> {
    all_children::<theme::Entity, _>(ctx, alliance_id, theme::Column::AllianceId).await
}

#[derive(Default)]
pub struct ThemeQuery;

#[Object]
impl ThemeQuery {
    /// The shared taxonomy (personalised learning, then wellbeing outcomes), followed by
    /// the themes of one alliance when `allianceId` names one the caller can see.
    async fn themes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An alliance whose own themes to add.")] alliance_id: Option<ID>,
    ) -> Result<Vec<Theme>> {
        let access = access(ctx).await?;
        let mut condition = Condition::any().add(theme::Column::AllianceId.is_null());
        if let Some(alliance) = alliance_id
            .and_then(|id| decode_as(&id, NodeKind::Alliance))
            .filter(|id| access.sees_alliance(*id))
        {
            condition = condition.add(theme::Column::AllianceId.eq(alliance));
        }
        let themes = theme::Entity::find()
            .filter(condition)
            .order_by_asc(theme::Column::Id)
            .all(db(ctx))
            .await
            .map_err(ApiError::from)?;
        Ok(themes.into_iter().map(Theme).collect())
    }
}

/// A theme an alliance adds for its own use.
#[derive(InputObject)]
pub struct AddAllianceThemeInput {
    /// The alliance that adds the theme.
    pub alliance_id: ID,
    /// The theme's name (at most 120 characters): not the name of a shared theme nor of
    /// one the alliance already has.
    pub name: String,
}

payload!(AddAllianceThemePayload { theme: Theme });

#[derive(Default)]
pub struct ThemeMutation;

mutations! {
    impl ThemeMutation {
        /// Adds a theme of the alliance's own to the taxonomy. Its admins and CPD leads may.
        fn add_alliance_theme { add_alliance_theme(ctx, input).await }
    }
}

async fn add_alliance_theme(
    ctx: &Context<'_>,
    input: AddAllianceThemeInput,
) -> MutationResult<Theme> {
    let access = access(ctx).await?;
    let alliance_id = administered_alliance(
        &access,
        &input.alliance_id,
        "only the alliance's admins and CPD leads add themes",
    )?;
    let name = validation::required("name", &input.name, 120)?;
    let txn = begin_write(db(ctx)).await?;
    let duplicates = theme::Entity::find()
        .filter(
            Condition::any()
                .add(theme::Column::AllianceId.is_null())
                .add(theme::Column::AllianceId.eq(alliance_id)),
        )
        .filter(theme::Column::Name.eq(name.as_str()))
        .count(&txn)
        .await?;
    if duplicates > 0 {
        return Err(UserError::new(
            "name",
            UserErrorCode::Taken,
            "a theme with this name exists",
        )
        .into());
    }
    let theme = theme::ActiveModel {
        alliance_id: Set(Some(alliance_id)),
        framework: Set(ThemeFramework::Alliance),
        name: Set(name),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    AuditEntry::by(
        access.person_id,
        "theme.added",
        NodeKind::Theme.id(theme.id),
    )
    .alliance(Some(alliance_id))
    .details(serde_json::json!({ "name": theme.name }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(Theme(theme))
}
