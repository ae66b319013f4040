//! Staff from a OneRoster 1.2 CSV export (an MIS's): `orgs.csv` names the schools (by URN
//! in `identifier`), `users.csv` the people, `roles.csv` who works where as what.
//!
//! Everything is keyed by the export's `sourcedId`s, kept as external links per source
//! system, so that the next export updates what this one created. The manifest says
//! whether each file is `bulk` (the whole truth: a role this source gave before and no
//! longer lists ends) or `delta` (changes only; `tobedeleted` ends). A person already
//! known by email is linked, not duplicated; ending roles never deletes a person or what
//! they made. Staff roles start and end through `people::employment`, as every other
//! start and end does. An export is read whole (a school's or a trust's: thousands of
//! rows) and applied in one transaction; a dry run applies it and rolls back, so its counts
//! are exactly what the import would do.

pub mod files;
mod links;
mod rows;

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use entity::enums::{PersonStatus, StaffRoleKind};
use entity::external_link::Kind;
use entity::{person, school, staff_role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect, Set,
};

use self::files::{Export, Manifest, Mode};
use self::links::Links;
use self::rows::{Common, RoleRow, Rows, Status};
use super::input::FileProblem;
use super::report::ImportReport;
use crate::audit::AuditEntry;
use crate::db::begin_write;
use crate::graphql::ids::NodeKind;
use crate::people::employment::{self, NewStaffRole};
use crate::validation;

pub use rows::staff_role;

/// What an import may do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Report what would change, and change nothing.
    pub dry_run: bool,
    /// Most rows one file may hold (the command line sets none; uploads do).
    pub max_rows: Option<u64>,
    /// The source system's name, when the manifest's (`source.systemCode`) is not wanted.
    pub source: Option<String>,
    /// The schools the importer may import staff into; `None` for any. Rows for other
    /// schools are reported and skipped.
    pub schools: Option<BTreeSet<i32>>,
    /// Who imports, for the audit log: the person (a service account's owner), `None`
    /// from the command line.
    pub actor: Option<i32>,
    /// The service account importing, if one is.
    pub service_account: Option<i32>,
}

/// Imports (or, in a dry run, measures) a OneRoster export. A file that cannot be read
/// whole changes nothing; rows that cannot be imported are reported, and the rest import.
pub async fn import(
    db: &DatabaseConnection,
    export: Export,
    options: Options,
) -> Result<ImportReport, FileProblem> {
    let max_rows = options.max_rows;
    let blocking = |error: tokio::task::JoinError| {
        FileProblem::new("export", None, format!("could not be read: {error}"))
    };
    let (export, manifest) = tokio::task::spawn_blocking(move || {
        let manifest = Manifest::read(&export.manifest)?;
        for name in files::READ {
            let mode = manifest.mode(name);
            if mode == Mode::Absent {
                continue;
            }
            let file = export.file(name).ok_or_else(|| {
                FileProblem::new(name, None, format!("is missing: the manifest gives it as {mode:?}").to_lowercase())
            })?;
            let rows = file.check()?.saturating_sub(1);
            if let Some(max) = max_rows.filter(|max| rows > *max) {
                return Err(file.problem(
                    None,
                    format!("holds {rows} rows, more than the {max} an upload may; import it from the command line"),
                ));
            }
        }
        Ok((export, manifest))
    })
    .await
    .map_err(blocking)??;
    let source = options
        .source
        .clone()
        .or_else(|| manifest.source.clone())
        .unwrap_or_else(|| "oneroster".into());
    let failed = |error: DbErr| {
        tracing::error!(%error, "OneRoster import failed");
        FileProblem::new("export", None, "the database failed; nothing was imported")
    };
    let txn = begin_write(db).await.map_err(failed)?;
    let links = Links::load(&txn, &source).await.map_err(failed)?;
    let known_users = links.external_ids(Kind::User);
    let (rows, manifest) = tokio::task::spawn_blocking(move || -> Result<_, FileProblem> {
        let mut rows = Rows::default();
        let given = |name| {
            (manifest.mode(name) != Mode::Absent)
                .then(|| export.file(name))
                .flatten()
        };
        if let Some(file) = given("orgs.csv") {
            rows.read_orgs(file)?;
        }
        if let Some(file) = given("roles.csv") {
            rows.read_roles(file)?;
        }
        if let Some(file) = given("users.csv") {
            let mut keep = known_users;
            keep.extend(
                rows.roles
                    .iter()
                    .filter(|role| role.role.is_some())
                    .map(|role| role.user.clone()),
            );
            rows.read_users(file, &keep)?;
        }
        Ok((rows, manifest))
    })
    .await
    .map_err(blocking)??;
    let mut run = Run {
        txn: &txn,
        source: &source,
        options: &options,
        links,
        report: ImportReport::new(options.dry_run),
        today: Utc::now().date_naive(),
    };
    for name in files::READ {
        if manifest.mode(name) != Mode::Absent {
            run.report.file(name);
        }
    }
    for problem in &rows.problems {
        run.report.problem(
            problem.file,
            problem.line,
            Some(&problem.key),
            problem.reason.clone(),
        );
    }
    run.orgs(&rows).await.map_err(failed)?;
    let ended_users = run.users(&rows).await.map_err(failed)?;
    run.roles(
        &rows,
        &ended_users,
        manifest.mode("roles.csv") == Mode::Bulk,
    )
    .await
    .map_err(failed)?;
    let mut report = run.report;
    report.sort_problems();
    if options.dry_run {
        txn.rollback().await.map_err(failed)?;
    } else {
        txn.commit().await.map_err(failed)?;
    }
    Ok(report)
}

