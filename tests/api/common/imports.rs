//! Imports as a client sends them: files from `tests/fixtures`, zipped when a folder, and
//! sent as a GraphQL multipart upload.

use std::io::Write;
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::TestApp;

pub const IMPORT_ONEROSTER: &str = "mutation($input: ImportOneRosterExportInput!) { importOneRosterExport(input: $input) { report { dryRun files { file created updated linked ended unchanged skipped } problems { file line key reason } problemCount } userErrors { field code message } } }";

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// The files of a fixture folder (an unzipped OneRoster export), zipped as an MIS
/// exports them.
pub fn zipped(folder: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut entries: Vec<_> = std::fs::read_dir(fixture(folder))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Sends `query` with `file` as the upload in `variables.input.file`, as the GraphQL
/// multipart request specification lays it out.
pub async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    input: Value,
    file_name: &str,
    file: Vec<u8>,
) -> (StatusCode, Value) {
    let mut input = input;
    input["file"] = Value::Null;
    let operations = json!({ "query": query, "variables": { "input": input } });
    let boundary = "trellis-test-boundary-7d3f";
    let mut body = Vec::new();
    let part = |body: &mut Vec<u8>, headers: &str, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        &mut body,
        "Content-Disposition: form-data; name=\"operations\"",
        operations.to_string().as_bytes(),
    );
    part(
        &mut body,
        "Content-Disposition: form-data; name=\"map\"",
        br#"{"0":["variables.input.file"]}"#,
    );
    part(
        &mut body,
        &format!(
            "Content-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream"
        ),
        &file,
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("apollo-require-preflight", "true")
        .body(body)
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}
