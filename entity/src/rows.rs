//! The tables the API's loaders read (`Keyed`), and how their rows become models: by
//! column position for the tables that lists read by the hundred.
//!
//! sea-orm reads a model field by field, by column name, and sqlx then looks each name up
//! in a hash map and checks the column's type before decoding it. For a list of people that
//! was about half the cost of reading a row (BENCHMARKS.md). `ReadRows::read_all` finds each
//! column's position and checks its type once per statement, on the first row (a statement's
//! rows all have the same columns), and reads every row by position. Only PostgreSQL rows
//! are read so; SQLite's, and the tables that `by_name!` lists, are read by name as sea-orm
//! does.
//!
//! A model read by position lists its fields in `by_position!`. The fields are assigned
//! in a struct literal, so the list cannot miss a field; each is found by its column name,
//! so the order does not matter.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sqlx::postgres::{PgRow, PgTypeInfo, Postgres};
use sea_orm::sqlx::{self, Row, ValueRef};
use sea_orm::{DbErr, EntityTrait, FromQueryResult, QueryResult};

/// A table with an integer `id` primary key, whose rows the API's loaders read.
pub trait Keyed: EntityTrait<Model: ReadRows> {
    fn id_column() -> Self::Column;
    fn id_of(model: &Self::Model) -> i32;
}

/// How a model is read from the rows of a statement that selects all its columns.
pub trait ReadRows: FromQueryResult + Sized {
    fn read_all(rows: &[QueryResult]) -> Result<Vec<Self>, DbErr> {
        by_name(rows)
    }
}

fn by_name<M: FromQueryResult>(rows: &[QueryResult]) -> Result<Vec<M>, DbErr> {
    rows.iter()
        .map(|row| M::from_query_result(row, ""))
        .collect()
}

/// A value read from a column at a known position.
pub trait Field: Sized {
    /// Whether a column of type `column` holds this type: sqlx's check, which
    /// `ReadRows::read_all` makes on a statement's first row only.
    fn compatible(column: &PgTypeInfo) -> bool;
    fn read(row: &PgRow, at: usize) -> Result<Self, DbErr>;
}

/// Types that sqlx decodes itself.
macro_rules! decoded {
    ($($type:ty),+) => {$(
        impl Field for $type {
            fn compatible(column: &PgTypeInfo) -> bool {
                <$type as sqlx::Type<Postgres>>::compatible(column)
            }

            fn read(row: &PgRow, at: usize) -> Result<Self, DbErr> {
                row.try_get_unchecked(at).map_err(|error| DbErr::Type(error.to_string()))
            }
        }
    )+};
}

decoded!(
    i32,
    bool,
    String,
    DateTime<Utc>,
    NaiveDate,
    serde_json::Value
);

impl<T: Field> Field for Option<T> {
    fn compatible(column: &PgTypeInfo) -> bool {
        T::compatible(column)
    }

    fn read(row: &PgRow, at: usize) -> Result<Self, DbErr> {
        let value = row
            .try_get_raw(at)
            .map_err(|error| DbErr::Type(error.to_string()))?;
        if value.is_null() {
            Ok(None)
        } else {
            T::read(row, at).map(Some)
        }
    }
}

/// Enumerations stored as their names (`enums`).
pub fn read_string_enum<E>(row: &PgRow, at: usize) -> Result<E, DbErr>
where
    E: sea_orm::ActiveEnum<Value = String>,
{
    E::try_from_value(&String::read(row, at)?)
}

/// A model's column in a statement's rows.
pub struct Column {
    name: &'static str,
    at: usize,
}

/// The model's columns (`names`, in its fields' order) in a statement's rows.
pub fn columns(first: &PgRow, names: &[&'static str]) -> Result<Vec<Column>, DbErr> {
    names
        .iter()
        .map(|&name| {
            let column = first
                .try_column(name)
                .map_err(|error| DbErr::Type(format!("column {name}: {error}")))?;
            Ok(Column {
                name,
                at: sqlx::Column::ordinal(column),
            })
        })
        .collect()
}

/// Reads the fields of one row, in the order of its columns.
pub struct Reader<'r> {
    row: &'r PgRow,
    columns: std::slice::Iter<'r, Column>,
    check_types: bool,
}

