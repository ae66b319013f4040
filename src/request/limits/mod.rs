//! Limits on a query's shape that async-graphql does not enforce itself: nesting of the
//! text and of variables (before parsing), the size of the document with fragments
//! expanded, depth (without counting introspection, so the standard introspection query
//! of GraphiQL and code generators passes), aliases and directives across the whole
//! document; and no mutation by GET.

mod expansion;
mod text;

use std::collections::HashSet;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{Name, Positioned, Request, ServerResult};

use crate::config::Limits;
use crate::errors::{code, refusal};

/// Counts of what a document holds.
#[derive(Debug, Default, PartialEq)]
pub struct Shape {
    pub depth: usize,
    pub introspection_lists: usize,
    pub aliases: usize,
    pub directives: usize,
}

/// Measures a document: the deepest operation, and aliases and directives as written.
pub fn measure(document: &ExecutableDocument) -> Shape {
    let mut shape = Shape::default();
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        shape.directives += operation.directives.len();
        shape.directives += operation
            .variable_definitions
            .iter()
            .map(|v| v.node.directives.len())
            .sum::<usize>();
        count_written(&operation.selection_set, &mut shape);
        let found = reach(
            document,
            &operation.selection_set,
            false,
            &mut HashSet::new(),
        );
        shape.depth = shape.depth.max(found.depth);
        shape.introspection_lists = shape.introspection_lists.max(found.introspection_lists);
    }
    for fragment in document.fragments.values() {
        shape.directives += fragment.node.directives.len();
        count_written(&fragment.node.selection_set, &mut shape);
    }
    shape
}

fn count_written(set: &Positioned<SelectionSet>, shape: &mut Shape) {
    for selection in &set.node.items {
        match &selection.node {
            Selection::Field(field) => {
                shape.aliases += usize::from(field.node.alias.is_some());
                shape.directives += field.node.directives.len();
                count_written(&field.node.selection_set, shape);
            }
            Selection::FragmentSpread(spread) => {
                shape.directives += spread.node.directives.len();
            }
            Selection::InlineFragment(inline) => {
                shape.directives += inline.node.directives.len();
                count_written(&inline.node.selection_set, shape);
            }
        }
    }
}

/// Introspection fields that list types, fields or values. Each nesting of one inside
/// another multiplies the answer by the size of the schema.
const INTROSPECTION_LISTS: &[&str] = &[
    "types",
    "possibleTypes",
    "interfaces",
    "fields",
    "inputFields",
    "args",
    "enumValues",
];

/// The most introspection lists nested along one path; the standard introspection query
/// needs three (`types { fields { args } }`).
pub const MAX_INTROSPECTION_LISTS: usize = 3;

/// How deep a selection set goes, with fragments expanded.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Reach {
    /// Fields outside introspection, which is bounded by the schema, not the data.
    depth: usize,
    /// Introspection lists nested inside one another.
    introspection_lists: usize,
}

impl Reach {
    fn max(self, other: Self) -> Self {
        Self {
            depth: self.depth.max(other.depth),
            introspection_lists: self.introspection_lists.max(other.introspection_lists),
        }
    }
}

/// A fragment that spreads itself is left for validation to refuse.
fn reach<'a>(
    document: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    in_introspection: bool,
    visiting: &mut HashSet<&'a Name>,
) -> Reach {
    let mut deepest = Reach::default();
    for selection in &set.node.items {
        let found = match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                let introspection = in_introspection || name == "__schema" || name == "__type";
                let below = reach(document, &field.node.selection_set, introspection, visiting);
                if introspection {
                    Reach {
                        depth: 0,
                        introspection_lists: below.introspection_lists
                            + usize::from(INTROSPECTION_LISTS.contains(&name)),
                    }
                } else {
                    Reach {
                        depth: below.depth + 1,
                        ..below
                    }
                }
            }
            Selection::InlineFragment(inline) => reach(
                document,
                &inline.node.selection_set,
                in_introspection,
                visiting,
            ),
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                let fragment: Option<&Positioned<FragmentDefinition>> =
                    document.fragments.get(name);
                match fragment {
                    Some(fragment) if visiting.insert(name) => {
                        let found = reach(
                            document,
                            &fragment.node.selection_set,
                            in_introspection,
                            visiting,
                        );
                        visiting.remove(name);
                        found
                    }
                    _ => Reach::default(),
                }
            }
        };
        deepest = deepest.max(found);
    }
    deepest
}

/// Whether the operation a request would run is a mutation or subscription.
fn writes(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        _ => None,
    };
    operation.is_some_and(|op| op.node.ty != OperationType::Query)
}

/// Checks what can be checked of a request before its text is parsed: how deeply its
/// text and its variables nest. Parsing, coercion and validation recurse once per level.
pub fn check_text(limits: &Limits, request: &Request) -> ServerResult<()> {
    if text::nests_deeper_than(&request.query, limits.max_nesting) {
        return Err(refusal(
            code::QUERY_TOO_COMPLEX,
            format!(
                "the query nests brackets more than {} deep",
                limits.max_nesting
            ),
        ));
    }
    for (name, value) in request.variables.iter() {
        if text::value_nests_deeper_than(value, limits.max_nesting) {
            return Err(refusal(
                code::BAD_USER_INPUT,
                format!(
                    "the variable `{name}` nests lists and objects more than {} deep",
                    limits.max_nesting
                ),
            ));
        }
    }
    Ok(())
}

