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
        let mut visiting = HashSet::new();
        shape.depth = shape
            .depth
            .max(depth(document, &operation.selection_set, &mut visiting));
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

/// Depth of a selection set with fragments expanded. Introspection (`__schema`, `__type`)
/// is bounded by the schema, not the data, and does not count. A fragment that spreads
/// itself is left for validation to refuse.
fn depth<'a>(
    document: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    visiting: &mut HashSet<&'a Name>,
) -> usize {
    let mut deepest = 0;
    for selection in &set.node.items {
        let found = match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                if name == "__schema" || name == "__type" {
                    0
                } else {
                    1 + depth(document, &field.node.selection_set, visiting)
                }
            }
            Selection::InlineFragment(inline) => {
                depth(document, &inline.node.selection_set, visiting)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                let fragment: Option<&Positioned<FragmentDefinition>> =
                    document.fragments.get(name);
                match fragment {
                    Some(fragment) if visiting.insert(name) => {
                        let found = depth(document, &fragment.node.selection_set, visiting);
                        visiting.remove(name);
                        found
                    }
                    _ => 0,
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
