//! Imports from other school systems: schools from England's Get Information About
//! Schools extract, staff from OneRoster 1.2 CSV. Each runs from the command line
//! (`trellis import ...`) or as a mutation taking an upload, streams its files within
//! bounds, and reports what it did (or, in a dry run, would do) row by row.

pub mod gias;
pub mod input;
pub mod mutations;
pub mod oneroster;
pub mod report;
pub mod table;

pub use input::{FileProblem, InputFile};
pub use mutations::ImportMutation;
pub use report::ImportReport;
