//! Schools from England's Get Information About Schools (GIAS) establishment extract: the
//! CSV that GIAS publishes (about 130 columns, Windows-1252), read by column name.
//!
//! A school is found again by its URN, so a second import updates rather than duplicates.
//! A school GIAS says is closed is marked closed, never deleted; one that closed before it
//! was ever on the platform is not added. The file streams through in chunks: a reading
//! thread parses rows while the database takes the previous chunk, each chunk one
//! statement to find its schools, one to insert the new ones and one per changed school,
//! in a transaction of its own. Rows that match their school cost no write.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::enums::{SchoolPhase, SchoolStatus};
use entity::school;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, Set};
use tokio::sync::mpsc;

use super::input::{FileProblem, InputFile};
use super::report::ImportReport;
use super::table::{Encoding, Table};
use crate::db::begin_write;
use crate::graphql::versioned::InsertFirst;
use crate::validation;

/// Rows per chunk: read together, written in one transaction.
const CHUNK: usize = 1000;

/// What an import may do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Report what would change, and change nothing.
    pub dry_run: bool,
    /// Most rows the file may hold (the command line sets none; uploads do).
    pub max_rows: Option<u64>,
}

/// A school as a GIAS row describes it.
#[derive(Debug, Clone, PartialEq)]
struct GiasSchool {
    urn: String,
    name: String,
    phase: SchoolPhase,
    establishment_type: Option<String>,
    local_authority: Option<String>,
    postcode: Option<String>,
    status: SchoolStatus,
    trust_name: Option<String>,
    closed_on: Option<NaiveDate>,
    last_changed_on: Option<NaiveDate>,
}

/// What one row says.
enum Parsed {
    School(GiasSchool),
    /// Outside what Trellis keeps (see `ImportFileReport.skipped`).
    Skipped,
    Problem {
        line: u64,
        urn: String,
        reason: String,
    },
}

/// The columns read, by their names in the extract.
struct Columns {
    urn: usize,
    name: usize,
    kind: usize,
    phase: usize,
    local_authority: usize,
    status: usize,
    postcode: usize,
    trust: Option<usize>,
    close_date: Option<usize>,
    last_changed: Option<usize>,
    low_age: Option<usize>,
    high_age: Option<usize>,
}

impl Columns {
    fn of(table: &Table) -> Result<Self, FileProblem> {
        let [urn, name, kind, phase, local_authority, status, postcode] = table.require([
            "URN",
            "EstablishmentName",
            "TypeOfEstablishment (name)",
            "PhaseOfEducation (name)",
            "LA (name)",
            "EstablishmentStatus (name)",
            "Postcode",
        ])?;
        Ok(Self {
            urn,
            name,
            kind,
            phase,
            local_authority,
            status,
            postcode,
            trust: table.column("Trusts (name)"),
            close_date: table.column("CloseDate"),
            last_changed: table.column("LastChangedDate"),
            low_age: table.column("StatutoryLowAge"),
            high_age: table.column("StatutoryHighAge"),
        })
    }
}

/// Imports (or, in a dry run, measures) a GIAS extract. A file that cannot be read whole
/// (a missing column, an overlong line, the wrong encoding, too many rows) changes nothing.
pub async fn import(
    db: &DatabaseConnection,
    file: InputFile,
    options: Options,
) -> Result<ImportReport, FileProblem> {
    let name = file.name.clone();
    let (table, columns) = tokio::task::spawn_blocking(move || -> Result<_, FileProblem> {
        let records = file.check()?;
        let rows = records.saturating_sub(1);
        if let Some(max) = options.max_rows.filter(|max| rows > *max) {
            return Err(file.problem(
                None,
                format!("holds {rows} rows, more than the {max} an upload may; import it from the command line"),
            ));
        }
        let table = Table::open(&file, Encoding::Windows1252)?;
        let columns = Columns::of(&table)?;
        Ok((table, columns))
    })
    .await
    .map_err(|error| FileProblem::new(&name, None, format!("could not be read: {error}")))??;

    let (chunks, mut received) = mpsc::channel::<Result<Vec<(u64, Parsed)>, FileProblem>>(2);
    let reading = tokio::task::spawn_blocking(move || read_rows(table, columns, &chunks));
    let mut report = ImportReport::new(options.dry_run);
    report.file(&name);
    while let Some(chunk) = received.recv().await {
        let chunk = chunk?;
        apply_chunk(db, &name, chunk, options.dry_run, &mut report)
            .await
            .map_err(|error| {
                tracing::error!(%error, "GIAS import failed");
                FileProblem::new(&name, None, "the database failed; what was read before this is imported, import the file again")
            })?;
    }
    reading
        .await
        .map_err(|error| FileProblem::new(&name, None, format!("could not be read: {error}")))?;
    Ok(report)
}

