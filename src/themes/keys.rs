//! How items (communities, enquiries, practice, support) are tagged with themes: a
//! `theme_keys` column holds theme ids as `,3,14,`, so that one theme is found with a
//! `LIKE '%,3,%'` and any theme read back in one batch.

use async_graphql::{Context, ID, Result};
use entity::theme;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::Theme;
use crate::auth::policy::{self, Access};
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{load_many, reader};
use crate::graphql::ids::{NodeKind, decode_as, filter_key};

/// Theme ids stored as `,3,14,`.
pub fn theme_ids(keys: &str) -> Vec<i32> {
    keys.split(',').filter_map(|key| key.parse().ok()).collect()
}

pub fn theme_key(id: i32) -> String {
    format!(",{id},")
}

/// A list filter on one theme: the rows whose `column` (their theme keys) holds the theme
/// given, if `reader` sees it; a hidden theme's id, or one malformed, matches nothing, so
/// the filter cannot tell what carries it. No condition when no theme is given.
pub fn tagged_with(
    reader: Option<&Access>,
    column: impl ColumnTrait,
    id: &Option<ID>,
) -> Option<Condition> {
    id.as_ref().map(|id| tagged(reader, column, id))
}

/// A list filter on several themes: the rows tagged with any of them, as `tagged_with`.
pub fn tagged_with_any(
    reader: Option<&Access>,
    column: impl ColumnTrait,
    ids: &Option<Vec<ID>>,
) -> Option<Condition> {
    ids.as_ref().map(|ids| {
        ids.iter().fold(Condition::any(), |any, id| {
            any.add(tagged(reader, column, id))
        })
    })
}

fn tagged(reader: Option<&Access>, column: impl ColumnTrait, id: &ID) -> Condition {
    let key = filter_key(id, NodeKind::Theme);
    Condition::all()
        .add(column.contains(theme_key(key)))
        .add(policy::seen_theme_condition(reader, key))
}

/// Reads theme ids given as input: each must be a theme of the shared taxonomy or of
/// `alliance_id`. Returns them as stored.
pub async fn theme_keys(
    conn: &impl ConnectionTrait,
    field: &str,
    ids: &[ID],
    alliance_id: i32,
) -> MutationResult<String> {
    if ids.len() > 20 {
        return Err(UserError::invalid(field, "at most 20 themes").into());
    }
    let mut keys: Vec<i32> = Vec::new();
    for id in ids {
        let key = decode_as(id, NodeKind::Theme).ok_or_else(|| UserError::not_found(field))?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if !keys.is_empty() {
        let found = theme::Entity::find()
            .filter(theme::Column::Id.is_in(keys.clone()))
            .all(conn)
            .await?;
        let usable = found
            .iter()
            .filter(|t| t.alliance_id.is_none_or(|a| a == alliance_id))
            .count();
        if usable != keys.len() {
            return Err(UserError::not_found(field).into());
        }
    }
    Ok(if keys.is_empty() {
        ",".into()
    } else {
        format!(
            ",{},",
            keys.iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )
    })
}

/// Themes by id that the caller sees, in one batch with every other theme the request
/// loads: an alliance's own theme tagging a public item is not shown to those who may
/// not see that alliance.
pub async fn themes_of(ctx: &Context<'_>, keys: &str) -> Result<Vec<Theme>> {
    let reader = reader(ctx).await?;
    let themes = load_many::<theme::Entity>(ctx, &theme_ids(keys)).await?;
    Ok(themes
        .into_iter()
        .filter(|theme| policy::sees_theme(reader.as_deref(), theme.alliance_id))
        .map(Theme)
        .collect())
}
