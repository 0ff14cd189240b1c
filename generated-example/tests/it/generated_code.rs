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
    for entry in std::fs::read_dir(models()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let report = flywheel_codegen::Builder::new()
        .schema_dir(schemas())
        .out_dir(dir.path())
        .serde(true)
        .generate()
        .unwrap();
    assert!(report.written.is_empty(), "rewrote {:?}", report.written);
    assert!(report.removed.is_empty(), "removed {:?}", report.removed);
    assert_eq!(
        report.unchanged.len(),
        std::fs::read_dir(models()).unwrap().count()
    );
}

#[test]
fn build_script_mode_writes_the_same_per_table_code() {
    let out = Path::new(env!("OUT_DIR")).join("flywheel");
    let mut compared = 0;
    for entry in std::fs::read_dir(models()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        if name == "mod.rs" {
            continue;
        }
        let cli = std::fs::read_to_string(&path).unwrap();
        let build = std::fs::read_to_string(out.join(name)).unwrap();
        assert_eq!(
            cli,
            build,
            "{} differs between CLI and build-script mode",
            name.to_string_lossy()
        );
        compared += 1;
    }
    assert_eq!(compared, std::fs::read_dir(schemas()).unwrap().count());
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