impl<'r> Reader<'r> {
    /// `check_types` on a statement's first row: the columns' types are the same in all.
    pub fn new(
        row: &'r QueryResult,
        columns: &'r [Column],
        check_types: bool,
    ) -> Result<Self, DbErr> {
        let row = row
            .try_as_pg_row()
            .ok_or_else(|| DbErr::Type("a statement's rows come from one backend".into()))?;
        Ok(Self {
            row,
            columns: columns.iter(),
            check_types,
        })
    }

    pub fn field<T: Field>(&mut self) -> Result<T, DbErr> {
        let column = self
            .columns
            .next()
            .expect("one column for each field of the model");
        if self.check_types {
            let found = sqlx::Column::type_info(&self.row.columns()[column.at]);
            if !T::compatible(found) {
                return Err(DbErr::Type(format!(
                    "column {}: a {found} column does not hold {}",
                    column.name,
                    std::any::type_name::<T>()
                )));
            }
        }
        T::read(self.row, column.at)
            .map_err(|error| DbErr::Type(format!("column {}: {error}", column.name)))
    }
}

/// `Keyed` by the `id` column.
macro_rules! keyed {
    ($table:ident) => {
        impl Keyed for crate::$table::Entity {
            fn id_column() -> Self::Column {
                crate::$table::Column::Id
            }

            fn id_of(model: &crate::$table::Model) -> i32 {
                model.id
            }
        }
    };
}

/// An event's facilitators are read only as the children of their event, all of them,
/// ordered by person: the person is the row's key within its event.
impl Keyed for crate::event_facilitator::Entity {
    fn id_column() -> Self::Column {
        crate::event_facilitator::Column::PersonId
    }

    fn id_of(model: &crate::event_facilitator::Model) -> i32 {
        model.person_id
    }
}

impl ReadRows for crate::event_facilitator::Model {}

/// `Keyed`, with `ReadRows` by position for PostgreSQL (see the module documentation).
macro_rules! by_position {
    ($($table:ident { $($field:ident),+ $(,)? })+) => {$(
        keyed!($table);

        impl ReadRows for crate::$table::Model {
            fn read_all(rows: &[QueryResult]) -> Result<Vec<Self>, DbErr> {
                let Some(first) = rows.first().and_then(QueryResult::try_as_pg_row) else {
                    return by_name(rows);
                };
                let columns = columns(first, &[$(stringify!($field)),+])?;
                rows.iter()
                    .enumerate()
                    .map(|(n, row)| {
                        let mut fields = Reader::new(row, &columns, n == 0)?;
                        Ok(Self { $($field: fields.field()?),+ })
                    })
                    .collect()
            }
        }
    )+};
}

/// `Keyed`, with `ReadRows` by name as sea-orm reads a model.
macro_rules! by_name {
    ($($table:ident),+ $(,)?) => {$(
        keyed!($table);
        impl ReadRows for crate::$table::Model {}
    )+};
}

by_position! {
    alliance { id, name, kind, vision, description, version, created_at, updated_at }
    alliance_membership {
        id, alliance_id, school_id, role, status, invited_by_id, invited_at, joined_at,
        ended_at, updated_at, version
    }
    person {
        id, email, given_name, family_name, status, password_hash, is_platform_admin, version,
        created_at, updated_at
    }
    school {
        id, urn, name, phase, establishment_type, local_authority, postcode, status, version,
        created_at, updated_at, trust_name, closed_on, gias_last_changed_on
    }
    staff_role {
        id, person_id, school_id, role, job_title, subjects, phases, starts_on, ends_on, version
    }
}

by_name!(
    alliance_role,
    calendar_feed,
    coaching_action_step,
    coaching_availability,
    coaching_cycle,
    coaching_relationship,
    coaching_session,
    community,
    community_meeting,
    community_member,
    discussion_post,
    enquiry,
    enquiry_evidence,
    enquiry_stage_change,
    event,
    event_booking,
    event_session,
    expertise_entry,
    invitation,
    leadership_invitation,
    meeting_attendance,
    notification,
    observation,
    partnership,
    partnership_school,
    practice,
    practice_author,
    practice_endorsement,
    practice_event,
    practice_revision,
    record_share,
    reflection,
    release_limit,
    school_identity_provider,
    service_account,
    support_arrangement,
    support_arrangement_change,
    support_offer,
    support_offer_change,
    support_request,
    support_request_change,
    technique,
    theme,
    webhook_attempt,
    webhook_endpoint,
);
