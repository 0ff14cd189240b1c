//! Golden snapshots of the generated code for every schema in `schemas/`, and determinism.

use std::path::Path;

fn schemas() -> &'static Path {
    Path::new("../schemas")
}

#[test]
fn generated_code_of_every_example_schema() {
    insta::glob!("../../schemas", "*.toml", |path| {
        let files = flywheel_codegen::Builder::new()
            .schema_dir(path)
            .render()
            .unwrap();
        let table = files.iter().find(|f| f.name != "mod.rs").unwrap();
        insta::assert_snapshot!(table.contents);
    });
}

#[test]
fn module_tree_over_all_example_schemas() {
    let files = flywheel_codegen::Builder::new()
        .schema_dir(schemas())
        .render()
        .unwrap();
    let module = files.iter().find(|f| f.name == "mod.rs").unwrap();
    insta::assert_snapshot!(module.contents);
}

/// Copies the folder `from` to `to`, with its subfolders.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, target).unwrap();
        }
    }
}

#[test]
fn output_is_deterministic_and_machine_independent() {
    let first = flywheel_codegen::Builder::new()
        .schema_dir(schemas())
        .render()
        .unwrap();
    for _ in 0..3 {
        let again = flywheel_codegen::Builder::new()
            .schema_dir(schemas())
            .render()
            .unwrap();
        assert_eq!(first, again);
    }
    // The same schemas under another path give the same bytes: no absolute paths leak in.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("schemas");
    copy_dir(Path::new(schemas()), &copy);
    let elsewhere = flywheel_codegen::Builder::new()
        .schema_dir(&copy)
        .render()
        .unwrap();
    assert_eq!(first, elsewhere);
    for file in &first {
        assert!(
            !file.contents.contains(env!("CARGO_MANIFEST_DIR")),
            "{} names a local path",
            file.name
        );
        assert!(file.contents.starts_with(flywheel_codegen::HEADER_PREFIX));
    }
}

#[test]
fn serde_derives_when_asked_for() {
    let files = flywheel_codegen::Builder::new()
        .schema_dir("../schemas/user_profile.toml")
        .serde(true)
        .render()
        .unwrap();
    let table = files.iter().find(|f| f.name != "mod.rs").unwrap();
    insta::assert_snapshot!(table.contents);
}

/// The runtime path is the only thing `runtime_path` changes: with the default path put back,
/// every file has the same tokens as the default output.
#[test]
fn runtime_path_replaces_every_path_to_the_runtime() {
    let default = flywheel_codegen::Builder::new()
        .schema_dir(schemas())
        .serde(true)
        .render()
        .unwrap();
    let custom = flywheel_codegen::Builder::new()
        .schema_dir(schemas())
        .serde(true)
        .runtime_path("crate::rt")
        .render()
        .unwrap();
    assert_eq!(default.len(), custom.len());
    // Tokens without the layout, which follows the length of the lines: line breaks and the
    // trailing commas a broken list gets.
    let tokens = |text: &str| {
        let mut tokens = text.split_whitespace().collect::<String>();
        for close in [")", ">", "]", "}"] {
            tokens = tokens.replace(&format!(",{close}"), close);
        }
        tokens
    };
    for (default, custom) in default.iter().zip(&custom) {
        assert_eq!(default.name, custom.name);
        let text = &custom.contents;
        assert!(!text.contains("::flywheel_runtime"), "{}", custom.name);
        // A table's file names the runtime through one `use` of the path.
        assert!(
            text.contains("crate::rt::") || text.contains("\nuse crate::rt as rt;\n"),
            "{}",
            custom.name
        );
        let (header, body) = text.split_once('\n').unwrap();
        assert!(
            header.ends_with(" with --serde --runtime-path crate::rt. DO NOT EDIT."),
            "{header}"
        );
        let (_, default_body) = default.contents.split_once('\n').unwrap();
        assert_eq!(
            tokens(&body.replace("crate::rt", "::flywheel_runtime")),
            tokens(default_body),
            "{}",
            custom.name
        );
    }
}

/// A table of several entities renders as a set: the table's schema and collections, and each
/// entity's model.
#[test]
fn generated_code_of_the_ecommerce_design() {
    let files = flywheel_codegen::Builder::new()
        .schema_dir("../schemas/ecommerce")
        .render()
        .unwrap();
    for file in files {
        insta::assert_snapshot!(format!("ecommerce_{}", file.name), file.contents);
    }
}

/// A collection on a global index keyed by several attributes: its `query` takes every
/// hash-key attribute, as the entities' own queries of the index do.
#[test]
fn a_collection_on_a_key_of_several_attributes_takes_every_hash_key_attribute() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "table.toml",
            r#"
            [table]
            name = "League"
            hash_key = "pk"
            range_key = "sk"
            discriminator = "kind"

            [fields]
            pk = "string"
            sk = "string"
            tournament = "string"
            region = "string"
            round = "int"

            [indexes.ByTournament]
            hash_key = ["tournament", "region"]
            range_key = "round"

            [collections.Bracket]
            index = "ByTournament"
            entities = ["Match", "Team"]
            "#,
        ),
        (
            "match.toml",
            r#"
            [entity]
            table = "League"
            model = "Match"

            [fields]
            pk = { template = "MATCH#{id}" }
            sk = { template = "MATCH" }
            id = { type = "string", required = true }
            tournament = { type = "string", required = true }
            region = { type = "string", required = true }
            round = { type = "int", required = true }
            "#,
        ),
        (
            "team.toml",
            r#"
            [entity]
            table = "League"
            model = "Team"

            [fields]
            pk = { template = "TEAM#{name}" }
            sk = { template = "TEAM" }
            name = { type = "string", required = true }
            tournament = "string"
            region = "string"
            round = "int"
            "#,
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let files = flywheel_codegen::Builder::new()
        .schema_dir(dir.path())
        .render()
        .unwrap();
    let table = files.iter().find(|f| f.name == "table.rs").unwrap();
    let query = &table.contents[table.contents.find("impl Bracket").unwrap()..];
    let query = &query[..query.find("\n    }\n").unwrap()];
    for expected in [
        "tournament: impl rt::IntoValue<rt::codec::Str>",
        "region: impl rt::IntoValue<rt::codec::Str>",
        "rt::Query::with_hash(",
        ".of_entities(&[\"Match\", \"Team\"])",
    ] {
        assert!(query.contains(expected), "`{expected}` in:\n{query}");
    }
}
