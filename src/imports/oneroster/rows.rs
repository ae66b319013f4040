//! The rows of `orgs.csv`, `users.csv` and `roles.csv` as OneRoster 1.2 defines them,
//! parsed and checked, each kept with its line. Users who are neither staff here nor
//! known from an earlier import (pupils, parents) are dropped as they are read: Trellis
//! keeps no data of pupils.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::StaffRoleKind;

use crate::imports::input::{FileProblem, InputFile};
use crate::imports::table::{Encoding, Row, Table};

/// `status`: empty in a bulk file means active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    ToBeDeleted,
}

/// The columns every OneRoster file starts with.
pub struct Common {
    pub line: u64,
    pub id: String,
    pub status: Status,
    pub last_modified: Option<DateTime<Utc>>,
}

pub struct OrgRow {
    pub common: Common,
    pub kind: String,
    pub identifier: String,
}

pub struct UserRow {
    pub common: Common,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
}

pub struct RoleRow {
    pub common: Common,
    pub user: String,
    pub org: String,
    /// `None` for a role that is not staff (student, parent...): skipped.
    pub role: Option<StaffRoleKind>,
    pub begins_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

/// A row that could not be read: reported, and the others still import.
pub struct Problem {
    pub file: &'static str,
    pub line: u64,
    pub key: String,
    pub reason: String,
}

/// Every row read, and the problems of those that could not be.
#[derive(Default)]
pub struct Rows {
    pub orgs: Vec<OrgRow>,
    pub users: Vec<UserRow>,
    pub roles: Vec<RoleRow>,
    /// Rows of `users.csv` left out: not staff, not known.
    pub users_skipped: i32,
    pub problems: Vec<Problem>,
}

/// OneRoster's roles as staff roles: those it lacks (coach, CPD lead, middle leader) stay
/// Trellis's own and no import touches them. `Ok(None)`: a role that is not a school's
/// staff (pupils, parents, district and system administrators).
pub fn staff_role(role: &str) -> Result<Option<StaffRoleKind>, String> {
    Ok(Some(match role {
        "teacher" => StaffRoleKind::Teacher,
        "aide" => StaffRoleKind::TeachingAssistant,
        "administrator" | "siteAdministrator" => StaffRoleKind::SeniorLeader,
        "principal" => StaffRoleKind::Headteacher,
        "counselor" | "proctor" => StaffRoleKind::SupportStaff,
        "student"
        | "parent"
        | "guardian"
        | "relative"
        | "districtAdministrator"
        | "systemAdministrator" => return Ok(None),
        other => return Err(format!("`role` `{other}` is not a OneRoster 1.2 role")),
    }))
}

/// Reads one file's rows with `parse`, noting problems and repeated `sourcedId`s.
fn read<T>(
    file: &InputFile,
    name: &'static str,
    columns: &[&'static str],
    problems: &mut Vec<Problem>,
    mut parse: impl FnMut(&Row, &[usize], Common) -> Result<Option<T>, String>,
) -> Result<Vec<T>, FileProblem> {
    let mut table = Table::open(file, Encoding::Utf8)?;
    let [id, status, modified] = table.require(["sourcedId", "status", "dateLastModified"])?;
    let mut at = Vec::with_capacity(columns.len());
    for column in columns {
        at.push(table.require([*column])?[0]);
    }
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rows = Vec::new();
    while let Some(row) = table.next_row()? {
        let key = row.get(id).unwrap_or_default().to_owned();
        let mut problem = |reason: String| {
            problems.push(Problem {
                file: name,
                line: row.line,
                key: key.clone(),
                reason,
            })
        };
        if let Some(reason) = table.misshapen(&row) {
            problem(reason);
            continue;
        }
        let common = (|| -> Result<Common, String> {
            if key.is_empty() {
                return Err("`sourcedId` is empty".into());
            }
            if key.chars().count() > 255 {
                return Err("`sourcedId` is longer than 255 characters".into());
            }
            let status = match row.get(status)? {
                "" | "active" => Status::Active,
                "tobedeleted" => Status::ToBeDeleted,
                other => return Err(format!("`status` `{other}` is not active or tobedeleted")),
            };
            let last_modified = match row.get(modified)? {
                "" => None,
                text => Some(
                    DateTime::parse_from_rfc3339(text)
                        .map_err(|_| {
                            format!("`dateLastModified` `{text}` is not an ISO 8601 date and time")
                        })?
                        .with_timezone(&Utc),
                ),
            };
            Ok(Common {
                line: row.line,
                id: key.clone(),
                status,
                last_modified,
            })
        })();
        let common = match common {
            Ok(common) => common,
            Err(reason) => {
                problem(reason);
                continue;
            }
        };
        if let Some(first) = seen.get(&key) {
            problem(format!("`sourcedId` {key} is already on line {first}"));
            continue;
        }
        seen.insert(key.clone(), row.line);
        match parse(&row, &at, common) {
            Ok(Some(parsed)) => rows.push(parsed),
            Ok(None) => {}
            Err(reason) => problem(reason),
        }
    }
    Ok(rows)
}

fn date(text: &str, column: &str) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("`{column}` `{text}` is not a date (YYYY-MM-DD)"))
}

impl Rows {
    pub fn read_orgs(&mut self, file: &InputFile) -> Result<(), FileProblem> {
        self.orgs = read(
            file,
            "orgs.csv",
            &["type", "identifier"],
            &mut self.problems,
            |row, at, common| {
                Ok(Some(OrgRow {
                    common,
                    kind: row.get(at[0])?.to_owned(),
                    identifier: row.get(at[1])?.to_owned(),
                }))
            },
        )?;
        Ok(())
    }

    pub fn read_roles(&mut self, file: &InputFile) -> Result<(), FileProblem> {
        self.roles = read(
            file,
            "roles.csv",
            &[
                "userSourcedId",
                "role",
                "beginDate",
                "endDate",
                "orgSourcedId",
            ],
            &mut self.problems,
            |row, at, common| {
                Ok(Some(RoleRow {
                    common,
                    user: row.get(at[0])?.to_owned(),
                    role: staff_role(row.get(at[1])?)?,
                    begins_on: date(row.get(at[2])?, "beginDate")?,
                    ends_on: date(row.get(at[3])?, "endDate")?,
                    org: row.get(at[4])?.to_owned(),
                }))
            },
        )?;
        Ok(())
    }

    /// Reads `users.csv`, keeping the users `keep` names: staff by `roles.csv`, or known
    /// from an earlier import. The others are counted, not kept.
    pub fn read_users(
        &mut self,
        file: &InputFile,
        keep: &HashSet<String>,
    ) -> Result<(), FileProblem> {
        let mut skipped = 0;
        self.users = read(
            file,
            "users.csv",
            &[
                "givenName",
                "familyName",
                "email",
                "preferredGivenName",
                "preferredFamilyName",
            ],
            &mut self.problems,
            |row, at, common| {
                if !keep.contains(&common.id) {
                    skipped += 1;
                    return Ok(None);
                }
                let preferred = |preferred: usize, given: usize| -> Result<String, String> {
                    let preferred = row.get(preferred)?;
                    Ok(if preferred.is_empty() {
                        row.get(given)?
                    } else {
                        preferred
                    }
                    .to_owned())
                };
                Ok(Some(UserRow {
                    common,
                    given_name: preferred(at[3], at[0])?,
                    family_name: preferred(at[4], at[1])?,
                    email: row.get(at[2])?.to_owned(),
                }))
            },
        )?;
        self.users_skipped = skipped;
        Ok(())
    }
}
