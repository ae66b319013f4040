//! `schema.graphql` at the repository root is the schema as served, so that front ends
//! generate their code from the real thing: the same text `export-schema` prints, and
//! the same types, fields, arguments, descriptions, deprecations and `@specifiedBy` URLs
//! that introspection shows a client.

use std::collections::BTreeSet;

use async_graphql::Positioned;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    ConstDirective, InputValueDefinition, TypeKind, TypeSystemDefinition,
};
use serde_json::{Value, json};

use crate::common::spawn_app;

fn schema_file() -> (std::path::PathBuf, String) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    (path, text)
}

/// The checked-in schema equals what the server prints; when it does not, regenerate it.
#[test]
fn schema_file_is_up_to_date() {
    let (path, on_disk) = schema_file();
    let served = trellis::schema::sdl();
    if on_disk != served {
        let first_difference = on_disk
            .lines()
            .zip(served.lines())
            .position(|(disk, live)| disk != live)
            .map_or_else(
                || "one is a prefix of the other".to_owned(),
                |line| format!("first difference at line {}", line + 1),
            );
        panic!(
            "{} is stale ({first_difference}); run `cargo run -- export-schema > schema.graphql`",
            path.display()
        );
    }
}

/// Introspection and the file describe the same schema, part by part.
#[tokio::test]
async fn schema_file_says_what_introspection_says() {
    let app = spawn_app().await;
    let served = app.ok(None, INTROSPECTION, json!({})).await;
    let introspected = parts_of_introspection(&served["__schema"]["types"]);
    let (path, text) = schema_file();
    let in_file = parts_of_file(&text);
    let missing: Vec<_> = introspected.difference(&in_file).collect();
    let extra: Vec<_> = in_file.difference(&introspected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} differs from introspection; run `cargo run -- export-schema > schema.graphql`\n\
         served, not in the file: {missing:#?}\nin the file, not served: {extra:#?}",
        path.display()
    );
}

const INTROSPECTION: &str = r#"
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
fragment Input on __InputValue { name description type { ...Ref } }
{
  __schema {
    types {
      kind name description specifiedByURL
      fields(includeDeprecated: true) {
        name description isDeprecated deprecationReason args { ...Input } type { ...Ref }
      }
      inputFields { ...Input }
      enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
      interfaces { name }
      possibleTypes { name }
    }
  }
}"#;

/// A part of a schema, as one line: what it is, its type, its description.
fn part(what: String, description: Option<&str>) -> String {
    format!("{what} \"{}\"", description.unwrap_or_default().trim())
}

fn type_ref(ty: &Value) -> String {
    match ty["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_ref(&ty["ofType"])),
        Some("LIST") => format!("[{}]", type_ref(&ty["ofType"])),
        _ => ty["name"].as_str().unwrap_or_default().to_owned(),
    }
}

fn deprecation(is_deprecated: &Value, reason: &Value) -> String {
    if is_deprecated.as_bool() == Some(true) {
        format!(" @deprecated({})", reason.as_str().unwrap_or_default())
    } else {
        String::new()
    }
}