/// Checks one request's document before it runs, and returns whether its operation
/// writes (a mutation). The document is parsed here and handed on to async-graphql,
/// so its text is parsed once. A document async-graphql refuses before any check of
/// ours (bad syntax, nesting past its recursion limit) is left to it, so that those
/// errors read as they always have.
///
/// Not an async-graphql extension: with any extension installed, every field of every
/// answer goes through the extensions' `resolve` hook, which cost about a quarter of
/// a nested list's CPU time.
pub fn check(limits: &Limits, request: &mut Request, read_only: bool) -> ServerResult<bool> {
    let operation = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return Ok(false);
    };
    // First, as everything after it walks the document with fragments expanded.
    let cap = limits.max_selections.saturating_add(1);
    if expansion::expanded_selections(document, cap) > limits.max_selections {
        return Err(refusal(
            code::QUERY_TOO_COMPLEX,
            format!(
                "the query makes more than {} selections once its fragments are expanded",
                limits.max_selections
            ),
        ));
    }
    if nesting(document) > ASYNC_GRAPHQL_RECURSION_LIMIT {
        return Ok(false);
    }
    let writes = writes(document, operation.as_deref());
    if read_only && writes {
        return Err(refusal(
            code::METHOD_NOT_ALLOWED,
            "mutations and subscriptions are sent by POST, not GET".into(),
        ));
    }
    let shape = measure(document);
    let checks = [
        ("depth", shape.depth, limits.max_depth),
        ("aliases", shape.aliases, limits.max_aliases),
        ("directives", shape.directives, limits.max_directives),
        (
            "nesting of introspection lists",
            shape.introspection_lists,
            MAX_INTROSPECTION_LISTS,
        ),
    ];
    for (what, found, limit) in checks {
        if found > limit {
            return Err(refusal(
                code::QUERY_TOO_COMPLEX,
                format!("the query's {what} is {found}, over the limit of {limit}"),
            ));
        }
    }
    Ok(writes)
}

/// async-graphql's default limit on nested selection sets, which it checks right after
/// parsing.
const ASYNC_GRAPHQL_RECURSION_LIMIT: usize = 32;

/// How deeply selection sets nest, counted as async-graphql counts for its recursion
/// limit (every field with a selection set, fragment spread and inline fragment is one
/// level; it expands fragments without remembering them, so a fragment that spreads
/// itself counts as too deep).
fn nesting(document: &ExecutableDocument) -> usize {
    fn level(document: &ExecutableDocument, set: &SelectionSet, depth: usize) -> usize {
        if depth > ASYNC_GRAPHQL_RECURSION_LIMIT {
            return depth;
        }
        let mut deepest = depth;
        for selection in &set.items {
            let below = match &selection.node {
                Selection::Field(field) if !field.node.selection_set.node.items.is_empty() => {
                    Some(&field.node.selection_set.node)
                }
                Selection::Field(_) => None,
                Selection::FragmentSpread(spread) => document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .map(|fragment| &fragment.node.selection_set.node),
                Selection::InlineFragment(inline) => Some(&inline.node.selection_set.node),
            };
            if let Some(below) = below {
                deepest = deepest.max(level(document, below, depth + 1));
            }
        }
        deepest
    }
    document
        .operations
        .iter()
        .map(|(_, operation)| level(document, &operation.node.selection_set.node, 0))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(query: &str) -> Shape {
        measure(&async_graphql::parser::parse_query(query).unwrap())
    }

    #[test]
    fn measures_depth_through_fragments_but_not_introspection() {
        assert_eq!(shape("{ a { b { c } } }").depth, 3);
        assert_eq!(
            shape("query { a { ...F } } fragment F on A { b { c } }").depth,
            3
        );
        assert_eq!(shape("{ a { ... on A { b } } }").depth, 2);
        assert_eq!(
            shape("{ __schema { types { fields { type { ofType { name } } } } } }").depth,
            0
        );
        assert_eq!(
            shape("{ a { ...F } } fragment F on A { b { ...F } }").depth,
            2
        );
    }

    #[test]
    fn counts_nested_introspection_lists() {
        let standard = "{ __schema { types { fields { args { type { ofType { name } } } } } } }";
        assert_eq!(shape(standard).introspection_lists, 3);
        let fan_out = "{ __type(name: \"Node\") { possibleTypes { interfaces { possibleTypes { interfaces { name } } } } } }";
        assert_eq!(shape(fan_out).introspection_lists, 4);
    }

    #[test]
    fn counts_aliases_and_directives_as_written() {
        let found = shape(
            "query Q @x { one: a @skip(if: false) { two: b } ...F } fragment F on Q @y { c @z }",
        );
        assert_eq!(found.aliases, 2);
        assert_eq!(found.directives, 4);
    }

    #[test]
    fn tells_writes_from_reads() {
        let doc = async_graphql::parser::parse_query("query A { a } mutation B { b }").unwrap();
        assert!(!writes(&doc, Some("A")));
        assert!(writes(&doc, Some("B")));
        assert!(!writes(&doc, None));
    }

    #[test]
    fn counts_nesting_as_async_graphql_does() {
        let doc = |query| async_graphql::parser::parse_query(query).unwrap();
        assert_eq!(nesting(&doc("{ a }")), 0);
        assert_eq!(nesting(&doc("{ a { b { c } } }")), 2);
        assert_eq!(
            nesting(&doc("{ a { ...F } } fragment F on A { b { c } }")),
            3
        );
        assert!(nesting(&doc("{ a { ...F } } fragment F on A { b { ...F } }")) > 32);
    }
}
