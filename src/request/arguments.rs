//! The arguments of queries: one check of every argument before a request runs.
//!
//! A query's text (searches, filters, cursors, ids, a URN looked up) may hold no control
//! character other than tab and line breaks (`validation::forbidden_character`): PostgreSQL
//! fails on NUL where SQLite compares it, and both must answer alike. And no list in an
//! argument holds more than `validation::MAX_LIST_ITEMS`: each item becomes a statement's
//! parameter. So every value of every argument of the operation, written in the document
//! or passed as a variable, is checked here, once, before anything runs; a request that
//! breaks either rule is `BAD_USER_INPUT` naming the argument. The `input` of a mutation is
//! left to the mutation, which reports the same rules as user errors on the field
//! (`validation::input`).

use std::collections::HashSet;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Pos, Request, ServerError, ServerResult, Value, Variables};

use crate::errors::ApiError;
use crate::validation::{
    MAX_LIST_ITEMS, forbidden_character, forbidden_character_message, too_many_items_message,
};

/// Refuses a request whose arguments hold a forbidden character or an overlong list
/// anywhere (mutations' `input` aside). A document that does not parse is left to
/// async-graphql to refuse.
pub fn check(request: &mut Request) -> ServerResult<()> {
    let variables = std::mem::take(&mut request.variables);
    let found = match request.parsed_query() {
        Ok(document) => first_forbidden(document, &variables),
        Err(_) => None,
    };
    request.variables = variables;
    match found {
        None => Ok(()),
        Some(found) => Err(found.error()),
    }
}

/// What is wrong with a value.
enum Problem {
    Character(char),
    Items(usize),
}

/// A problem, and where it was found.
struct Found {
    field: String,
    argument: String,
    problem: Problem,
    at: Pos,
}

impl Found {
    fn error(self) -> ServerError {
        let problem = match self.problem {
            Problem::Character(c) => forbidden_character_message(c),
            Problem::Items(items) => too_many_items_message(items),
        };
        let message = format!("argument `{}` of `{}` {problem}", self.argument, self.field);
        async_graphql::Error::from(ApiError::BadUserInput(message)).into_server_error(self.at)
    }
}

/// A value as written in the document, or as a variable gave it.
#[derive(Clone, Copy)]
enum Given<'a> {
    Written(&'a async_graphql_value::Value),
    Passed(&'a Value),
}

/// Walks every operation's selections, fragments once each, without recursion: the
/// document's nesting is the client's to choose.
fn first_forbidden(document: &ExecutableDocument, variables: &Variables) -> Option<Found> {
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        let variable = |name: &Name| -> Option<&Value> {
            variables.get(name).or_else(|| {
                operation
                    .variable_definitions
                    .iter()
                    .find(|definition| definition.node.name.node == *name)
                    .and_then(|definition| definition.node.default_value())
            })
        };
        let mutation_root = operation.ty == OperationType::Mutation;
        let mut sets: Vec<(&SelectionSet, bool)> =
            vec![(&operation.selection_set.node, mutation_root)];
        let mut spread = HashSet::new();
        while let Some((set, mutation_root)) = sets.pop() {
            for selection in &set.items {
                match &selection.node {
                    Selection::Field(field) => {
                        let field = &field.node;
                        if !mutation_root {
                            for (name, value) in &field.arguments {
                                let given = Given::Written(&value.node);
                                if let Some((argument, problem)) =
                                    problem_in(name.node.as_str(), given, &variable)
                                {
                                    return Some(Found {
                                        field: field.name.node.to_string(),
                                        argument,
                                        problem,
                                        at: value.pos,
                                    });
                                }
                            }
                        }
                        sets.push((&field.selection_set.node, false));
                    }
                    Selection::InlineFragment(inline) => {
                        sets.push((&inline.node.selection_set.node, mutation_root));
                    }
                    Selection::FragmentSpread(fragment) => {
                        let name = &fragment.node.fragment_name.node;
                        if spread.insert((name, mutation_root))
                            && let Some(fragment) = document.fragments.get(name)
                        {
                            sets.push((&fragment.node.selection_set.node, mutation_root));
                        }
                    }
                }
            }
        }
    }
    None
}