/// Parses every row, sending them on in chunks; a URN seen before is a problem.
fn read_rows(
    mut table: Table,
    columns: Columns,
    chunks: &mpsc::Sender<Result<Vec<(u64, Parsed)>, FileProblem>>,
) {
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    loop {
        let row = match table.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(problem) => {
                let _ = chunks.blocking_send(Err(problem));
                return;
            }
        };
        let line = row.line;
        let parsed = match table.misshapen(&row) {
            Some(reason) => Parsed::Problem {
                line,
                urn: row.get(columns.urn).unwrap_or_default().to_owned(),
                reason,
            },
            None => parse(&row, &columns),
        };
        let parsed = match parsed {
            Parsed::School(school) => match first_seen.get(&school.urn) {
                Some(first) => Parsed::Problem {
                    line,
                    reason: format!("URN {} is already on line {first}", school.urn),
                    urn: school.urn,
                },
                None => {
                    first_seen.insert(school.urn.clone(), line);
                    Parsed::School(school)
                }
            },
            other => other,
        };
        chunk.push((line, parsed));
        if chunk.len() == CHUNK
            && chunks
                .blocking_send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                .is_err()
        {
            return;
        }
    }
    if !chunk.is_empty() {
        let _ = chunks.blocking_send(Ok(chunk));
    }
}

fn parse(row: &super::table::Row, columns: &Columns) -> Parsed {
    let text = |column: usize| row.get(column).unwrap_or_default();
    let optional = |column: Option<usize>| column.map(text).filter(|value| !value.is_empty());
    let urn = text(columns.urn).to_owned();
    let problem = |reason: String| Parsed::Problem {
        line: row.line,
        urn: urn.clone(),
        reason,
    };
    let status = match text(columns.status) {
        "Open" | "Open, but proposed to close" => SchoolStatus::Open,
        "Closed" => SchoolStatus::Closed,
        "Proposed to open" => return Parsed::Skipped,
        other => {
            return problem(format!(
                "`EstablishmentStatus (name)` `{other}` is not a GIAS status"
            ));
        }
    };
    let kind = text(columns.kind);
    let age = |column: Option<usize>| optional(column).and_then(|age| age.parse::<u8>().ok());
    let Some(phase) = phase(
        text(columns.phase),
        kind,
        age(columns.low_age),
        age(columns.high_age),
    ) else {
        return Parsed::Skipped;
    };
    let date = |column: Option<usize>, name: &str| -> Result<Option<NaiveDate>, String> {
        optional(column)
            .map(|value| {
                NaiveDate::parse_from_str(value, "%d-%m-%Y").map_err(|_| {
                    format!("`{name}` `{value}` is not a date as GIAS writes them (DD-MM-YYYY)")
                })
            })
            .transpose()
    };
    let checked = (|| -> Result<GiasSchool, String> {
        let message = |error: crate::errors::UserError| error.message;
        Ok(GiasSchool {
            urn: validation::urn("urn", Some(&urn))
                .map_err(message)?
                .ok_or("`URN` is empty")?,
            name: validation::required("name", text(columns.name), 200)
                .map_err(|error| format!("`EstablishmentName` {}", error.message))?,
            phase,
            establishment_type: validation::optional("type", Some(kind), 100)
                .map_err(|error| format!("`TypeOfEstablishment (name)` {}", error.message))?,
            local_authority: validation::optional("la", Some(text(columns.local_authority)), 100)
                .map_err(|error| format!("`LA (name)` {}", error.message))?,
            postcode: validation::postcode("postcode", Some(text(columns.postcode))).map_err(
                |error| format!("`Postcode` `{}` {}", text(columns.postcode), error.message),
            )?,
            status,
            trust_name: validation::optional("trust", optional(columns.trust), 200)
                .map_err(|error| format!("`Trusts (name)` {}", error.message))?,
            closed_on: date(columns.close_date, "CloseDate")?,
            last_changed_on: date(columns.last_changed, "LastChangedDate")?,
        })
    })();
    match checked {
        Ok(school) => Parsed::School(school),
        Err(reason) => problem(reason),
    }
}

/// The phase of education a GIAS row gives, or, where GIAS says "Not applicable" (special
/// schools, pupil referral units, many independent schools), the one its type of
/// establishment or its statutory ages imply. `None` for an establishment that is not a
/// school Trellis serves (a university, an offshore school): it is skipped.
fn phase(phase: &str, kind: &str, low: Option<u8>, high: Option<u8>) -> Option<SchoolPhase> {
    Some(match phase {
        "Nursery" => SchoolPhase::Nursery,
        "Primary" => SchoolPhase::Primary,
        "Middle deemed primary" | "Middle deemed secondary" => SchoolPhase::Middle,
        "Secondary" => SchoolPhase::Secondary,
        "All-through" => SchoolPhase::AllThrough,
        "16 plus" => SchoolPhase::SixteenPlus,
        _ => {
            let kind = kind.to_lowercase();
            if kind.contains("special") {
                SchoolPhase::Special
            } else if kind.contains("pupil referral") || kind.contains("alternative provision") {
                SchoolPhase::AlternativeProvision
            } else if kind.contains("sixth form") || kind.contains("further education") {
                SchoolPhase::SixteenPlus
            } else {
                match (low?, high?) {
                    (_, high) if high <= 5 => SchoolPhase::Nursery,
                    (low, _) if low >= 16 => SchoolPhase::SixteenPlus,
                    (_, high) if high <= 11 => SchoolPhase::Primary,
                    (low, _) if low >= 11 => SchoolPhase::Secondary,
                    (low, high) if low >= 8 && high <= 13 => SchoolPhase::Middle,
                    _ => SchoolPhase::AllThrough,
                }
            }
        }
    })
}