/// One import under way, in its transaction.
struct Run<'a> {
    txn: &'a DatabaseTransaction,
    source: &'a str,
    options: &'a Options,
    links: Links,
    report: ImportReport,
    today: NaiveDate,
}

impl Run<'_> {
    /// Reports a problem with a row of `file`, which the import then passes over.
    fn row_problem(&mut self, file: &str, row: &Common, reason: impl Into<String>) {
        self.report.problem(file, row.line, Some(&row.id), reason);
    }

    fn in_scope(&self, school: i32) -> bool {
        self.options
            .schools
            .as_ref()
            .is_none_or(|schools| schools.contains(&school))
    }

    /// Links each school org to its school, by an earlier link or by the URN in
    /// `identifier`.
    async fn orgs(&mut self, rows: &Rows) -> Result<(), DbErr> {
        const FILE: &str = "orgs.csv";
        let urns: Vec<&str> = rows
            .orgs
            .iter()
            .map(|org| org.identifier.as_str())
            .collect();
        let by_urn: HashMap<String, i32> = school::Entity::find()
            .filter(school::Column::Urn.is_in(urns))
            .all(self.txn)
            .await?
            .into_iter()
            .filter_map(|school| Some((school.urn?, school.id)))
            .collect();
        for org in &rows.orgs {
            let common = &org.common;
            if org.kind != "school" {
                self.report.file(FILE).skipped += 1;
                continue;
            }
            let linked = self.links.local_id(Kind::Org, &common.id);
            let school = linked.or_else(|| by_urn.get(&org.identifier).copied());
            let Some(school) = school else {
                let reason = match validation::urn("identifier", Some(&org.identifier)) {
                    Ok(Some(urn)) => format!(
                        "no school on the platform has the URN {urn}: import it from GIAS first"
                    ),
                    _ => {
                        "`identifier` holds no URN, and the org was never linked to a school".into()
                    }
                };
                self.row_problem(FILE, common, reason);
                continue;
            };
            if !self.in_scope(school) {
                self.row_problem(
                    FILE,
                    common,
                    "this school is not one this import may change",
                );
                continue;
            }
            match linked {
                Some(_) => self.report.file(FILE).unchanged += 1,
                None => {
                    self.links
                        .save(
                            self.txn,
                            self.source,
                            Kind::Org,
                            &common.id,
                            school,
                            common.last_modified,
                        )
                        .await?;
                    self.report.file(FILE).linked += 1;
                }
            }
        }
        Ok(())
    }

    /// Creates, links or updates the people of `users.csv`. Returns those to be deleted,
    /// whose roles from this source end.
    async fn users(&mut self, rows: &Rows) -> Result<HashSet<String>, DbErr> {
        const FILE: &str = "users.csv";
        self.report.file(FILE).skipped += rows.users_skipped;
        let mut ended = HashSet::new();
        let known: Vec<i32> = rows
            .users
            .iter()
            .filter_map(|user| self.links.get(Kind::User, &user.common.id))
            .map(|link| link.local_id)
            .collect();
        let mut people: HashMap<i32, person::Model> = HashMap::new();
        for ids in known.chunks(500) {
            for person in person::Entity::find()
                .filter(person::Column::Id.is_in(ids.to_vec()))
                .all(self.txn)
                .await?
            {
                people.insert(person.id, person);
            }
        }
        let allowed = self.users_in_scope(rows, &people).await?;
        for user in &rows.users {
            let common = &user.common;
            if allowed
                .as_ref()
                .is_some_and(|allowed| !allowed.contains(&common.id))
            {
                // Staff of other schools: not this importer's to create or change.
                self.report.file(FILE).skipped += 1;
                continue;
            }
            if common.status == Status::ToBeDeleted {
                // Their roles from this source end (in `roles`); they and their records stay.
                if self.links.get(Kind::User, &common.id).is_some() {
                    ended.insert(common.id.clone());
                    self.report.file(FILE).ended += 1;
                } else {
                    self.report.file(FILE).skipped += 1;
                }
                continue;
            }
            let checked = (|| -> Result<(String, String, String), String> {
                let given = validation::required("givenName", &user.given_name, 100)
                    .map_err(|error| format!("`givenName` {}", error.message))?;
                let family = validation::required("familyName", &user.family_name, 100)
                    .map_err(|error| format!("`familyName` {}", error.message))?;
                let email = validation::email("email", &user.email).map_err(|error| {
                    format!("`email` {}: staff need one to sign in", error.message)
                })?;
                Ok((given, family, email))
            })();
            let (given, family, email) = match checked {
                Ok(checked) => checked,
                Err(reason) => {
                    self.row_problem(FILE, common, reason);
                    continue;
                }
            };
            let link = self.links.get(Kind::User, &common.id).cloned();
            let current = link.as_ref().and_then(|link| people.get(&link.local_id));
            if let (Some(link), Some(current)) = (&link, current) {
                let stale = matches!(
                    (link.last_modified, common.last_modified),
                    (Some(known), Some(row)) if row <= known
                );
                let same = current.given_name == given
                    && current.family_name == family
                    && current.email == email;
                if stale || same {
                    self.report.file(FILE).unchanged += 1;
                    continue;
                }
                let taken = person::Entity::find()
                    .filter(person::Column::Email.eq(email.as_str()))
                    .filter(person::Column::Id.ne(current.id))
                    .one(self.txn)
                    .await?
                    .is_some();
                if taken {
                    self.row_problem(
                        FILE,
                        common,
                        format!("`email` {email} belongs to another person"),
                    );
                    continue;
                }
                let mut change = current.clone().into_active_model();
                change.given_name = Set(given);
                change.family_name = Set(family);
                change.email = Set(email);
                change.version = Set(current.version + 1);
                change.updated_at = Set(Utc::now());
                change.update(self.txn).await?;
                self.links
                    .save(
                        self.txn,
                        self.source,
                        Kind::User,
                        &common.id,
                        current.id,
                        common.last_modified,
                    )
                    .await?;
                self.report.file(FILE).updated += 1;
                continue;
            }
            let existing = person::Entity::find()
                .filter(person::Column::Email.eq(email.as_str()))
                .one(self.txn)
                .await?;
            let person = match existing {
                Some(person) => {
                    self.report.file(FILE).linked += 1;
                    person.id
                }
                None => {
                    let now = Utc::now();
                    let person = person::ActiveModel {
                        email: Set(email),
                        given_name: Set(given),
                        family_name: Set(family),
                        status: Set(PersonStatus::Active),
                        password_hash: Set(None),
                        is_platform_admin: Set(false),
                        version: Set(1),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    }
                    .insert(self.txn)
                    .await?;
                    self.report.file(FILE).created += 1;
                    person.id
                }
            };
            self.links
                .save(
                    self.txn,
                    self.source,
                    Kind::User,
                    &common.id,
                    person,
                    common.last_modified,
                )
                .await?;
        }
        Ok(ended)
    }

    /// For an import limited to some schools, the users it may create or change: those
    /// `roles.csv` makes staff of those schools, and those already linked who work at one
    /// of them now. `None` when it may change anyone.
    async fn users_in_scope(
        &self,
        rows: &Rows,
        linked: &HashMap<i32, person::Model>,
    ) -> Result<Option<HashSet<String>>, DbErr> {
        let Some(schools) = &self.options.schools else {
            return Ok(None);
        };
        let mut allowed: HashSet<String> = rows
            .roles
            .iter()
            .filter(|role| role.role.is_some())
            .filter(|role| {
                self.links
                    .get(Kind::Org, &role.org)
                    .is_some_and(|org| schools.contains(&org.local_id))
            })
            .map(|role| role.user.clone())
            .collect();
        let ids: Vec<i32> = linked.keys().copied().collect();
        let mut working_here = HashSet::new();
        for ids in ids.chunks(500) {
            let people: Vec<i32> = staff_role::Entity::find()
                .select_only()
                .column(staff_role::Column::PersonId)
                .filter(staff_role::Column::PersonId.is_in(ids.to_vec()))
                .filter(staff_role::Column::SchoolId.is_in(schools.iter().copied()))
                .filter(staff_role::Column::EndsOn.is_null())
                .into_tuple()
                .all(self.txn)
                .await?;
            working_here.extend(people);
        }
        allowed.extend(
            self.links
                .all(Kind::User)
                .filter(|link| working_here.contains(&link.local_id))
                .map(|link| link.external_id.clone()),
        );
        Ok(Some(allowed))
    }

    /// Starts, ends and replaces staff roles as `roles.csv` says; in a bulk file, also
    /// ends the roles this source gave before that the file no longer lists.
    async fn roles(
        &mut self,
        rows: &Rows,
        ended_users: &HashSet<String>,
        bulk: bool,
    ) -> Result<(), DbErr> {
        const FILE: &str = "roles.csv";
        let mut current = self.linked_roles().await?;
        let mut listed = HashSet::new();
        for row in &rows.roles {
            listed.insert(row.common.id.clone());
            let Some(kind) = row.role else {
                self.report.file(FILE).skipped += 1;
                continue;
            };
            let linked = self
                .links
                .get(Kind::Role, &row.common.id)
                .and_then(|link| current.remove(&link.local_id));
            let ends = row.common.status == Status::ToBeDeleted
                || ended_users.contains(&row.user)
                || row.ends_on.is_some_and(|ends| ends <= self.today);
            if ends {
                match linked {
                    Some(role) if role.ends_on.is_none() => {
                        let ends_on = row
                            .ends_on
                            .filter(|ends| *ends <= self.today)
                            .unwrap_or(self.today);
                        self.end(role, ends_on).await?;
                        self.report.file(FILE).ended += 1;
                    }
                    _ => self.report.file(FILE).unchanged += 1,
                }
                continue;
            }
            let Some(person) = self.links.local_id(Kind::User, &row.user) else {
                let reason = format!("user {} was not imported (see users.csv)", row.user);
                self.row_problem(FILE, &row.common, reason);
                continue;
            };
            let Some(school) = self.links.local_id(Kind::Org, &row.org) else {
                let reason = format!("org {} is not linked to a school (see orgs.csv)", row.org);
                self.row_problem(FILE, &row.common, reason);
                continue;
            };
            if !self.in_scope(school) {
                self.row_problem(
                    FILE,
                    &row.common,
                    "this school is not one this import may change",
                );
                continue;
            }
            match linked {
                Some(role)
                    if role.person_id == person
                        && role.school_id == school
                        && role.role == kind
                        && role.ends_on.is_none() =>
                {
                    self.report.file(FILE).unchanged += 1;
                }
                Some(role) => {
                    // A role changes kind, school or person by ending and starting: the kind
                    // decides what a person may do, and history keeps both.
                    if role.ends_on.is_none() {
                        self.end(role, self.today).await?;
                    }
                    let started = self.start(row, person, school, kind).await?;
                    self.link_role(row, started).await?;
                    self.report.file(FILE).updated += 1;
                }
                None => {
                    let holding = staff_role::Entity::find()
                        .filter(staff_role::Column::PersonId.eq(person))
                        .filter(staff_role::Column::SchoolId.eq(school))
                        .filter(staff_role::Column::Role.eq(kind))
                        .filter(staff_role::Column::EndsOn.is_null())
                        .one(self.txn)
                        .await?;
                    let role = match holding {
                        Some(role) => {
                            self.report.file(FILE).linked += 1;
                            role.id
                        }
                        None => {
                            self.report.file(FILE).created += 1;
                            self.start(row, person, school, kind).await?
                        }
                    };
                    self.link_role(row, role).await?;
                }
            }
        }
        // Roles this file does not list end when it is the whole truth, and so do those of
        // people to be deleted, whatever the file lists.
        let leaving: HashSet<i32> = ended_users
            .iter()
            .filter_map(|user| self.links.get(Kind::User, user))
            .map(|link| link.local_id)
            .collect();
        let gone: Vec<staff_role::Model> = self
            .links
            .all(Kind::Role)
            .filter(|link| !listed.contains(&link.external_id))
            .filter_map(|link| current.get(&link.local_id))
            .filter(|role| bulk || leaving.contains(&role.person_id))
            .filter(|role| role.ends_on.is_none() && self.in_scope(role.school_id))
            .cloned()
            .collect();
        for role in gone {
            self.end(role, self.today).await?;
            self.report.file(FILE).ended += 1;
        }
        Ok(())
    }

    /// The staff roles this source linked, by id.
    async fn linked_roles(&self) -> Result<HashMap<i32, staff_role::Model>, DbErr> {
        let ids: Vec<i32> = self
            .links
            .all(Kind::Role)
            .map(|link| link.local_id)
            .collect();
        let mut roles = HashMap::new();
        for ids in ids.chunks(500) {
            for role in staff_role::Entity::find()
                .filter(staff_role::Column::Id.is_in(ids.to_vec()))
                .all(self.txn)
                .await?
            {
                roles.insert(role.id, role);
            }
        }
        Ok(roles)
    }

    async fn link_role(&mut self, row: &RoleRow, role: i32) -> Result<(), DbErr> {
        self.links
            .save(
                self.txn,
                self.source,
                Kind::Role,
                &row.common.id,
                role,
                row.common.last_modified,
            )
            .await
    }

    async fn start(
        &self,
        row: &RoleRow,
        person_id: i32,
        school_id: i32,
        role: StaffRoleKind,
    ) -> Result<i32, DbErr> {
        let started = employment::start_staff_role(
            self.txn,
            NewStaffRole {
                person_id,
                school_id,
                role,
                job_title: None,
                subjects: Vec::new(),
                phases: Vec::new(),
                starts_on: row.begins_on.unwrap_or(self.today),
            },
        )
        .await?;
        self.audit("staff_role.started", &started).await?;
        Ok(started.id)
    }

    async fn end(&self, role: staff_role::Model, ends_on: NaiveDate) -> Result<(), DbErr> {
        let ends_on = ends_on.max(role.starts_on);
        let ended = employment::end_staff_role(self.txn, role, ends_on).await?;
        self.audit("staff_role.ended", &ended).await
    }

    async fn audit(&self, action: &str, role: &staff_role::Model) -> Result<(), DbErr> {
        AuditEntry::by_any(self.options.actor, action, NodeKind::StaffRole.id(role.id))
            .through(self.options.service_account)
            .school(Some(role.school_id))
            .details(serde_json::json!({
                "person": NodeKind::Person.id(role.person_id).to_string(),
                "role": role.role,
                "importedFrom": self.source,
            }))
            .record(self.txn)
            .await
    }
}
