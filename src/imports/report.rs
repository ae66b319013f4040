//! What an import did, or would do in a dry run: counts per file, and the rows it could
//! not import with their line and reason.

use std::fmt;

use async_graphql::SimpleObject;

/// Most problems a report lists; the rest are only counted.
pub const MAX_LISTED_PROBLEMS: usize = 200;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, SimpleObject)]
pub struct ImportReport {
    /// Whether this was a dry run: nothing was changed, and the counts say what would be.
    pub dry_run: bool,
    /// The counts of each file read, in the order read.
    pub files: Vec<ImportFileReport>,
    /// Rows that were not imported, with their line and the reason (the first 200; see
    /// `problemCount`). The other rows were imported.
    pub problems: Vec<ImportProblem>,
    /// How many rows were not imported because of a problem.
    pub problem_count: i32,
}

/// What an import did with the rows of one file.
#[derive(Debug, Default, Clone, SimpleObject)]
pub struct ImportFileReport {
    /// The file's name, such as `users.csv`.
    pub file: String,
    /// Rows that created a record: a school, a person, a staff role.
    pub created: i32,
    /// Rows that changed a record they had created or been linked to before.
    pub updated: i32,
    /// Rows linked to a record that already existed, without changing it: a person known
    /// by their email, a school by its URN.
    pub linked: i32,
    /// Records ended: schools marked closed (GIAS), staff roles ended (OneRoster).
    pub ended: i32,
    /// Rows that matched their record already: nothing to change.
    pub unchanged: i32,
    /// Rows left alone because they are outside what Trellis keeps: pupils and parents,
    /// establishments that are not schools, schools that closed before they were on the
    /// platform, a school's future opening.
    pub skipped: i32,
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, SimpleObject)]
pub struct ImportProblem {
    /// The file it is in.
    pub file: String,
    /// The line the row starts on (the header is line 1).
    pub line: i32,
    /// The row's key, when it has one: a URN, a OneRoster `sourcedId`.
    pub key: Option<String>,
    /// What is wrong, in plain English.
    pub reason: String,
}

impl ImportReport {
    pub fn new(dry_run: bool) -> Self {
        Self {
            dry_run,
            ..Self::default()
        }
    }

    /// The counts of `file`, added when first asked for.
    pub fn file(&mut self, file: &str) -> &mut ImportFileReport {
        let at = match self.files.iter().position(|f| f.file == file) {
            Some(at) => at,
            None => {
                self.files.push(ImportFileReport {
                    file: file.to_owned(),
                    ..Default::default()
                });
                self.files.len() - 1
            }
        };
        &mut self.files[at]
    }

    /// Lists the problems by file, in the order the files were read, then by line.
    pub fn sort_problems(&mut self) {
        let files: Vec<String> = self.files.iter().map(|f| f.file.clone()).collect();
        self.problems.sort_by_key(|problem| {
            let file = files.iter().position(|f| *f == problem.file);
            (file, problem.line)
        });
    }

    /// Notes a row that was not imported.
    pub fn problem(&mut self, file: &str, line: u64, key: Option<&str>, reason: impl Into<String>) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(ImportProblem {
                file: file.to_owned(),
                line: i32::try_from(line).unwrap_or(i32::MAX),
                key: key.filter(|key| !key.is_empty()).map(str::to_owned),
                reason: reason.into(),
            });
        }
    }
}

/// The report as the command line prints it.
impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dry_run {
            writeln!(f, "dry run: nothing was changed; this is what would change")?;
        }
        for file in &self.files {
            writeln!(
                f,
                "{}: {} created, {} updated, {} linked, {} ended, {} unchanged, {} skipped",
                file.file,
                file.created,
                file.updated,
                file.linked,
                file.ended,
                file.unchanged,
                file.skipped
            )?;
        }
        writeln!(f, "{} rows not imported", self.problem_count)?;
        for problem in &self.problems {
            match &problem.key {
                Some(key) => writeln!(
                    f,
                    "{} line {} ({key}): {}",
                    problem.file, problem.line, problem.reason
                )?,
                None => writeln!(
                    f,
                    "{} line {}: {}",
                    problem.file, problem.line, problem.reason
                )?,
            }
        }
        let unlisted = self.problem_count as usize - self.problems.len();
        if unlisted > 0 {
            writeln!(f, "... and {unlisted} more")?;
        }
        Ok(())
    }
}
