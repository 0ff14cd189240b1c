//! The runtime's source has no import circle: following the `crate::module` paths its files
//! name (outside comments and tests) never leads back to where it started. Files are modules
//! as `lib.rs` declares them: `#[path = "..."] pub mod name;`, `pub mod name;`, and the
//! private modules of an inline `mod floor { ... }`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name (`codec`, `write::plan`) to the file holding it.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut modules = BTreeMap::new();
    let mut path = None;
    let mut floor: Option<String> = None;
    for line in lib.lines().map(str::trim) {
        if let Some(p) = line.strip_prefix("#[path = \"") {
            path = Some(p.trim_end_matches("\"]").to_owned());
        } else if let Some(name) = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("pub(crate) mod "))
            .or_else(|| line.strip_prefix("mod "))
        {
            if let Some(name) = name.strip_suffix(" {") {
                floor = Some(name.to_owned());
                continue;
            }
            let name = name.trim_end_matches(';');
            let (module, file) = match (&floor, path.take()) {
                (Some(floor), _) => (format!("{floor}::{name}"), format!("{floor}/{name}.rs")),
                (None, Some(file)) => (name.to_owned(), file),
                (None, None) if src.join(format!("{name}.rs")).exists() => {
                    (name.to_owned(), format!("{name}.rs"))
                }
                (None, None) => (name.to_owned(), format!("{name}/mod.rs")),
            };
            modules.insert(module, file);
        } else if line == "}" {
            floor = None;
        }
    }
    modules
}

/// The modules `file` names through `crate::` paths, outside comments and its tests.
fn imports(text: &str, modules: &BTreeMap<String, String>) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or_default();
        for (i, _) in line.match_indices("crate::") {
            let rest = &line[i + "crate::".len()..];
            let mut parts = rest.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'));
            let path = parts.next().unwrap_or_default();
            let mut segments = path.split("::");
            let first = segments.next().unwrap_or_default().to_owned();
            let two = segments.next().map(|second| format!("{first}::{second}"));
            match two {
                Some(two) if modules.contains_key(&two) => out.insert(two),
                _ if modules.contains_key(&first) => out.insert(first),
                _ => false,
            };
        }
    }
    out
}

#[test]
fn no_file_of_the_runtime_imports_one_that_leads_back_to_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    assert!(
        modules.len() > 20 && modules.contains_key("write::plan"),
        "{modules:?}"
    );
    let edges: BTreeMap<&str, BTreeSet<String>> = modules
        .iter()
        .map(|(name, file)| {
            let text =
                std::fs::read_to_string(src.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            let mut deps = imports(&text, &modules);
            deps.remove(name);
            (name.as_str(), deps)
        })
        .collect();
    // A depth-first walk from every module; a module met again on the current path closes a
    // circle.
    fn walk<'a>(
        at: &'a str,
        edges: &'a BTreeMap<&str, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if let Some(start) = path.iter().position(|m| *m == at) {
            panic!("import circle: {} -> {at}", path[start..].join(" -> "));
        }
        if !done.insert(at) {
            return;
        }
        path.push(at);
        for next in &edges[at] {
            walk(next, edges, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for module in edges.keys() {
        walk(module, &edges, &mut Vec::new(), &mut done);
    }
}
