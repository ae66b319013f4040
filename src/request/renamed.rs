//! Types the schema renamed, still accepted under their old names where a client names a
//! type in a request: its variable definitions (`$on: NaiveDate`). Until
//! `ACCEPTED_UNTIL` (README, "Renamed scalars"), a client generated before the rename
//! keeps working; the schema itself shows only the new names.

use async_graphql::parser::types::{BaseType, DocumentOperations, ExecutableDocument, Type};
use async_graphql::{Name, Request};

/// Old name, new name.
const RENAMED: [(&str, &str); 1] = [("NaiveDate", "Date")];

/// The end of the deprecation period, as the README announces it.
pub const ACCEPTED_UNTIL: &str = "2027-06-30";

/// Gives the request's variables their types' new names. The document may be shared (a
/// persisted query's), so one naming an old type is copied before it changes.
pub fn rename_old_types(request: &mut Request) {
    let Ok(document) = request.parsed_query() else {
        return;
    };
    if !variable_types(document).any(|ty| renamed(ty).is_some()) {
        return;
    }
    let mut document = document.clone();
    for_each_variable_type(&mut document, |ty| {
        if let Some(new) = renamed(ty) {
            *ty = Name::new(new);
        }
    });
    request.set_parsed_query(document);
}

fn renamed(name: &Name) -> Option<&'static str> {
    RENAMED
        .iter()
        .find(|(old, _)| name.as_str() == *old)
        .map(|(_, new)| *new)
}

fn operations(
    document: &ExecutableDocument,
) -> Vec<&async_graphql::parser::types::OperationDefinition> {
    match &document.operations {
        DocumentOperations::Single(operation) => vec![&operation.node],
        DocumentOperations::Multiple(operations) => operations
            .values()
            .map(|operation| &operation.node)
            .collect(),
    }
}

fn variable_types(document: &ExecutableDocument) -> impl Iterator<Item = &Name> {
    operations(document)
        .into_iter()
        .flat_map(|operation| &operation.variable_definitions)
        .map(|definition| named(&definition.node.var_type.node))
}

/// The named type at the bottom of a (list or non-null) type.
fn named(ty: &Type) -> &Name {
    match &ty.base {
        BaseType::Named(name) => name,
        BaseType::List(item) => named(item),
    }
}

fn named_mut(ty: &mut Type) -> &mut Name {
    match &mut ty.base {
        BaseType::Named(name) => name,
        BaseType::List(item) => named_mut(item),
    }
}

fn for_each_variable_type(document: &mut ExecutableDocument, mut change: impl FnMut(&mut Name)) {
    let operations: Vec<_> = match &mut document.operations {
        DocumentOperations::Single(operation) => vec![&mut operation.node],
        DocumentOperations::Multiple(operations) => operations
            .values_mut()
            .map(|operation| &mut operation.node)
            .collect(),
    };
    for operation in operations {
        for definition in &mut operation.variable_definitions {
            change(named_mut(&mut definition.node.var_type.node));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variable_type(query: &str) -> String {
        let mut request = Request::new(query);
        rename_old_types(&mut request);
        let document = request.parsed_query().expect("parses");
        let ty = &operations(document)[0].variable_definitions[0]
            .node
            .var_type
            .node;
        ty.to_string()
    }

    #[test]
    fn an_old_name_becomes_the_new_one_wherever_it_stands() {
        assert_eq!(variable_type("query($d: NaiveDate) { __typename }"), "Date");
        assert_eq!(
            variable_type("query($d: [NaiveDate!]!) { __typename }"),
            "[Date!]!"
        );
        assert_eq!(variable_type("query($d: Date!) { __typename }"), "Date!");
    }
}
