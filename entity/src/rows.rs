//! The tables the API's loaders read (`Keyed`), and how their rows become models: by
//! column position for the tables that lists read by the hundred.
//!
//! sea-orm reads a model field by field, by column name, and sqlx then looks each name up
//! in a hash map and checks the column's type before decoding it. For a list of people that
//! was about half the cost of reading a row (BENCHMARKS.md). `ReadRows::read_all` finds each
//! column's position once per statement, from the first row, and reads every row by
//! position without the check (decoding still checks the value). Only PostgreSQL rows are
//! read so; SQLite's, and the tables that `by_name!` lists, are read by name as sea-orm does.
//!
//! A model read by position lists its fields in `by_position!`. The fields are assigned
//! in a struct literal, so the list cannot miss a field; each is found by its column name,
//! so the order does not matter.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sqlx::postgres::PgRow;
use sea_orm::sqlx::{self, Row, ValueRef};
use sea_orm::{DbErr, EntityTrait, FromQueryResult, QueryResult};

/// A table with an integer `id` primary key, whose rows the API's loaders read.
pub trait Keyed: EntityTrait<Model: ReadRows> {
    fn id_column() -> Self::Column;
}

/// How a model is read from the rows of a statement that selects all its columns.
pub trait ReadRows: FromQueryResult + Sized {
    fn read_all(rows: Vec<QueryResult>) -> Result<Vec<Self>, DbErr> {
        by_name(&rows)
    }
}

fn by_name<M: FromQueryResult>(rows: &[QueryResult]) -> Result<Vec<M>, DbErr> {
    rows.iter()
        .map(|row| M::from_query_result(row, ""))
        .collect()
}

/// A value read from a column at a known position.
pub trait Field: Sized {
    fn read(row: &PgRow, at: usize) -> Result<Self, DbErr>;
}

fn decode_error(at: usize, error: sqlx::Error) -> DbErr {
    DbErr::Type(format!("column {at}: {error}"))
}

/// Types that sqlx decodes itself.
macro_rules! decoded {
    ($($type:ty),+) => {$(
        impl Field for $type {
            fn read(row: &PgRow, at: usize) -> Result<Self, DbErr> {
                row.try_get_unchecked(at).map_err(|error| decode_error(at, error))
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
    fn read(row: &PgRow, at: usize) -> Result<Self, DbErr> {
        let value = row
            .try_get_raw(at)
            .map_err(|error| decode_error(at, error))?;
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

/// The positions of a model's columns in a statement's rows, in the order of `names`.
pub fn positions(first: &PgRow, names: &[&str]) -> Result<Vec<usize>, DbErr> {
    names
        .iter()
        .map(|name| {
            first
                .try_column(*name)
                .map(sqlx::Column::ordinal)
                .map_err(|error| DbErr::Type(format!("column {name}: {error}")))
        })
        .collect()
}

/// Reads the fields of one row in the order their positions were found.
pub struct Reader<'r> {
    row: &'r PgRow,
    positions: std::slice::Iter<'r, usize>,
}

impl<'r> Reader<'r> {
    pub fn new(row: &'r QueryResult, positions: &'r [usize]) -> Result<Self, DbErr> {
        let row = row
            .try_as_pg_row()
            .ok_or_else(|| DbErr::Type("a statement's rows come from one backend".into()))?;
        Ok(Self {
            row,
            positions: positions.iter(),
        })
    }

    pub fn field<T: Field>(&mut self) -> Result<T, DbErr> {
        let at = *self
            .positions
            .next()
            .expect("one position for each field of the model");
        T::read(self.row, at)
    }
}

/// `Keyed` by the `id` column.
macro_rules! keyed {
    ($table:ident) => {
        impl Keyed for crate::$table::Entity {
            fn id_column() -> Self::Column {
                crate::$table::Column::Id
            }
        }
    };
}

/// `Keyed`, with `ReadRows` by position for PostgreSQL (see the module documentation).
macro_rules! by_position {
    ($($table:ident { $($field:ident),+ $(,)? })+) => {$(
        keyed!($table);

        impl ReadRows for crate::$table::Model {
            fn read_all(rows: Vec<QueryResult>) -> Result<Vec<Self>, DbErr> {
                let Some(first) = rows.first().and_then(QueryResult::try_as_pg_row) else {
                    return by_name(&rows);
                };
                let positions = positions(first, &[$(stringify!($field)),+])?;
                rows.iter()
                    .map(|row| {
                        let mut fields = Reader::new(row, &positions)?;
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
        ended_at, updated_at
    }
    person {
        id, email, given_name, family_name, status, password_hash, is_platform_admin, version,
        created_at, updated_at
    }
    school {
        id, urn, name, phase, establishment_type, local_authority, postcode, status, version,
        created_at, updated_at
    }
    staff_role { id, person_id, school_id, role, job_title, subjects, phases, starts_on, ends_on }
}

by_name!(
    alliance_role,
    community,
    community_meeting,
    community_member,
    discussion_post,
    enquiry,
    enquiry_evidence,
    enquiry_stage_change,
    meeting_attendance,
    partnership,
    partnership_school,
    practice,
    practice_author,
    practice_endorsement,
    practice_event,
    practice_revision,
    support_arrangement,
    support_arrangement_change,
    support_offer,
    support_offer_change,
    support_request,
    support_request_change,
    theme,
);
