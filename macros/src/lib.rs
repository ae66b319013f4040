//! Trellis's macros, written where async-graphql would have every domain repeat itself:
//!
//! - `#[connections]`: a Relay connection field takes one `PageArgs` argument in Rust and
//!   the four of the specification in the schema (see `connections`).
//! - `#[fields(..)]`: the fields of a `wraps!` type that show a column as it is, one line
//!   each, leaving the impl's methods for the fields it computes (see `fields`).
//! - `mutations!`: the fields of a root `Mutation` type, one line each where the
//!   mutation's input and payload types follow the naming convention (see `mutations`).

mod connections;
mod fields;
mod mutations;

use proc_macro::TokenStream;

#[proc_macro_attribute]
pub fn connections(attribute: TokenStream, item: TokenStream) -> TokenStream {
    connections::expand(attribute, item)
}

#[proc_macro_attribute]
pub fn fields(attribute: TokenStream, item: TokenStream) -> TokenStream {
    fields::expand(attribute, item)
}

#[proc_macro]
pub fn mutations(item: TokenStream) -> TokenStream {
    mutations::expand(item)
}
