//! Schools: identified in England by their URN, public register data.

pub mod mutations;
mod node;
pub mod queries;
pub mod types;

pub use types::{School, school_of};
