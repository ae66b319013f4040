//! The schema's inputs as introspection describes them, for tests that try a rule on every
//! input of every mutation and every argument of every query: the least value of each type
//! (only what is required), the paths of texts and of lists inside a type, and a value with
//! one of them replaced.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};

/// A type as introspection describes it.
#[derive(Debug, Clone)]
pub enum Ty {
    NonNull(Box<Ty>),
    List(Box<Ty>),
    Named(String),
}

impl Ty {
    fn read(value: &Value) -> Ty {
        match value["kind"].as_str() {
            Some("NON_NULL") => Ty::NonNull(Box::new(Ty::read(&value["ofType"]))),
            Some("LIST") => Ty::List(Box::new(Ty::read(&value["ofType"]))),
            _ => Ty::Named(value["name"].as_str().unwrap().to_owned()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Ty::NonNull(inner) | Ty::List(inner) => inner.name(),
            Ty::Named(name) => name,
        }
    }

    /// As written in a document: `[ID!]!`.
    pub fn written(&self) -> String {
        match self {
            Ty::NonNull(inner) => format!("{}!", inner.written()),
            Ty::List(inner) => format!("[{}]", inner.written()),
            Ty::Named(name) => name.clone(),
        }
    }
}

/// A field of the schema's roots with its arguments.
pub struct Field {
    /// `query` or `mutation`.
    pub operation: &'static str,
    pub name: String,
    pub args: Vec<(String, Ty)>,
    /// What a document selects in it: `__typename` in an object, nothing in a scalar.
    pub selection: &'static str,
}

/// Where a rule applies inside a value: texts, or lists.
#[derive(Clone, Copy, PartialEq)]
pub enum Target {
    Text,
    List,
}

pub struct Inputs {
    fields: HashMap<String, Vec<(String, Ty, bool)>>,
    enums: HashMap<String, String>,
    pub mutations: Vec<Field>,
    pub queries: Vec<Field>,
}

const TYPE_REF: &str = "fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

impl Inputs {
    /// Whether an input of type `ty` requires a file upload.
    pub fn takes_upload(&self, ty: &Ty) -> bool {
        ty.name() == "Upload"
            || self.fields.get(ty.name()).is_some_and(|fields| {
                fields
                    .iter()
                    .any(|(_, ty, _)| matches!(ty, Ty::NonNull(_)) && self.takes_upload(ty))
            })
    }