fn parts_of_introspection(types: &Value) -> BTreeSet<String> {
    let mut parts = BTreeSet::new();
    let list = |value: &Value| value.as_array().cloned().unwrap_or_default();
    let text = |value: &Value| value.as_str().map(str::to_owned);
    for ty in list(types) {
        let name = ty["name"].as_str().unwrap_or_default().to_owned();
        if name.starts_with("__")
            || ["String", "Int", "Float", "Boolean", "ID"].contains(&name.as_str())
        {
            continue;
        }
        let kind = ty["kind"].as_str().unwrap_or_default().to_lowercase();
        let specified_by = text(&ty["specifiedByURL"])
            .map(|url| format!(" @specifiedBy({url})"))
            .unwrap_or_default();
        parts.insert(part(
            format!("{kind} {name}{specified_by}"),
            ty["description"].as_str(),
        ));
        for field in list(&ty["fields"]) {
            let field_name = format!("{name}.{}", field["name"].as_str().unwrap_or_default());
            let deprecated = deprecation(&field["isDeprecated"], &field["deprecationReason"]);
            parts.insert(part(
                format!("{field_name}: {}{deprecated}", type_ref(&field["type"])),
                field["description"].as_str(),
            ));
            for argument in list(&field["args"]) {
                parts.insert(input_part(&field_name, &argument));
            }
        }
        for field in list(&ty["inputFields"]) {
            parts.insert(input_part(&name, &field));
        }
        for value in list(&ty["enumValues"]) {
            let deprecated = deprecation(&value["isDeprecated"], &value["deprecationReason"]);
            let value_name = value["name"].as_str().unwrap_or_default();
            parts.insert(part(
                format!("{name}.{value_name}{deprecated}"),
                value["description"].as_str(),
            ));
        }
        for interface in list(&ty["interfaces"]) {
            parts.insert(format!(
                "{name} implements {}",
                interface["name"].as_str().unwrap_or_default()
            ));
        }
        if kind == "union" {
            for member in list(&ty["possibleTypes"]) {
                parts.insert(format!(
                    "{name} = {}",
                    member["name"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    parts
}

fn input_part(owner: &str, input: &Value) -> String {
    part(
        format!(
            "{owner}({}): {}",
            input["name"].as_str().unwrap_or_default(),
            type_ref(&input["type"])
        ),
        input["description"].as_str(),
    )
}

fn described(description: &Option<Positioned<String>>) -> Option<&str> {
    description.as_ref().map(|text| text.node.as_str())
}

fn directive_argument(directives: &[Positioned<ConstDirective>], name: &str) -> Option<String> {
    let directive = directives
        .iter()
        .find(|directive| directive.node.name.node == name)?;
    let argument = directive.node.arguments.first()?;
    match &argument.1.node {
        async_graphql::Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

fn deprecated_in_file(directives: &[Positioned<ConstDirective>]) -> String {
    if directives
        .iter()
        .any(|directive| directive.node.name.node == "deprecated")
    {
        format!(
            " @deprecated({})",
            directive_argument(directives, "deprecated").unwrap_or_default()
        )
    } else {
        String::new()
    }
}

fn input_part_in_file(owner: &str, input: &Positioned<InputValueDefinition>) -> String {
    part(
        format!("{owner}({}): {}", input.node.name.node, input.node.ty.node),
        described(&input.node.description),
    )
}

fn parts_of_file(text: &str) -> BTreeSet<String> {
    let document = parse_schema(text).expect("schema.graphql parses");
    let mut parts = BTreeSet::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = ty.node;
        let name = ty.name.node.to_string();
        let kind = match &ty.kind {
            TypeKind::Scalar => "scalar",
            TypeKind::Object(_) => "object",
            TypeKind::Interface(_) => "interface",
            TypeKind::Union(_) => "union",
            TypeKind::Enum(_) => "enum",
            TypeKind::InputObject(_) => "input_object",
        };
        let specified_by = directive_argument(&ty.directives, "specifiedBy")
            .map(|url| format!(" @specifiedBy({url})"))
            .unwrap_or_default();
        parts.insert(part(
            format!("{kind} {name}{specified_by}"),
            described(&ty.description),
        ));
        let (fields, implements) = match &ty.kind {
            TypeKind::Object(object) => (&object.fields[..], &object.implements[..]),
            TypeKind::Interface(interface) => (&interface.fields[..], &interface.implements[..]),
            _ => (&[][..], &[][..]),
        };
        for field in fields {
            let field = &field.node;
            let field_name = format!("{name}.{}", field.name.node);
            let deprecated = deprecated_in_file(&field.directives);
            parts.insert(part(
                format!("{field_name}: {}{deprecated}", field.ty.node),
                described(&field.description),
            ));
            for argument in &field.arguments {
                parts.insert(input_part_in_file(&field_name, argument));
            }
        }
        for interface in implements {
            parts.insert(format!("{name} implements {}", interface.node));
        }
        match &ty.kind {
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    parts.insert(input_part_in_file(&name, field));
                }
            }
            TypeKind::Enum(values) => {
                for value in &values.values {
                    let value = &value.node;
                    let deprecated = deprecated_in_file(&value.directives);
                    parts.insert(part(
                        format!("{name}.{}{deprecated}", value.value.node),
                        described(&value.description),
                    ));
                }
            }
            TypeKind::Union(union) => {
                for member in &union.members {
                    parts.insert(format!("{name} = {}", member.node));
                }
            }
            _ => {}
        }
    }
    parts
}
