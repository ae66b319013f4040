//! Lists stored as `,A,B,` text, so that "has this value" is a portable `LIKE` filter:
//! theme ids, and phases, subjects and key stages by their API names.

use sea_orm::sea_query::Condition;
use sea_orm::{ActiveEnum, ColumnTrait};

/// Enum values as stored: `,PRIMARY,SECONDARY,` (empty list: empty text).
pub fn enum_keys<T: ActiveEnum<Value = String>>(values: &[T]) -> String {
    let mut names: Vec<String> = values.iter().map(ActiveEnum::to_value).collect();
    names.sort();
    names.dedup();
    join(&names)
}

/// Enum values read back from their stored keys.
pub fn enum_values<T: ActiveEnum<Value = String>>(keys: &str) -> Vec<T> {
    keys.split(',')
        .filter(|key| !key.is_empty())
        .filter_map(|key| T::try_from_value(&key.to_owned()).ok())
        .collect()
}

/// The `LIKE` needle that finds one value.
pub fn enum_key<T: ActiveEnum<Value = String>>(value: T) -> String {
    format!(",{},", value.to_value())
}

/// Any of `needles` (as made by `enum_key` or `theme_key`) in a keys column.
pub fn any_key(column: impl ColumnTrait, needles: Vec<String>) -> Condition {
    needles.into_iter().fold(Condition::any(), |any, needle| {
        any.add(column.contains(needle))
    })
}

pub fn join(values: &[String]) -> String {
    if values.is_empty() {
        String::new()
    } else {
        format!(",{},", values.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::enums::SchoolPhase;

    #[test]
    fn round_trips_sorted_and_deduplicated() {
        let keys = enum_keys(&[
            SchoolPhase::Secondary,
            SchoolPhase::Primary,
            SchoolPhase::Secondary,
        ]);
        assert_eq!(keys, ",PRIMARY,SECONDARY,");
        assert_eq!(
            enum_values::<SchoolPhase>(&keys),
            vec![SchoolPhase::Primary, SchoolPhase::Secondary]
        );
        assert_eq!(enum_keys::<SchoolPhase>(&[]), "");
        assert!(enum_values::<SchoolPhase>("").is_empty());
        assert!(keys.contains(&enum_key(SchoolPhase::Primary)));
    }
}