    pub async fn read(app: &TestApp) -> Inputs {
        let data = app
            .ok(
                None,
                &format!(
                    "{{ __schema {{
                       queryType {{ fields {{ name args {{ name type {{ ...T }} }} type {{ ...T }} }} }}
                       mutationType {{ fields {{ name args {{ name type {{ ...T }} }} type {{ ...T }} }} }}
                       types {{ name kind inputFields {{ name defaultValue type {{ ...T }} }} enumValues {{ name }} }} }} }} {TYPE_REF}"
                ),
                json!({}),
            )
            .await;
        let schema = &data["__schema"];
        let mut kinds = HashMap::new();
        let mut inputs = Inputs {
            fields: HashMap::new(),
            enums: HashMap::new(),
            mutations: Vec::new(),
            queries: Vec::new(),
        };
        for ty in schema["types"].as_array().unwrap() {
            let name = ty["name"].as_str().unwrap().to_owned();
            let kind = ty["kind"].as_str().unwrap().to_owned();
            match kind.as_str() {
                "INPUT_OBJECT" => {
                    let fields = ty["inputFields"].as_array().unwrap().iter();
                    let fields = fields.map(|field| {
                        (
                            field["name"].as_str().unwrap().to_owned(),
                            Ty::read(&field["type"]),
                            !field["defaultValue"].is_null(),
                        )
                    });
                    inputs.fields.insert(name.clone(), fields.collect());
                }
                "ENUM" => {
                    let first = ty["enumValues"][0]["name"].as_str().unwrap().to_owned();
                    inputs.enums.insert(name.clone(), first);
                }
                _ => {}
            }
            kinds.insert(name, kind);
        }
        let fields = |root: &Value, operation: &'static str| -> Vec<Field> {
            root["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|field| {
                    let ty = Ty::read(&field["type"]);
                    Field {
                        operation,
                        name: field["name"].as_str().unwrap().to_owned(),
                        args: field["args"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|arg| {
                                (
                                    arg["name"].as_str().unwrap().to_owned(),
                                    Ty::read(&arg["type"]),
                                )
                            })
                            .collect(),
                        selection: match kinds[ty.name()].as_str() {
                            "SCALAR" | "ENUM" => "",
                            _ => "{ __typename }",
                        },
                    }
                })
                .collect()
        };
        inputs.queries = fields(&schema["queryType"], "query");
        inputs.mutations = fields(&schema["mutationType"], "mutation");
        inputs
    }

    /// A value of `ty` with only what is required, of the right types.
    pub fn least(&self, ty: &Ty) -> Value {
        match ty {
            Ty::NonNull(inner) => self.least(inner),
            Ty::List(_) => json!([]),
            Ty::Named(name) => match name.as_str() {
                "String" | "ID" => json!("x"),
                "Int" => json!(1),
                "Float" => json!(1.0),
                "Boolean" => json!(false),
                "DateTime" => json!("2026-01-01T09:00:00Z"),
                "NaiveDate" | "Date" => json!("2026-01-01"),
                "URL" => json!("https://example.org/"),
                _ if self.enums.contains_key(name) => json!(self.enums[name]),
                _ => {
                    let fields = self
                        .fields
                        .get(name)
                        .unwrap_or_else(|| panic!("no test value for the type {name}"));
                    let required = fields
                        .iter()
                        .filter(|(_, ty, default)| matches!(ty, Ty::NonNull(_)) && !default);
                    Value::Object(
                        required
                            .map(|(field, ty, _)| (field.clone(), self.least(ty)))
                            .collect(),
                    )
                }
            },
        }
    }

    /// The paths of every text (String or ID), or of every list, inside a value of `ty`;
    /// a list's items are reached through its first (`0`).
    pub fn paths(&self, ty: &Ty, target: Target) -> Vec<Vec<String>> {
        let mut found = Vec::new();
        self.collect(ty, target, &mut Vec::new(), &mut found);
        found
    }

    fn collect(
        &self,
        ty: &Ty,
        target: Target,
        path: &mut Vec<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        match ty {
            Ty::NonNull(inner) => self.collect(inner, target, path, found),
            Ty::List(inner) => {
                if target == Target::List {
                    found.push(path.clone());
                }
                path.push("0".into());
                self.collect(inner, target, path, found);
                path.pop();
            }
            // Text: strings, ids and links.
            Ty::Named(name) if ["String", "ID", "URL"].contains(&name.as_str()) => {
                if target == Target::Text {
                    found.push(path.clone());
                }
            }
            Ty::Named(name) => {
                for (field, ty, _) in self.fields.get(name).into_iter().flatten() {
                    path.push(field.clone());
                    self.collect(ty, target, path, found);
                    path.pop();
                }
            }
        }
    }

    /// The least value of `ty`, with `make(type there)` at `path`.
    pub fn with(&self, ty: &Ty, path: &[String], make: &dyn Fn(&Ty) -> Value) -> Value {
        match (ty, path.split_first()) {
            (Ty::NonNull(inner), _) => self.with(inner, path, make),
            (_, None) => make(ty),
            (Ty::List(inner), Some((_, rest))) => json!([self.with(inner, rest, make)]),
            (Ty::Named(name), Some((field, rest))) => {
                let mut value = self.least(&Ty::Named(name.clone()));
                let (_, field_ty, _) = self.fields[name]
                    .iter()
                    .find(|(name, _, _)| name == field)
                    .unwrap();
                value[field] = self.with(field_ty, rest, make);
                value
            }
        }
    }

    /// A list of `items` least values of the list type `ty`.
    pub fn long_list(&self, ty: &Ty, items: usize) -> Value {
        match ty {
            Ty::NonNull(inner) => self.long_list(inner, items),
            Ty::List(item) => Value::Array(vec![self.least(item); items]),
            Ty::Named(name) => panic!("{name} is not a list"),
        }
    }
}

impl Field {
    /// A document running this root field (selecting `selection` in it) with each argument
    /// passed as a variable, and the variables: the least values, with `arg` (at `path`)
    /// made by `make`.
    pub fn request(
        &self,
        inputs: &Inputs,
        selection: &str,
        (arg, path): (&str, &[String]),
        make: &dyn Fn(&Ty) -> Value,
    ) -> (String, Value) {
        let mut definitions = Vec::new();
        let mut passed = Vec::new();
        let mut variables = serde_json::Map::new();
        for (name, ty) in &self.args {
            let value = if name == arg {
                inputs.with(ty, path, make)
            } else if matches!(ty, Ty::NonNull(_)) {
                inputs.least(ty)
            } else {
                continue;
            };
            definitions.push(format!("${name}: {}", ty.written()));
            passed.push(format!("{name}: ${name}"));
            variables.insert(name.clone(), value);
        }
        let document = format!(
            "{}({}) {{ {}({}) {selection} }}",
            self.operation,
            definitions.join(", "),
            self.name,
            passed.join(", ")
        );
        (document, Value::Object(variables))
    }
}

