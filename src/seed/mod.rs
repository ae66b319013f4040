//! Data that is not the users': the demo a newcomer explores (`demo`), and generated data
//! for trials and benchmarks (`generated`). Domain folders hold only the domain; what
//! seeds it lives here.

pub mod demo;
pub mod generated;