/// Whether `school`'s record already says what the row says.
fn same(current: &school::Model, row: &GiasSchool) -> bool {
    current.name == row.name
        && current.phase == row.phase
        && current.establishment_type == row.establishment_type
        && current.local_authority == row.local_authority
        && current.postcode == row.postcode
        && current.status == row.status
        && current.trust_name == row.trust_name
        && current.closed_on == row.closed_on
        && current.gias_last_changed_on == row.last_changed_on
}

/// The record's columns GIAS decides, as the row gives them.
fn fields(model: &mut school::ActiveModel, row: GiasSchool) {
    model.name = Set(row.name);
    model.phase = Set(row.phase);
    model.establishment_type = Set(row.establishment_type);
    model.local_authority = Set(row.local_authority);
    model.postcode = Set(row.postcode);
    model.status = Set(row.status);
    model.trust_name = Set(row.trust_name);
    model.closed_on = Set(row.closed_on);
    model.gias_last_changed_on = Set(row.last_changed_on);
}

async fn apply_chunk(
    db: &DatabaseConnection,
    file: &str,
    chunk: Vec<(u64, Parsed)>,
    dry_run: bool,
    report: &mut ImportReport,
) -> Result<(), sea_orm::DbErr> {
    let urns: Vec<String> = chunk
        .iter()
        .filter_map(|(_, parsed)| match parsed {
            Parsed::School(school) => Some(school.urn.clone()),
            _ => None,
        })
        .collect();
    let mut existing: HashMap<String, school::Model> = school::Entity::find()
        .filter(school::Column::Urn.is_in(urns))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|school| Some((school.urn.clone()?, school)))
        .collect();
    let now = Utc::now();
    let mut inserts = Vec::new();
    let mut updates = Vec::new();
    for (_, parsed) in chunk {
        let school = match parsed {
            Parsed::School(school) => school,
            Parsed::Skipped => {
                report.file(file).skipped += 1;
                continue;
            }
            Parsed::Problem { line, urn, reason } => {
                report.problem(file, line, Some(&urn), reason);
                continue;
            }
        };
        let counts = report.file(file);
        match existing.remove(&school.urn) {
            Some(current) => {
                // An extract older than the last one imported changes nothing.
                let older = matches!(
                    (current.gias_last_changed_on, school.last_changed_on),
                    (Some(known), Some(row)) if row < known
                );
                if older || same(&current, &school) {
                    counts.unchanged += 1;
                    continue;
                }
                if current.status == SchoolStatus::Open && school.status == SchoolStatus::Closed {
                    counts.ended += 1;
                } else {
                    counts.updated += 1;
                }
                let id = current.id;
                let mut model = current.into_active_model();
                fields(&mut model, school);
                model.updated_at = Set(now);
                updates.push((id, model));
            }
            None if school.status == SchoolStatus::Closed => counts.skipped += 1,
            None => {
                counts.created += 1;
                let mut model = school::ActiveModel {
                    urn: Set(Some(school.urn.clone())),
                    ..Default::default()
                }
                .first_version(now);
                fields(&mut model, school);
                inserts.push(model);
            }
        }
    }
    if dry_run || (inserts.is_empty() && updates.is_empty()) {
        return Ok(());
    }
    let txn = begin_write(db).await?;
    if !inserts.is_empty() {
        school::Entity::insert_many(inserts)
            .exec_without_returning(&txn)
            .await?;
    }
    for (id, model) in updates {
        school::Entity::update_many()
            .set(model)
            .col_expr(
                school::Column::Version,
                Expr::col(school::Column::Version).add(1),
            )
            .filter(school::Column::Id.eq(id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_come_from_the_phase_then_the_type_then_the_ages() {
        let phase_of = |phase: &str, kind: &str, low, high| super::phase(phase, kind, low, high);
        assert_eq!(
            phase_of(
                "Middle deemed secondary",
                "Community school",
                Some(9),
                Some(13)
            ),
            Some(SchoolPhase::Middle)
        );
        assert_eq!(
            phase_of(
                "Not applicable",
                "Academy special converter",
                Some(3),
                Some(19)
            ),
            Some(SchoolPhase::Special)
        );
        assert_eq!(
            phase_of("Not applicable", "Pupil referral unit", Some(11), Some(16)),
            Some(SchoolPhase::AlternativeProvision)
        );
        assert_eq!(
            phase_of(
                "Not applicable",
                "Other independent school",
                Some(3),
                Some(11)
            ),
            Some(SchoolPhase::Primary)
        );
        assert_eq!(
            phase_of(
                "Not applicable",
                "Other independent school",
                Some(3),
                Some(18)
            ),
            Some(SchoolPhase::AllThrough)
        );
        assert_eq!(
            phase_of(
                "Not applicable",
                "Higher education institutions",
                None,
                None
            ),
            None
        );
    }
}
