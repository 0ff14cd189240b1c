//! The checked-in models are exactly what the generator writes today, in both modes.

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schemas() -> PathBuf {
    crate_dir().join("../schemas")
}

fn models() -> PathBuf {
    crate_dir().join("src/models")
}

#[test]
fn checked_in_models_match_a_fresh_run() {
    let result = flywheel_codegen::Builder::new()
        .schema_dir(schemas())
        .out_dir(models())
        .serde(true)
        .check();
    if let Err(e) = result {
        panic!(
            "src/models is out of date; run `cargo run -p flywheel-codegen -- --serde schemas -o generated-example/src/models`\n{e}"
        );
    }
}

#[test]
fn a_second_run_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(&models());
    for name in &files {
        let target = dir.path().join(name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(models().join(name), target).unwrap();
    }
    let report = flywheel_codegen::Builder::new()
        .schema_dir(schemas())
        .out_dir(dir.path())
        .serde(true)
        .generate()
        .unwrap();
    assert!(report.written.is_empty(), "rewrote {:?}", report.written);
    assert!(report.removed.is_empty(), "removed {:?}", report.removed);
    assert_eq!(report.unchanged.len(), files.len());
}

/// The files under `dir`, by their path relative to it, in its folders too.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = std::path::PathBuf::from(path.file_name().unwrap());
        if path.is_dir() {
            out.extend(files(&path).into_iter().map(|f| name.join(f)));
        } else {
            out.push(name);
        }
    }
    out
}

#[test]
fn build_script_mode_writes_the_same_per_table_code() {
    let out = Path::new(env!("OUT_DIR")).join("flywheel");
    let mut compared = 0;
    for name in files(&models()) {
        if name == Path::new("mod.rs") {
            continue;
        }
        let cli = std::fs::read_to_string(models().join(&name)).unwrap();
        let build = std::fs::read_to_string(out.join(&name)).unwrap();
        assert_eq!(
            cli,
            build,
            "{} differs between CLI and build-script mode",
            name.display()
        );
        compared += 1;
    }
    let schemas = files(&schemas());
    assert_eq!(compared, schemas.len());
    // Both modes produce models with the same table metadata.
    use flywheel_runtime::Model;
    assert_eq!(
        generated_example::models::GameScore::SCHEMA,
        generated_example::build_mode::GameScore::SCHEMA
    );
    assert_eq!(
        generated_example::build_mode::TABLES.len(),
        generated_example::models::TABLES.len()
    );
}