/// The first problem in an argument's value: its path within the argument
/// (`filter.search`, `ids[3]`) and what it is. Variables are resolved by `variable`; one
/// that is not given has nothing to check.
fn problem_in<'a>(
    argument: &str,
    value: Given<'a>,
    variable: &impl Fn(&Name) -> Option<&'a Value>,
) -> Option<(String, Problem)> {
    use async_graphql_value::Value as Written;
    let mut pending = vec![(value, argument.to_owned())];
    while let Some((value, path)) = pending.pop() {
        let items = match value {
            Given::Written(Written::List(items)) => items.len(),
            Given::Passed(Value::List(items)) => items.len(),
            _ => 0,
        };
        if items > MAX_LIST_ITEMS {
            return Some((path, Problem::Items(items)));
        }
        match value {
            Given::Written(Written::Variable(name)) => {
                if let Some(given) = variable(name) {
                    pending.push((Given::Passed(given), path));
                }
            }
            Given::Written(Written::String(text)) | Given::Passed(Value::String(text)) => {
                if let Some(character) = forbidden_character(text) {
                    return Some((path, Problem::Character(character)));
                }
            }
            Given::Written(Written::List(items)) => pending.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| (Given::Written(item), format!("{path}[{index}]"))),
            ),
            Given::Passed(Value::List(items)) => pending.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| (Given::Passed(item), format!("{path}[{index}]"))),
            ),
            Given::Written(Written::Object(fields)) => pending.extend(
                fields
                    .iter()
                    .map(|(name, field)| (Given::Written(field), format!("{path}.{name}"))),
            ),
            Given::Passed(Value::Object(fields)) => pending.extend(
                fields
                    .iter()
                    .map(|(name, field)| (Given::Passed(field), format!("{path}.{name}"))),
            ),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn refused(query: &str, variables: serde_json::Value) -> Option<String> {
        let mut request = Request::new(query).variables(Variables::from_json(variables));
        check(&mut request).err().map(|error| error.message)
    }

    #[test]
    fn finds_text_in_literals_variables_lists_objects_and_fragments() {
        let nul = "a\u{0}b";
        let search = |query: &str, variables| refused(query, variables).unwrap_or_default();
        assert!(
            search(
                r#"{ people(filter: {search: "a\u0000b"}) { totalCount } }"#,
                json!({})
            )
            .contains("argument `filter.search` of `people` holds a control character (U+0000)")
        );
        assert!(
            search(
                "query($s: String) { people(filter: {search: $s}) { totalCount } }",
                json!({ "s": nul })
            )
            .contains("argument `filter.search` of `people`")
        );
        assert!(
            search(
                "query($f: PersonFilter) { people(filter: $f) { totalCount } }",
                json!({ "f": { "search": nul } })
            )
            .contains("argument `filter.search` of `people`")
        );
        assert!(
            search(
                "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                json!({ "ids": ["x", nul] })
            )
            .contains("argument `ids[1]` of `nodes`")
        );
        assert!(
            search(
                r#"{ ...F } fragment F on Query { schoolByUrn(urn: "1\u0000") { id } }"#,
                json!({})
            )
            .contains("argument `urn` of `schoolByUrn`")
        );
        assert!(
            search(
                r#"query($s: String = "\u0007") { schools(filter: {search: $s}) { totalCount } }"#,
                json!({})
            )
            .contains("U+0007")
        );
        assert_eq!(
            refused(
                "query($s: String) { people(filter: {search: $s}) { totalCount } }",
                json!({ "s": "Oakwood" })
            ),
            None
        );
    }

    #[test]
    fn leaves_mutation_inputs_to_the_mutation_but_checks_what_it_selects() {
        let input = json!({ "i": { "name": "a\u{0}" } });
        assert_eq!(
            refused(
                "mutation($i: CreateAllianceInput!) { createAlliance(input: $i) { userErrors { code } } }",
                input.clone()
            ),
            None
        );
        let nested = refused(
            "mutation($i: CreateAllianceInput!) { ...M } fragment M on Mutation { createAlliance(input: $i) { alliance { memberships(after: \"\\u0000\") { totalCount } } } }",
            input,
        );
        assert!(
            nested
                .unwrap()
                .contains("argument `after` of `memberships`")
        );
    }

    #[test]
    fn bounds_lists() {
        let query = "query($p: [SchoolPhase!]) { schools(filter: {phases: $p}) { totalCount } }";
        let phases = |n: usize| json!({ "p": vec!["PRIMARY"; n] });
        assert_eq!(refused(query, phases(MAX_LIST_ITEMS)), None);
        let refusal = refused(query, phases(MAX_LIST_ITEMS + 1)).unwrap();
        assert!(
            refusal.contains("argument `filter.phases` of `schools` holds 101 items"),
            "{refusal}"
        );
    }

    #[test]
    fn allows_tabs_and_line_breaks() {
        let text = "tab\there\r\nand\nthere";
        assert_eq!(
            refused(
                "query($s: String) { people(filter: {search: $s}) { totalCount } }",
                json!({ "s": text })
            ),
            None
        );
        assert!(
            refused(
                "query($s: String) { people(filter: {search: $s}) { totalCount } }",
                json!({ "s": "a lone\rreturn" })
            )
            .is_some()
        );
    }
}
