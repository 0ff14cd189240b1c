//! The command line: exit codes, write-if-changed, stale cleanup, `--check` with a diff.

use std::ffi::OsString;
use std::path::Path;

struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Run {
    let args: Vec<OsString> = args.iter().map(|a| a.as_ref().to_owned()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = flywheel_codegen::cli::run_with(args, &mut out, &mut err);
    Run {
        code,
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

const SCHEMA: &str = r#"[table]
name = "Things"
hash_key = "id"

[fields]
id = "string"
size = "int"
"#;

fn setup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    std::fs::create_dir(&schemas).unwrap();
    std::fs::write(schemas.join("thing.toml"), SCHEMA).unwrap();
    let out = dir.path().join("models");
    (dir, schemas, out)
}

fn mtime(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn generates_then_rewrites_nothing() {
    let (_dir, schemas, out) = setup();
    let first = run(&[&schemas, &"-o", &out]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first
            .stdout
            .contains("2 files written, 0 unchanged, 0 removed"),
        "{}",
        first.stdout
    );
    let before = mtime(&out.join("thing.rs"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = run(&[&schemas, &"-o", &out]);
    assert_eq!(second.code, 0);
    assert!(
        second
            .stdout
            .contains("0 files written, 2 unchanged, 0 removed"),
        "{}",
        second.stdout
    );
    assert_eq!(
        before,
        mtime(&out.join("thing.rs")),
        "an unchanged file is not rewritten"
    );
}

#[test]
fn check_passes_when_up_to_date_and_fails_with_a_diff_after_an_edit() {
    let (_dir, schemas, out) = setup();
    assert_eq!(run(&[&schemas, &"-o", &out]).code, 0);
    let ok = run(&[&"--check", &schemas, &"-o", &out]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("is up to date"), "{}", ok.stdout);

    std::fs::write(
        schemas.join("thing.toml"),
        SCHEMA.replace("size = \"int\"", "size = \"int\"\ncolor = \"string\""),
    )
    .unwrap();
    let before = std::fs::read_to_string(out.join("thing.rs")).unwrap();
    let drift = run(&[&"--check", &schemas, &"-o", &out]);
    assert_eq!(drift.code, 1);
    assert!(
        drift
            .stderr
            .contains("+    pub color: ::core::option::Option<::std::string::String>,"),
        "{}",
        drift.stderr
    );
    assert!(
        drift.stderr.contains("(on disk)") && drift.stderr.contains("(generated)"),
        "{}",
        drift.stderr
    );
    assert!(
        drift.stderr.contains("help: run `flywheel-codegen"),
        "{}",
        drift.stderr
    );
    assert_eq!(
        before,
        std::fs::read_to_string(out.join("thing.rs")).unwrap(),
        "--check writes nothing"
    );
}

#[test]
fn removes_stale_generated_files_and_nothing_else() {
    let (_dir, schemas, out) = setup();
    std::fs::write(
        schemas.join("other_thing.toml"),
        SCHEMA.replace("Things", "OtherThings"),
    )
    .unwrap();
    assert_eq!(run(&[&schemas, &"-o", &out]).code, 0);
    assert!(out.join("other_thing.rs").exists());
    std::fs::write(out.join("handwritten.rs"), "// mine\n").unwrap();
    std::fs::remove_file(schemas.join("other_thing.toml")).unwrap();

    let check = run(&[&"--check", &schemas, &"-o", &out]);
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.contains("stale generated file"),
        "{}",
        check.stderr
    );

    let r = run(&[&schemas, &"-o", &out]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("1 removed"), "{}", r.stdout);
    assert!(!out.join("other_thing.rs").exists());
    assert!(
        out.join("handwritten.rs").exists(),
        "a file without the header is never removed"
    );
}

#[test]
fn exit_codes() {
    let (_dir, schemas, out) = setup();
    assert_eq!(run(&[&"--help"]).code, 0);
    assert!(run(&[&"--version"]).stdout.starts_with("flywheel-codegen "));
    let usage = run(&[&schemas]);
    assert_eq!(usage.code, 2, "missing -o is a usage error");
    assert!(usage.stderr.contains("Usage:"), "{}", usage.stderr);
    assert_eq!(run(&[&"--frobnicate", &schemas, &"-o", &out]).code, 2);
    assert_eq!(run(&[&"-o", &out]).code, 2, "no inputs is a usage error");

    let missing = run(&[&"does-not-exist", &"-o", &out]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("does-not-exist"),
        "{}",
        missing.stderr
    );

    let empty = tempfile::tempdir().unwrap();
    let none = run(&[&empty.path(), &"-o", &out]);
    assert_eq!(none.code, 1);
    assert!(
        none.stderr.contains("no `*.toml` schema files"),
        "{}",
        none.stderr
    );

    std::fs::write(
        schemas.join("thing.toml"),
        SCHEMA.replace("\"int\"", "\"integer\""),
    )
    .unwrap();
    let bad = run(&[&schemas, &"-o", &out]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("thing.toml:7:9"), "{}", bad.stderr);
    assert!(!out.exists(), "nothing is written when a schema has errors");
}

#[test]
fn every_error_of_every_file_in_one_run() {
    let (_dir, schemas, out) = setup();
    std::fs::write(
        schemas.join("thing.toml"),
        SCHEMA
            .replace("\"int\"", "\"integer\"")
            .replace("\"string\"", "\"strng\""),
    )
    .unwrap();
    std::fs::write(
        schemas.join("zebra.toml"),
        "[table]\nhash_key = \"nope\"\n[fields]\nid = \"string\"\n",
    )
    .unwrap();
    let r = run(&[&schemas, &"-o", &out]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("unknown type `strng`"), "{}", r.stderr);
    assert!(r.stderr.contains("unknown type `integer`"), "{}", r.stderr);
    assert!(r.stderr.contains("zebra.toml:2:12"), "{}", r.stderr);
    assert!(
        r.stderr.contains("error: 3 schema errors in 2 files"),
        "{}",
        r.stderr
    );
}
