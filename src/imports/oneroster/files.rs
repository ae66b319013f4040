//! The files of a OneRoster 1.2 CSV export, from a folder or a zip, and its manifest: which
//! files it holds, each `bulk` (the whole truth), `delta` (changes only) or `absent`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::imports::input::{FileProblem, InputFile};
use crate::imports::table::{Encoding, Table};

/// The most bytes one file of an export may hold once unzipped: a zip that unpacks past it
/// (a zip bomb) is refused.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// The files Trellis reads; the others (classes, enrollments, results...) are left alone.
pub const READ: [&str; 3] = ["orgs.csv", "users.csv", "roles.csv"];

/// How the manifest says a file is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The whole truth: what this source linked before and the file no longer holds ends.
    Bulk,
    /// Only changes: rows not in the file stay as they are.
    Delta,
    /// Not given.
    Absent,
}

/// An export's files, each found by its name.
pub struct Export {
    pub manifest: InputFile,
    files: HashMap<&'static str, InputFile>,
}

impl Export {
    /// A folder holding the files, or a zip of them (at its top level or in one folder).
    pub fn open(path: &Path) -> Result<Self, FileProblem> {
        if path.is_dir() {
            let mut files = HashMap::new();
            for name in READ {
                let file = path.join(name);
                if file.exists() {
                    files.insert(name, InputFile::open(&file)?);
                }
            }
            let manifest = InputFile::open(&path.join("manifest.csv")).map_err(|_| {
                FileProblem::new(
                    "manifest.csv",
                    None,
                    "is missing: a OneRoster export starts with its manifest",
                )
            })?;
            Ok(Self { manifest, files })
        } else {
            let name = path.display().to_string();
            let file = File::open(path).map_err(|error| {
                FileProblem::new(&name, None, format!("cannot be read: {error}"))
            })?;
            Self::unzip(&name, file)
        }
    }

    /// The files of a zip, each copied out to a temporary file (within
    /// [`MAX_FILE_BYTES`]) so that it can be read twice.
    pub fn unzip(name: &str, zip: File) -> Result<Self, FileProblem> {
        let refused = |reason: String| FileProblem::new(name, None, reason);
        let mut archive = zip::ZipArchive::new(zip)
            .map_err(|error| refused(format!("is not a zip of OneRoster CSV files: {error}")))?;
        let mut found: HashMap<&'static str, InputFile> = HashMap::new();
        let mut manifest = None;
        for index in 0..archive.len() {
            let mut entry = archive
                .by_index(index)
                .map_err(|error| refused(format!("cannot be unzipped: {error}")))?;
            let Some(base) = entry
                .enclosed_name()
                .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
            else {
                continue;
            };
            let wanted = std::iter::once("manifest.csv")
                .chain(READ)
                .find(|wanted| *wanted == base);
            let Some(wanted) = wanted else { continue };
            if entry.size() > MAX_FILE_BYTES {
                return Err(FileProblem::new(wanted, None, too_big()));
            }
            let copy = copy_out(&mut entry).map_err(|error| match error.kind() {
                io::ErrorKind::FileTooLarge => FileProblem::new(wanted, None, too_big()),
                _ => FileProblem::new(wanted, None, format!("cannot be unzipped: {error}")),
            })?;
            let file = InputFile::new(wanted, copy);
            if wanted == "manifest.csv" {
                manifest = Some(file);
            } else {
                found.insert(wanted, file);
            }
        }
        let manifest = manifest.ok_or_else(|| {
            FileProblem::new(
                "manifest.csv",
                None,
                "is missing from the zip: a OneRoster export starts with its manifest",
            )
        })?;
        Ok(Self {
            manifest,
            files: found,
        })
    }

    pub fn file(&self, name: &str) -> Option<&InputFile> {
        self.files.get(name)
    }
}

fn too_big() -> String {
    format!(
        "unzips to more than {} MiB; the export is refused",
        MAX_FILE_BYTES / 1024 / 1024
    )
}

/// Copies a zip entry to a temporary file, refusing one that unpacks past the limit
/// whatever size it declares.
fn copy_out(entry: &mut impl Read) -> io::Result<File> {
    let mut copy = tempfile::tempfile()?;
    let copied = io::copy(&mut entry.take(MAX_FILE_BYTES + 1), &mut copy)?;
    if copied > MAX_FILE_BYTES {
        return Err(io::Error::new(io::ErrorKind::FileTooLarge, "too big"));
    }
    Ok(copy)
}

/// What the manifest says.
#[derive(Debug)]
pub struct Manifest {
    modes: HashMap<String, Mode>,
    /// The system that made the export (`source.systemCode`, else `source.systemName`).
    pub source: Option<String>,
}

impl Manifest {
    pub fn read(file: &InputFile) -> Result<Self, FileProblem> {
        file.check()?;
        let mut table = Table::open(file, Encoding::Utf8)?;
        let [property, value] = table.require(["propertyName", "value"])?;
        let mut properties = HashMap::new();
        while let Some(row) = table.next_row()? {
            let text = |column| {
                row.get(column)
                    .map_err(|reason| file.problem(Some(row.line), reason))
            };
            properties.insert(
                text(property)?.to_owned(),
                (row.line, text(value)?.to_owned()),
            );
        }
        match properties.get("oneroster.version") {
            Some((_, version)) if version == "1.2" => {}
            Some((line, version)) => {
                return Err(file.problem(
                    Some(*line),
                    format!("`oneroster.version` is {version}: Trellis reads OneRoster 1.2 CSV"),
                ));
            }
            None => return Err(file.problem(None, "lacks `oneroster.version` (1.2)")),
        }
        let mut modes = HashMap::new();
        for name in READ {
            let key = format!("file.{}", name.trim_end_matches(".csv"));
            let mode = match properties
                .get(&key)
                .map(|(line, mode)| (*line, mode.as_str()))
            {
                None | Some((_, "absent")) => Mode::Absent,
                Some((_, "bulk")) => Mode::Bulk,
                Some((_, "delta")) => Mode::Delta,
                Some((line, other)) => {
                    return Err(file.problem(
                        Some(line),
                        format!("`{key}` is `{other}`, not bulk, delta or absent"),
                    ));
                }
            };
            modes.insert(name.to_owned(), mode);
        }
        let source = ["source.systemCode", "source.systemName"]
            .iter()
            .filter_map(|key| properties.get(*key))
            .map(|(_, value)| value.clone())
            .find(|value| !value.is_empty());
        Ok(Self { modes, source })
    }

    pub fn mode(&self, file: &str) -> Mode {
        self.modes.get(file).copied().unwrap_or(Mode::Absent)
    }
}
