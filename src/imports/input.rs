//! Reading an import's files within bounds: each record's length is capped (a 10 MB line
//! is refused, not buffered), records are counted, text files hold no NUL byte, and a
//! file is read twice: once to check it whole before anything changes, then to import it.

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// The longest record (a row, with any line breaks inside its quoted fields) read, in
/// bytes. A GIAS row is about 2 KB, a OneRoster row less.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// A problem with a whole file, found before anything changed: nothing was imported.
#[derive(Debug, Clone, PartialEq)]
pub struct FileProblem {
    pub file: String,
    /// The line it was found on, when it was found on one.
    pub line: Option<u64>,
    pub reason: String,
}

impl FileProblem {
    pub fn new(file: &str, line: Option<u64>, reason: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {line}: {}", self.file, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for FileProblem {}

/// One file of an import, on disk (given on the command line, uploaded, or taken out of a
/// zip), opened afresh for each pass.
pub struct InputFile {
    /// The name reports use, such as `users.csv`.
    pub name: String,
    file: File,
}

impl InputFile {
    pub fn new(name: impl Into<String>, file: File) -> Self {
        Self {
            name: name.into(),
            file,
        }
    }

    pub fn open(path: &Path) -> Result<Self, FileProblem> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let file = File::open(path)
            .map_err(|error| FileProblem::new(&name, None, format!("cannot be read: {error}")))?;
        Ok(Self::new(name, file))
    }

    /// The file itself, for a reader of another format (a zip).
    pub fn into_file(self) -> File {
        self.file
    }

    /// The file from its start, its records capped and counted.
    pub fn records(&self) -> Result<Bounded<BufReader<File>>, FileProblem> {
        // A clone shares the offset: rewound, then read from the start.
        let file = self
            .file
            .try_clone()
            .and_then(|mut file| file.seek(SeekFrom::Start(0)).map(|_| file))
            .map_err(|error| self.problem(None, format!("cannot be read: {error}")))?;
        Ok(Bounded::new(BufReader::with_capacity(64 * 1024, file)))
    }

    /// Reads the whole file once, checking every record's length and that it holds no NUL
    /// byte, and returns how many records (header included) it holds.
    pub fn check(&self) -> Result<u64, FileProblem> {
        let mut records = self.records()?;
        let mut buffer = vec![0; 64 * 1024];
        loop {
            match records.read(&mut buffer) {
                Ok(0) => return Ok(records.records()),
                Ok(_) => {}
                Err(error) => return Err(self.read_problem(&error)),
            }
        }
    }

    pub fn problem(&self, line: Option<u64>, reason: impl Into<String>) -> FileProblem {
        FileProblem::new(&self.name, line, reason)
    }

    /// A problem for a read that failed: what `Bounded` refused, or the disk's error.
    pub fn read_problem(&self, error: &io::Error) -> FileProblem {
        Self::problem_of(&self.name, error)
    }

    /// The problem of file `name`, for a read of it that failed.
    pub fn problem_of(name: &str, error: &io::Error) -> FileProblem {
        match error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Refused>())
        {
            Some(refused) => FileProblem::new(name, Some(refused.line), refused.reason.clone()),
            None => FileProblem::new(name, None, format!("cannot be read: {error}")),
        }
    }
}

/// What `Bounded` refused to read, and on which line.
#[derive(Debug)]
struct Refused {
    line: u64,
    reason: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for Refused {}

/// Reads through to `inner`, failing at the first record longer than
/// [`MAX_RECORD_BYTES`] or the first NUL byte. A record ends at a line break outside
/// quotes: in CSV a quote inside a quoted field is written twice, so the count of quotes
/// seen in a record is odd exactly while a field is open.
pub struct Bounded<R> {
    inner: R,
    in_quotes: bool,
    record_bytes: usize,
    /// Line breaks read, so the current line is one more.
    lines: u64,
    records: u64,
    /// Whether anything of a record after the last one ended has been read.
    open_record: bool,
}

impl<R: Read> Bounded<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            in_quotes: false,
            record_bytes: 0,
            lines: 0,
            records: 0,
            open_record: false,
        }
    }

    /// Records read so far, a last one without a line break counted.
    pub fn records(&self) -> u64 {
        self.records + u64::from(self.open_record)
    }

    fn refuse(&self, reason: String) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            Refused {
                line: self.lines + 1,
                reason,
            },
        )
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        for &byte in &buf[..read] {
            match byte {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' => {
                    self.lines += 1;
                    if !self.in_quotes {
                        self.records += 1;
                        self.record_bytes = 0;
                        self.open_record = false;
                        continue;
                    }
                }
                0 => {
                    return Err(self.refuse(
                        "holds a NUL byte: this is not a CSV text file in the expected encoding \
                         (saved as UTF-16, or a spreadsheet rather than CSV?)"
                            .into(),
                    ));
                }
                _ => {}
            }
            self.open_record = true;
            self.record_bytes += 1;
            if self.record_bytes > MAX_RECORD_BYTES {
                return Err(self.refuse(format!(
                    "is longer than {} KiB; the file is refused",
                    MAX_RECORD_BYTES / 1024
                )));
            }
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &[u8]) -> Result<u64, String> {
        let mut bounded = Bounded::new(text);
        let mut out = Vec::new();
        bounded
            .read_to_end(&mut out)
            .map(|_| bounded.records())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn records_end_at_line_breaks_outside_quotes() {
        assert_eq!(read_all(b"a,b\n1,2\n"), Ok(2));
        assert_eq!(read_all(b"a,b\n1,2"), Ok(2));
        assert_eq!(read_all(b"a,b\n\"1\n\"\"x\"\"\n\",2\n3,4\n"), Ok(3));
    }

    #[test]
    fn a_long_record_is_refused_with_its_line() {
        let mut text = b"a,b\n1,2\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 1));
        let error = read_all(&text).unwrap_err();
        assert!(
            error.contains("line 3") && error.contains("longer than"),
            "{error}"
        );
        // Many short lines inside one quoted field are one long record.
        let mut text = b"a\n\"".to_vec();
        text.extend(std::iter::repeat_n(b"x\n".as_slice(), MAX_RECORD_BYTES).flatten());
        assert!(read_all(&text).unwrap_err().contains("longer than"));
    }

    #[test]
    fn a_nul_byte_is_refused() {
        let error = read_all(b"U\0R\0N\0\n\0").unwrap_err();
        assert!(error.contains("line 1") && error.contains("NUL"), "{error}");
    }
}
