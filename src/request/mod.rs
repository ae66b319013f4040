//! What is checked of a GraphQL request before the schema runs it, in this order: the
//! nesting of its text and variables (before parsing), persisted queries, types renamed
//! in the schema given their new names (`renamed`), the size of the
//! document with fragments expanded, depth, aliases and directives (`limits`), the
//! validation async-graphql leaves out (`strict`), and every argument's text and lists
//! (`arguments`). None is an async-graphql extension: with any extension installed, every
//! field of every answer goes through its hooks.

pub mod arguments;
pub mod limits;
pub mod persisted;
pub mod renamed;
pub mod strict;
