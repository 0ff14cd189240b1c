//! Finding schema files: every `*.toml` under each input, sorted by path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::SourceFile;
use crate::error::Error;
use crate::paths::slash_path;

/// One schema file, read.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    /// The file and its text.
    pub file: Arc<SourceFile>,
    /// The path shown in generated headers: stable, relative to the input root.
    pub source: String,
    /// The file stem, which names the module (and by default the model).
    pub stem: String,
    /// The folders between the input root and the file, which become enclosing modules.
    pub folders: Vec<String>,
}

/// What the inputs hold.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// Every schema file, sorted by path within each input.
    pub inputs: Vec<Input>,
    /// Every schema file and directory read, for `cargo:rerun-if-changed`.
    pub watched: Vec<PathBuf>,
}

/// Reads every schema file under `roots`.
pub(crate) fn load(roots: &[PathBuf]) -> Result<Loaded, Error> {
    let mut loaded = Loaded::default();
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(root, &mut files, &mut loaded.watched)?;
            files.sort();
            let root_name = root
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_default();
            for path in files {
                let relative = slash_path(path.strip_prefix(root).unwrap_or(&path));
                let source = if root_name.is_empty() {
                    relative
                } else {
                    format!("{root_name}/{relative}")
                };
                let mut input = read(&path, source)?;
                if let Some(parent) = path.strip_prefix(root).ok().and_then(Path::parent) {
                    input.folders = parent
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                }
                loaded.inputs.push(input);
            }
        } else {
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            loaded.watched.push(root.clone());
            loaded.inputs.push(read(root, name)?);
        }
    }
    Ok(loaded)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, watched: &mut Vec<PathBuf>) -> Result<(), Error> {
    watched.push(dir.to_path_buf());
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|entry| entry.map(|e| e.path()).map_err(|e| Error::io(dir, e)))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files, watched)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            watched.push(path.clone());
            files.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path, source: String) -> Result<Input, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Input {
        file: Arc::new(SourceFile {
            path: slash_path(path),
            text,
        }),
        source,
        stem,
        folders: Vec::new(),
    })
}
