//! The TOML blocks of the workspace's README: every schema in it validates and generates code,
//! and every `Cargo.toml` in it parses.

use flywheel_codegen::Builder;

/// The fenced blocks of `README.md` with the given info string, in order.
fn blocks(info: &str) -> Vec<String> {
    let readme = std::fs::read_to_string("../README.md").expect("the README is readable");
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed.strip_prefix("```") == Some(info) => current = Some(String::new()),
            Some(_) if trimmed == "```" => out.extend(current.take()),
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "an unclosed ```{info} block");
    out
}

/// Whether a TOML block is a schema: it has a `[table]` or an `[entity]`.
fn is_schema(block: &str) -> bool {
    block.contains("[table]") || block.contains("[entity]")
}

/// The schema a TOML block is an excerpt of, when its first line says so
/// (`# schemas/order.toml (excerpt)`).
fn excerpt_of(block: &str) -> Option<&str> {
    block
        .lines()
        .next()?
        .strip_prefix("# ")?
        .strip_suffix(" (excerpt)")
}

/// The folder of `schemas/` a block belongs to, when its first line names a file there
/// (`# schemas/ecommerce/order.toml`), and the file's name.
fn in_folder(block: &str) -> Option<(String, String)> {
    let path = block.lines().next()?.strip_prefix("# schemas/")?;
    let (folder, file) = path.trim().split_once('/')?;
    Some((folder.to_owned(), file.to_owned()))
}

#[test]
fn every_schema_in_the_readme_is_valid() {
    let schemas: Vec<String> = blocks("toml")
        .into_iter()
        .filter(|b| is_schema(b) && in_folder(b).is_none())
        .collect();
    assert!(
        schemas.len() >= 2,
        "the README shows the reference schema and the one of \"Your own crate\""
    );
    for (i, schema) in schemas.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("game_score.toml");
        std::fs::write(&path, schema).unwrap();
        let files = Builder::new()
            .schema_dir(&path)
            .render()
            .unwrap_or_else(|e| panic!("README schema #{} is rejected:\n{e}\n{schema}", i + 1));
        assert!(files.iter().any(|f| f.name == "game_score.rs"));
    }
}

/// The files of a schema folder the README shows are valid in that folder: each replaces its
/// namesake in a copy of `schemas/<folder>/`, which then generates.
#[test]
fn every_schema_of_a_folder_in_the_readme_is_valid_there() {
    let shown: Vec<(String, String, String)> = blocks("toml")
        .into_iter()
        .filter_map(|b| in_folder(&b).map(|(folder, file)| (folder, file, b)))
        .collect();
    assert!(!shown.is_empty(), "the README shows the e-commerce design");
    for (folder, file, block) in &shown {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join(folder);
        std::fs::create_dir(&copy).unwrap();
        for entry in std::fs::read_dir(format!("../schemas/{folder}")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
        }
        std::fs::write(copy.join(file), block).unwrap();
        Builder::new()
            .schema_dir(&copy)
            .render()
            .unwrap_or_else(|e| panic!("README's {folder}/{file} is rejected:\n{e}\n{block}"));
    }
}

#[test]
fn every_cargo_manifest_in_the_readme_parses() {
    let manifests: Vec<String> = blocks("toml")
        .into_iter()
        .filter(|b| !is_schema(b) && excerpt_of(b).is_none())
        .collect();
    assert!(!manifests.is_empty());
    for manifest in manifests {
        let value: toml::Table = toml::from_str(&manifest)
            .unwrap_or_else(|e| panic!("a README manifest does not parse: {e}\n{manifest}"));
        assert!(
            value.contains_key("dependencies"),
            "a manifest names its dependencies:\n{manifest}"
        );
    }
}

#[test]
fn every_excerpt_of_a_schema_in_the_readme_is_in_that_schema() {
    let excerpts: Vec<(String, String)> = blocks("toml")
        .into_iter()
        .filter_map(|b| Some((excerpt_of(&b)?.to_owned(), b.clone())))
        .collect();
    assert!(!excerpts.is_empty(), "the README shows excerpts of schemas");
    for (path, excerpt) in excerpts {
        let schema = std::fs::read_to_string(std::path::Path::new("..").join(&path))
            .unwrap_or_else(|e| panic!("the README's excerpt names {path}: {e}"));
        // Each line of the excerpt, without its comment, is a line of the schema, in order.
        let mut lines = schema.lines().map(str::trim);
        for line in excerpt.lines().skip(1) {
            let code = line.split(" #").next().unwrap_or(line).trim();
            if code.is_empty() {
                continue;
            }
            assert!(
                lines.any(|l| l == code),
                "`{code}` of the README's excerpt of {path} is not in it (in that order)"
            );
        }
    }
}
