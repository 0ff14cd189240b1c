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
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(schemas()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
    }
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
