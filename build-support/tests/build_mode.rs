//! The build-script helper: rerun-if-changed for every schema file and directory, readable
//! errors, and the same per-table code as the CLI.

use std::path::Path;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const SCHEMA: &str = r#"
[table]
name = "Things"
hash_key = "id"

[fields]
id = "string"
size = "int"
"#;

#[test]
fn prints_rerun_if_changed_for_every_schema_file_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    write(&schemas.join("thing.toml"), SCHEMA);
    write(
        &schemas.join("nested/other_thing.toml"),
        &SCHEMA.replace("Things", "OtherThings"),
    );
    write(&schemas.join("README.md"), "not a schema");
    let out = dir.path().join("out");
    let mut printed = Vec::new();
    flywheel_build::Builder::new()
        .schema_dir(&schemas)
        .out_dir(&out)
        .generate_to(&mut printed)
        .unwrap();
    let printed = String::from_utf8(printed).unwrap();
    let reruns: Vec<&str> = printed
        .lines()
        .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
        .collect();
    for expected in [
        schemas.clone(),
        schemas.join("nested"),
        schemas.join("thing.toml"),
        schemas.join("nested/other_thing.toml"),
    ] {
        assert!(
            reruns.contains(&expected.display().to_string().as_str()),
            "missing rerun-if-changed for {} in:\n{printed}",
            expected.display()
        );
    }
    assert!(
        !printed.contains("README.md"),
        "non-schema files are not watched:\n{printed}"
    );
    assert!(out.join("mod.rs").is_file() && out.join("thing.rs").is_file());
}

#[test]
fn schema_errors_are_one_readable_error() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    write(
        &schemas.join("thing.toml"),
        &SCHEMA.replace("\"int\"", "\"integer\""),
    );
    let mut printed = Vec::new();
    let err = flywheel_build::Builder::new()
        .schema_dir(&schemas)
        .out_dir(dir.path().join("out"))
        .generate_to(&mut printed)
        .unwrap_err();
    let printed = String::from_utf8(printed).unwrap();
    assert!(printed.contains("cargo:rerun-if-changed="), "{printed}");
    // Once, from `main`'s error, not a second time as cargo warnings.
    assert!(!printed.contains("cargo:warning"), "{printed}");
    assert!(err.to_string().contains("thing.toml:8:9"), "{err}");
    // `main() -> Result<(), Error>` prints `Error: {:?}`: the same readable text, its first
    // diagnostic on a line of its own.
    let debug = format!("Error: {err:?}");
    assert!(debug.contains("\nerror: unknown type `integer`"), "{debug}");
    assert!(debug.contains("help: did you mean `int`?"), "{debug}");
    assert_eq!(
        debug,
        format!("Error: flywheel could not generate the models\n{err}")
    );
}

#[test]
fn without_out_dir_outside_a_build_script_it_says_what_to_do() {
    // SAFETY-free: tests of this crate run without OUT_DIR (no build script).
    assert!(std::env::var_os("OUT_DIR").is_none());
    let err = flywheel_build::compile("does-not-matter").unwrap_err();
    assert!(err.to_string().contains("OUT_DIR is not set"), "{err}");
}

#[test]
fn build_mode_and_cli_mode_write_the_same_per_table_code() {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let dir = tempfile::tempdir().unwrap();
    let (build_out, cli_out) = (dir.path().join("build"), dir.path().join("cli"));
    flywheel_build::Builder::new()
        .schema_dir(&schemas)
        .out_dir(&build_out)
        .generate_to(&mut Vec::new())
        .unwrap();
    let args = vec![
        schemas.clone().into_os_string(),
        "-o".into(),
        cli_out.clone().into_os_string(),
    ];
    let code = flywheel_codegen::cli::run_with(args, &mut Vec::new(), &mut Vec::new());
    assert_eq!(code, 0);
    let compared = compare(&cli_out, &build_out);
    assert_eq!(compared, count_schemas(&schemas));
    let build_mod = std::fs::read_to_string(build_out.join("mod.rs")).unwrap();
    assert!(
        build_mod.contains("include!(\"game_score.rs\")"),
        "{build_mod}"
    );
    assert!(
        !build_mod.contains("#!["),
        "include! files carry no inner attributes"
    );
    // A schema folder's files are included from their folder.
    assert!(
        build_mod.contains("include!(\"ecommerce/order.rs\")"),
        "{build_mod}"
    );
}

/// Compares the per-table files of `cli` with those of `build`, in folders too; returns how
/// many it compared.
fn compare(cli: &Path, build: &Path) -> usize {
    let mut compared = 0;
    for entry in std::fs::read_dir(cli).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        if path.is_dir() {
            compared += compare(&path, &build.join(name));
            continue;
        }
        if name == "mod.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let built = std::fs::read_to_string(build.join(name)).unwrap();
        assert_eq!(
            text,
            built,
            "{} differs between modes",
            name.to_string_lossy()
        );
        compared += 1;
    }
    compared
}

/// The schema files under `dir`.
fn count_schemas(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| match path.is_dir() {
            true => count_schemas(&path),
            false => usize::from(path.extension().is_some_and(|e| e == "toml")),
        })
        .sum()
}

/// Every option of the generator's builder applies in a build script, through `From`.
#[test]
fn a_configured_generator_keeps_its_options_in_build_mode() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    write(&schemas.join("thing.toml"), SCHEMA);
    let out = dir.path().join("out");
    let generator = flywheel_build::Generator::new()
        .schema_dir(&schemas)
        .out_dir(&out)
        .runtime_path("crate::rt");
    let mut printed = Vec::new();
    flywheel_build::Builder::from(generator)
        .generate_to(&mut printed)
        .unwrap();
    let printed = String::from_utf8(printed).unwrap();
    assert!(
        printed.contains(&format!(
            "cargo:rerun-if-changed={}",
            schemas.join("thing.toml").display()
        )),
        "{printed}"
    );
    let module = std::fs::read_to_string(out.join("mod.rs")).unwrap();
    assert!(module.contains("include!(\"thing.rs\")"), "{module}");
    for text in [
        module,
        std::fs::read_to_string(out.join("thing.rs")).unwrap(),
    ] {
        assert!(!text.contains("::flywheel_runtime"), "{text}");
        // A table's file names the runtime through one `use` of the path.
        assert!(
            text.contains("crate::rt::") || text.contains("\nuse crate::rt as rt;\n"),
            "{text}"
        );
        assert!(
            text.lines()
                .next()
                .unwrap()
                .ends_with(" with --runtime-path crate::rt. DO NOT EDIT."),
            "{text}"
        );
    }
}
