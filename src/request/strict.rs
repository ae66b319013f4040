//! What the GraphQL specification's validation requires and async-graphql 7 does not
//! check, checked on a parsed document before it runs:
//!
//! - `__typename` is a field like any other: async-graphql's validator skips it
//!   entirely, so an unknown directive (`__typename @evil`), a repeated one
//!   (`@skip(if: false) @skip(if: false)`) or an argument on it passed.
//! - An enum value is written as a name, never as a string ("Enum Value" and "Values of
//!   Correct Type"): async-graphql accepted `kind: "OTHER"` for `kind: OTHER`. Only
//!   literals are held to this: a variable's value comes as JSON, where an enum value is
//!   a string.
//!
//! The types come from the served schema itself, read once from its SDL.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    BaseType, DirectiveLocation, ExecutableDocument, Field, OperationType, Selection, SelectionSet,
    ServiceDocument, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Pos, Positioned, ServerError};
// The executable document's values, variables included (async-graphql re-exports only
// the constant ones).
use async_graphql_value::Value;

/// The schema's types, as far as these checks need them.
pub struct Types {
    /// Object and interface types: each field's argument types and its own type.
    fields: HashMap<String, HashMap<String, FieldShape>>,
    /// Input object types: each field's type.
    inputs: HashMap<String, HashMap<String, Type>>,
    enums: HashSet<String>,
    /// Directives allowed on fields: whether each may repeat, and its arguments.
    field_directives: HashMap<String, DirectiveShape>,
    /// The root types of queries, mutations and subscriptions.
    roots: [Option<String>; 3],
}

struct FieldShape {
    arguments: HashMap<String, Type>,
    named_type: String,
}

struct DirectiveShape {
    repeatable: bool,
    arguments: HashMap<String, Type>,
}

impl Types {
    /// Reads the schema's SDL, as `Schema::sdl` writes it.
    pub fn from_sdl(sdl: &str) -> Self {
        let document: ServiceDocument =
            async_graphql::parser::parse_schema(sdl).expect("the served schema's SDL parses");
        let mut types = Self {
            fields: HashMap::new(),
            inputs: HashMap::new(),
            enums: HashSet::new(),
            field_directives: HashMap::new(),
            roots: [Some("Query".into()), None, None],
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    types.roots = [schema.query, schema.mutation, schema.subscription]
                        .map(|name| name.map(|name| name.node.to_string()));
                }
                TypeSystemDefinition::Type(ty) => types.add_type(ty.node),
                TypeSystemDefinition::Directive(directive) => {
                    let directive = directive.node;
                    if directive
                        .locations
                        .iter()
                        .any(|location| location.node == DirectiveLocation::Field)
                    {
                        let name = directive.name.node.to_string();
                        let shape = DirectiveShape {
                            repeatable: declared_repeatable(sdl, &name),
                            arguments: arguments(&directive.arguments),
                        };
                        types.field_directives.insert(name, shape);
                    }
                }
            }
        }
        types
    }

    fn root(&self, ty: OperationType) -> Option<&str> {
        let index = match ty {
            OperationType::Query => 0,
            OperationType::Mutation => 1,
            OperationType::Subscription => 2,
        };
        self.roots[index].as_deref()
    }

    fn add_type(&mut self, ty: async_graphql::parser::types::TypeDefinition) {
        let name = ty.name.node.to_string();
        let fields = match ty.kind {
            TypeKind::Object(object) => object.fields,
            TypeKind::Interface(interface) => interface.fields,
            TypeKind::InputObject(input) => {
                let fields = input
                    .fields
                    .into_iter()
                    .map(|field| (field.node.name.node.to_string(), field.node.ty.node))
                    .collect();
                self.inputs.insert(name, fields);
                return;
            }
            TypeKind::Enum(_) => {
                self.enums.insert(name);
                return;
            }
            TypeKind::Scalar | TypeKind::Union(_) => return,
        };
        let fields = fields
            .into_iter()
            .map(|field| {
                let field = field.node;
                let shape = FieldShape {
                    arguments: arguments(&field.arguments),
                    named_type: named(&field.ty.node).to_owned(),
                };
                (field.name.node.to_string(), shape)
            })
            .collect();
        self.fields.insert(name, fields);
    }

    /// The first problem the document has, as a request error.
    pub fn check(&self, document: &ExecutableDocument) -> Result<(), ServerError> {
        let mut walk = Walk {
            types: self,
            problems: Vec::new(),
        };
        for (_, operation) in document.operations.iter() {
            let operation = &operation.node;
            for variable in &operation.variable_definitions {
                if let Some(default) = &variable.node.default_value {
                    let value = default.node.clone().into_value();
                    walk.value(&value, &variable.node.var_type.node, default.pos);
                }
            }
            let root = self.root(operation.ty);
            walk.selection_set(&operation.selection_set.node, root);
        }
        for fragment in document.fragments.values() {
            let on = fragment.node.type_condition.node.on.node.as_str();
            walk.selection_set(&fragment.node.selection_set.node, Some(on));
        }
        match walk.problems.into_iter().next() {
            Some((message, pos)) => Err(ServerError::new(message, Some(pos))),
            None => Ok(()),
        }
    }
}

