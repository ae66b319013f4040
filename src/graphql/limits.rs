//! Limits on a query's shape that async-graphql does not enforce itself: depth (without
//! counting introspection, so the standard introspection query of GraphiQL and code
//! generators passes), aliases and directives across the whole document; and no
//! mutation by GET.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{Name, Positioned, ServerError, ServerResult, Variables};

use crate::config::Limits;
use crate::graphql::errors::code;

/// Marks a request that came by GET: it may read, never write. Holds the name of the
/// operation to run, which decides whether it writes.
pub struct ReadOnly(pub Option<String>);

pub struct ShapeLimits {
    pub max_depth: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
}

impl ShapeLimits {
    pub fn new(limits: &Limits) -> Self {
        Self {
            max_depth: limits.max_depth,
            max_aliases: limits.max_aliases,
            max_directives: limits.max_directives,
        }
    }
}

impl ExtensionFactory for ShapeLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ShapeLimitsExtension {
            max_depth: self.max_depth,
            max_aliases: self.max_aliases,
            max_directives: self.max_directives,
        })
    }
}

struct ShapeLimitsExtension {
    max_depth: usize,
    max_aliases: usize,
    max_directives: usize,
}

fn refuse(code: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

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

#[async_trait::async_trait]
impl Extension for ShapeLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        // Checked here, after persisted queries have supplied the text.
        if let Some(ReadOnly(operation)) = ctx.data_opt::<ReadOnly>()
            && writes(&document, operation.as_deref())
        {
            return Err(refuse(
                code::METHOD_NOT_ALLOWED,
                "mutations and subscriptions are sent by POST, not GET".into(),
            ));
        }
        let shape = measure(&document);
        let checks = [
            ("depth", shape.depth, self.max_depth),
            ("aliases", shape.aliases, self.max_aliases),
            ("directives", shape.directives, self.max_directives),
            (
                "nesting of introspection lists",
                shape.introspection_lists,
                MAX_INTROSPECTION_LISTS,
            ),
        ];
        for (what, found, limit) in checks {
            if found > limit {
                return Err(refuse(
                    code::QUERY_TOO_COMPLEX,
                    format!("the query's {what} is {found}, over the limit of {limit}"),
                ));
            }
        }
        Ok(document)
    }
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
}
