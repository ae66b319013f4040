//! `schema.graphql` at the repository root is the schema as served, so that front ends
//! generate their code from the real thing.

/// The checked-in schema equals what the server prints; when it does not, regenerate it.
#[test]
fn schema_file_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
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