/// The path of a mutation's input field, as a user error names it.
fn input_path(path: &[String]) -> Value {
    json!(
        std::iter::once("input")
            .chain(path.iter().map(String::as_str))
            .collect::<Vec<_>>()
    )
}

/// A fresh server with a platform admin signed in, and the schema's inputs.
pub struct Trial {
    pub app: TestApp,
    pub admin: String,
    pub inputs: Inputs,
}

/// What one run of a root field answered.
pub struct Tried {
    /// `createPractice links.0.url`, `people filter.search`.
    pub case: String,
    /// The user error path a mutation should name (`["input", "links", "0", "url"]`), or
    /// the argument a query's error should (`filter.search`, `ids[0]`).
    pub named: Value,
    pub body: Value,
}

pub async fn trial() -> Trial {
    let app = spawn_app().await;
    app.person("admin@platform.example", true).await;
    let admin = app.sign_in("admin@platform.example").await;
    let inputs = Inputs::read(&app).await;
    Trial { app, admin, inputs }
}

impl Trial {
    /// Runs, as the admin, every mutation once for each `target` in its input, made by
    /// `make`, selecting the payload's `userErrors`.
    pub async fn each_mutation(&self, target: Target, make: &dyn Fn(&Ty) -> Value) -> Vec<Tried> {
        let mut tried = Vec::new();
        for mutation in &self.inputs.mutations {
            let [(arg, ty)] = &mutation.args[..] else {
                panic!("{} takes one input", mutation.name);
            };
            // A file travels only in a multipart request, which these JSON trials cannot
            // send; `tests/api/imports.rs` tries those inputs in uploads.
            if self.inputs.takes_upload(ty) {
                continue;
            }
            for path in self.inputs.paths(ty, target) {
                let (document, variables) = mutation.request(
                    &self.inputs,
                    "{ userErrors { field code message } }",
                    (arg, &path),
                    make,
                );
                tried.push(Tried {
                    case: format!("{} {}", mutation.name, path.join(".")),
                    named: input_path(&path),
                    body: self.app.gql(Some(&self.admin), &document, variables).await,
                });
            }
        }
        tried
    }

    /// Runs, as the admin, every root query once for each `target` in each argument,
    /// made by `make`.
    pub async fn each_query(&self, target: Target, make: &dyn Fn(&Ty) -> Value) -> Vec<Tried> {
        let mut tried = Vec::new();
        for query in &self.inputs.queries {
            for (arg, ty) in &query.args {
                for path in self.inputs.paths(ty, target) {
                    let (document, variables) =
                        query.request(&self.inputs, query.selection, (arg, &path), make);
                    let mut named = arg.clone();
                    for step in &path {
                        if step.parse::<usize>().is_ok() {
                            named.push_str(&format!("[{step}]"));
                        } else {
                            named.push_str(&format!(".{step}"));
                        }
                    }
                    tried.push(Tried {
                        case: format!("{} {named}", query.name),
                        named: json!(format!("argument `{named}` of `{}`", query.name)),
                        body: self.app.gql(Some(&self.admin), &document, variables).await,
                    });
                }
            }
        }
        tried
    }
}

impl Tried {
    /// Whether a mutation answered with an `INVALID` user error on the path, whose message
    /// holds `message`, and no top-level error.
    pub fn invalid(&self, message: &str) -> bool {
        let payload = self.body["data"]
            .as_object()
            .and_then(|data| data.values().next());
        let errors = payload.and_then(|payload| payload["userErrors"].as_array());
        self.body.get("errors").is_none()
            && errors.is_some_and(|errors| {
                errors.iter().any(|error| {
                    error["field"] == self.named
                        && error["code"] == "INVALID"
                        && error["message"]
                            .as_str()
                            .is_some_and(|m| m.contains(message))
                })
            })
    }

    /// Whether a query was refused with `BAD_USER_INPUT` naming the argument, then `message`.
    pub fn bad_user_input(&self, message: &str) -> bool {
        let error = &self.body["errors"][0];
        let expected = format!("{} {message}", self.named.as_str().unwrap());
        error["extensions"]["code"] == "BAD_USER_INPUT"
            && error["message"]
                .as_str()
                .is_some_and(|m| m.contains(&expected))
    }
}

/// The cases of `tried` for which `refused` does not hold, with their answers.
pub fn not_refused(tried: &[Tried], refused: impl Fn(&Tried) -> bool) -> Vec<String> {
    tried
        .iter()
        .filter(|tried| !refused(tried))
        .map(|tried| format!("{}: {}", tried.case, tried.body))
        .collect()
}
