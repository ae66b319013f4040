//! A CSV file read row by row through the `csv` crate, its columns found by their names in
//! the header (in any order, among any others), each row with the line it starts on.

use std::collections::HashMap;
use std::io::Read;

use super::input::{FileProblem, InputFile};

/// How a file's bytes are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// As GIAS publishes its extracts; a byte-order mark, if there is one, wins (a file
    /// saved again as UTF-8 by a spreadsheet).
    Windows1252,
    /// As OneRoster requires; a row that is not UTF-8 is reported.
    Utf8,
}

/// One row: its fields, and the line it starts on.
pub struct Row {
    pub line: u64,
    fields: csv::ByteRecord,
}

impl Row {
    /// The field in `column`, trimmed; empty when the row is short. Not UTF-8: an error to
    /// report.
    pub fn get(&self, column: usize) -> Result<&str, String> {
        let bytes = self.fields.get(column).unwrap_or_default();
        std::str::from_utf8(bytes).map(str::trim).map_err(|_| {
            "is not UTF-8 text (OneRoster files are UTF-8: was this one saved as Windows-1252?)"
                .to_owned()
        })
    }

    pub fn width(&self) -> usize {
        self.fields.len()
    }
}

pub struct Table {
    pub file: String,
    reader: csv::Reader<Box<dyn Read + Send>>,
    columns: HashMap<String, usize>,
    width: usize,
    record: csv::ByteRecord,
    /// Line breaks inside the quoted fields of the records read so far: the `csv` crate
    /// counts a record as one line, and one too few, so the line a record starts on is its
    /// count plus one plus these.
    breaks_in_fields: u64,
}

/// The problem of file `name` for what the `csv` crate could not read.
fn csv_problem(name: &str, error: csv::Error) -> FileProblem {
    let line = error.position().map(|position| position.line());
    match error.into_kind() {
        csv::ErrorKind::Io(error) => InputFile::problem_of(name, &error),
        kind => FileProblem::new(name, line, format!("is not CSV: {kind:?}")),
    }
}

fn line_breaks(record: &csv::ByteRecord) -> u64 {
    record
        .iter()
        .map(|field| field.iter().filter(|byte| **byte == b'\n').count() as u64)
        .sum()
}

impl Table {
    /// Opens `file` and reads its header.
    pub fn open(file: &InputFile, encoding: Encoding) -> Result<Self, FileProblem> {
        let bytes = file.records()?;
        let text: Box<dyn Read + Send> = match encoding {
            Encoding::Windows1252 => Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding_rs::WINDOWS_1252))
                    .bom_override(true)
                    .build(bytes),
            ),
            Encoding::Utf8 => Box::new(bytes),
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut header = csv::ByteRecord::new();
        if !reader
            .read_byte_record(&mut header)
            .map_err(|error| csv_problem(&file.name, error))?
        {
            return Err(file.problem(None, "is empty: it has no header row"));
        }
        let breaks_in_fields = line_breaks(&header);
        let mut columns = HashMap::new();
        for (at, name) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(name);
            // A byte-order mark a spreadsheet left, where the decoder did not take it.
            let name = name.trim_start_matches('\u{feff}').trim();
            columns.entry(name.to_owned()).or_insert(at);
        }
        Ok(Self {
            file: file.name.clone(),
            reader,
            width: header.len(),
            columns,
            record: csv::ByteRecord::new(),
            breaks_in_fields,
        })
    }

    /// The columns named, in order; a file without one of them is refused, naming those it
    /// lacks.
    pub fn require<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N], FileProblem> {
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|name| !self.columns.contains_key(*name))
            .collect();
        if !missing.is_empty() {
            return Err(FileProblem::new(
                &self.file,
                Some(1),
                format!(
                    "the header lacks the columns {}; is this the right file?",
                    missing
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        Ok(names.map(|name| self.columns[name]))
    }

    /// A column the file may lack.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.get(name).copied()
    }

    /// The next row, skipping empty lines.
    pub fn next_row(&mut self) -> Result<Option<Row>, FileProblem> {
        loop {
            if !self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|error| csv_problem(&self.file, error))?
            {
                return Ok(None);
            }
            let counted = self.record.position().map_or(0, |position| position.line());
            let line = counted + 1 + self.breaks_in_fields;
            self.breaks_in_fields += line_breaks(&self.record);
            if self.record.iter().all(<[u8]>::is_empty) {
                continue;
            }
            return Ok(Some(Row {
                line,
                fields: std::mem::take(&mut self.record),
            }));
        }
    }

    /// Says whether `row` has as many fields as the header, and if not, why not.
    pub fn misshapen(&self, row: &Row) -> Option<String> {
        (row.width() != self.width).then(|| {
            format!(
                "has {} fields where the header has {}",
                row.width(),
                self.width
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, Write};

    use super::*;

    fn table(text: &str) -> Table {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file.rewind().unwrap();
        Table::open(&InputFile::new("test.csv", file), Encoding::Utf8).unwrap()
    }

    #[test]
    fn rows_carry_the_line_they_start_on() {
        let mut table = table("a,b\r\n1,2\r\n\"x\ny\",3\r\n\r\n4,5\r\n");
        let mut lines = Vec::new();
        while let Some(row) = table.next_row().unwrap() {
            lines.push((row.line, row.get(0).unwrap().to_owned()));
        }
        assert_eq!(
            lines,
            [(2, "1".into()), (3, "x\ny".into()), (6, "4".into())]
        );
    }
}