/// Whether the SDL declares `@name` repeatable. Read from the text because
/// async-graphql-parser 7.2 reads every directive definition as repeatable (its grammar's
/// `repeatable` rule also matches nothing). `Schema::sdl` writes each directive
/// definition on one line.
fn declared_repeatable(sdl: &str, name: &str) -> bool {
    let start = format!("directive @{name}");
    sdl.lines()
        .filter_map(|line| line.trim_start().strip_prefix(&start))
        .find(|rest| rest.starts_with(['(', ' ']))
        .and_then(|rest| rest.split(" on ").next())
        .is_some_and(|head| head.split_whitespace().any(|word| word == "repeatable"))
}

fn arguments(
    definitions: &[Positioned<async_graphql::parser::types::InputValueDefinition>],
) -> HashMap<String, Type> {
    definitions
        .iter()
        .map(|argument| {
            (
                argument.node.name.node.to_string(),
                argument.node.ty.node.clone(),
            )
        })
        .collect()
}

/// The named type inside any list and non-null wrappers.
fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

struct Walk<'a> {
    types: &'a Types,
    problems: Vec<(String, Pos)>,
}

impl Walk<'_> {
    /// `parent` is the type the selections are made on; `None` where validation will
    /// report an unknown type or field anyway. Recurses once per level of the text's
    /// nesting, which is bounded before parsing.
    fn selection_set(&mut self, set: &SelectionSet, parent: Option<&str>) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => self.field(field, parent),
                Selection::InlineFragment(inline) => {
                    let on = inline
                        .node
                        .type_condition
                        .as_ref()
                        .map(|condition| condition.node.on.node.as_str())
                        .or(parent);
                    self.selection_set(&inline.node.selection_set.node, on);
                }
                Selection::FragmentSpread(_) => {}
            }
        }
    }

    fn field(&mut self, field: &Positioned<Field>, parent: Option<&str>) {
        let name = field.node.name.node.as_str();
        if name == "__typename" {
            self.typename(field);
            return;
        }
        let shape = parent
            .and_then(|parent| self.types.fields.get(parent))
            .and_then(|fields| fields.get(name));
        if let Some(shape) = shape {
            for (argument, value) in &field.node.arguments {
                if let Some(ty) = shape.arguments.get(argument.node.as_str()) {
                    self.value(&value.node, ty, value.pos);
                }
            }
        }
        let below = shape.map(|shape| shape.named_type.as_str());
        self.selection_set(&field.node.selection_set.node, below);
    }

    /// `__typename` takes no arguments, and its directives are held to the rules every
    /// other field's are.
    fn typename(&mut self, field: &Positioned<Field>) {
        if let Some((argument, _)) = field.node.arguments.first() {
            self.problems.push((
                format!(
                    "Unknown argument \"{}\" on field \"__typename\".",
                    argument.node
                ),
                argument.pos,
            ));
        }
        let mut seen: HashSet<&Name> = HashSet::new();
        for directive in &field.node.directives {
            let name = &directive.node.name.node;
            let Some(shape) = self.types.field_directives.get(name.as_str()) else {
                self.problems
                    .push((format!("Unknown directive \"{name}\"."), directive.pos));
                continue;
            };
            if !shape.repeatable && !seen.insert(name) {
                self.problems
                    .push((format!("Duplicate directive \"{name}\"."), directive.pos));
            }
            for (argument, value) in &directive.node.arguments {
                match shape.arguments.get(argument.node.as_str()) {
                    Some(ty) => self.value(&value.node, ty, value.pos),
                    None => self.problems.push((
                        format!(
                            "Unknown argument \"{}\" on directive \"{name}\".",
                            argument.node
                        ),
                        argument.pos,
                    )),
                }
            }
            for (required, ty) in &shape.arguments {
                let given = directive
                    .node
                    .arguments
                    .iter()
                    .any(|(argument, _)| argument.node.as_str() == required);
                if !ty.nullable && !given {
                    self.problems.push((
                        format!(
                            "Directive \"@{name}\" argument \"{required}\" of type \"{ty}\" is required, but it was not provided."
                        ),
                        directive.pos,
                    ));
                }
            }
        }
    }

    /// A literal value where a value of `ty` is expected. Variables are not literals.
    fn value(&mut self, value: &Value, ty: &Type, pos: Pos) {
        match (&ty.base, value) {
            (_, Value::Null | Value::Variable(_)) => {}
            (BaseType::List(item), Value::List(items)) => {
                for value in items {
                    self.value(value, item, pos);
                }
            }
            // A single value where a list is expected stands for a list of one.
            (BaseType::List(item), value) => self.value(value, item, pos),
            (BaseType::Named(name), Value::String(text))
                if self.types.enums.contains(name.as_str()) =>
            {
                self.problems.push((
                    format!(
                        "Enum \"{name}\" values are written as names, without quotes: {text}, not \"{text}\"."
                    ),
                    pos,
                ));
            }
            (BaseType::Named(name), Value::Object(fields)) => {
                let Some(input) = self.types.inputs.get(name.as_str()) else {
                    return;
                };
                for (field, value) in fields {
                    if let Some(ty) = input.get(field.as_str()) {
                        self.value(value, ty, pos);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = r#"
        enum Kind { OTHER CASE_STUDY }
        input Audience { kinds: [Kind!] kind: Kind }
        input Create { kind: Kind! audience: Audience title: String }
        type Thing { id: ID! kind: Kind! }
        type Query { things(kind: Kind, kinds: [Kind!], filter: Audience): [Thing!]! }
        type Mutation { create(input: Create!): Thing }
        directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
        directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
        directive @tag(name: String!) repeatable on FIELD
        schema { query: Query mutation: Mutation }
    "#;

    fn check(query: &str) -> Result<(), String> {
        let types = Types::from_sdl(SDL);
        let document = async_graphql::parser::parse_query(query).unwrap();
        types.check(&document).map_err(|error| error.message)
    }

    #[test]
    fn refuses_enum_values_written_as_strings_wherever_they_are() {
        assert!(check("{ things(kind: OTHER) { id } }").is_ok());
        assert!(check(r#"{ things(kind: "OTHER") { id } }"#).is_err());
        assert!(check(r#"{ things(kinds: [OTHER, "CASE_STUDY"]) { id } }"#).is_err());
        assert!(check(r#"{ things(kinds: "OTHER") { id } }"#).is_err());
        assert!(check(r#"{ things(filter: { kinds: ["OTHER"] }) { id } }"#).is_err());
        assert!(check(r#"mutation { create(input: { kind: "OTHER" }) { id } }"#).is_err());
        assert!(
            check(
                r#"mutation { create(input: { kind: OTHER, audience: { kind: "OTHER" } }) { id } }"#
            )
            .is_err()
        );
        assert!(check(r#"query($k: Kind = "OTHER") { things(kind: $k) { id } }"#).is_err());
        assert!(check(r#"fragment F on Query { things(kind: "OTHER") { id } } { ...F }"#).is_err());
        assert!(check(r#"{ ... on Query { things(kind: "OTHER") { id } } }"#).is_err());
        // Variables and strings where strings belong are fine.
        assert!(check("query($k: Kind) { things(kind: $k) { id } }").is_ok());
        assert!(
            check(r#"mutation { create(input: { kind: OTHER, title: "OTHER" }) { id } }"#).is_ok()
        );
    }

    #[test]
    fn holds_typename_to_the_rules_of_every_field() {
        assert!(check("{ __typename @skip(if: false) }").is_ok());
        assert!(check("{ things { __typename @include(if: true) } }").is_ok());
        assert_eq!(
            check("{ __typename @evil }").unwrap_err(),
            "Unknown directive \"evil\"."
        );
        assert!(check("{ __typename @skip(if: false) @skip(if: false) }").is_err());
        assert!(check("{ __typename @skip }").is_err());
        assert!(check("{ __typename @skip(if: false, unless: true) }").is_err());
        assert!(check("{ __typename(x: 1) }").is_err());
        assert!(check("{ things { __typename @evil } }").is_err());
        assert!(check(r#"{ __typename @tag(name: "a") @tag(name: "b") }"#).is_ok());
    }
}
