//! Every part of the schema that a front-end developer reads, in GraphiQL's docs or in the
//! comments of generated code, says what it is: each type, field, argument, input field
//! and enum value has a description.

use serde_json::{Value, json};

use crate::common::spawn_app;

const INTROSPECTION: &str = r#"{
  __schema {
    types {
      name
      description
      fields(includeDeprecated: true) { name description args { name description } }
      inputFields { name description }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}"#;

#[tokio::test]
async fn every_type_field_argument_input_field_and_enum_value_is_described() {
    let app = spawn_app().await;
    let data = app.ok(None, INTROSPECTION, json!({})).await;
    let missing = undescribed(&data["__schema"]["types"]);
    assert!(
        missing.is_empty(),
        "{} parts of the schema have no description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// The schema's own parts that lack a description, as `Type`, `Type.field`,
/// `Type.field(argument)`, `Input.field` or `Enum.VALUE`. The introspection types
/// (`__Schema`...) belong to GraphQL itself.
fn undescribed(types: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    for ty in types.as_array().expect("a list of types") {
        let name = ty["name"].as_str().expect("a named type");
        if name.starts_with("__") {
            continue;
        }
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for field in listed(&ty["fields"]) {
            let field_name = format!("{name}.{}", field["name"].as_str().unwrap_or_default());
            if !described(field) {
                missing.push(field_name.clone());
            }
            for argument in listed(&field["args"]) {
                if !described(argument) {
                    missing.push(format!(
                        "{field_name}({})",
                        argument["name"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
        for part in listed(&ty["inputFields"]).chain(listed(&ty["enumValues"])) {
            if !described(part) {
                missing.push(format!(
                    "{name}.{}",
                    part["name"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    missing
}

fn listed(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

fn described(part: &Value) -> bool {
    part["description"]
        .as_str()
        .is_some_and(|text| !text.trim().is_empty())
}
