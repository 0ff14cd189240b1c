//! Writing generated files: only when their bytes change, atomically, removing stale files that
//! carry the generated header and nothing else; and comparing for `--check`.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::format::HEADER_PREFIX;
use crate::paths::slash_path;

/// One generated file, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The file name, relative to the output directory.
    pub name: String,
    /// The full text.
    pub contents: String,
}

/// What a generation run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files whose bytes changed (or that were new).
    pub written: Vec<PathBuf>,
    /// Files that already held the same bytes.
    pub unchanged: Vec<PathBuf>,
    /// Stale generated files that were removed.
    pub removed: Vec<PathBuf>,
}

/// Writes `files` into `dir`.
pub(crate) fn write(dir: &Path, files: &[GeneratedFile]) -> Result<WriteReport, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut report = WriteReport::default();
    for file in files {
        let path = dir.join(&file.name);
        if std::fs::read(&path).ok().as_deref() == Some(file.contents.as_bytes()) {
            report.unchanged.push(path);
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let base = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{base}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, &file.contents).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(&path, e)
        })?;
        report.written.push(path);
    }
    for path in stale(dir, files)? {
        std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        report.removed.push(path);
    }
    Ok(report)
}

/// Generated files in `dir` (and the folders in it) that `files` no longer contains.
fn stale(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    stale_in(dir, "", files, &mut out)?;
    out.sort();
    Ok(out)
}

/// The stale files of `dir`, whose files are named `prefix` and their name in `files`.
fn stale_in(
    dir: &Path,
    prefix: &str,
    files: &[GeneratedFile],
    out: &mut Vec<PathBuf>,
) -> Result<(), Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = format!("{prefix}{name}");
        if path.is_dir() {
            stale_in(&path, &format!("{name}/"), files, out)?;
            continue;
        }
        if !name.ends_with(".rs") || files.iter().any(|f| f.name == name) || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.starts_with(HEADER_PREFIX) {
            out.push(path);
        }
    }
    Ok(())
}

/// Compares `files` with `dir`; returns a unified diff per difference, empty when up to date.
pub(crate) fn diff(dir: &Path, files: &[GeneratedFile]) -> Result<String, Error> {
    let mut out = String::new();
    for file in files {
        let path = dir.join(&file.name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != file.contents {
            let shown = slash_path(&path);
            let diff = similar::TextDiff::from_lines(&current, &file.contents);
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{shown} (on disk)"),
                        &format!("{shown} (generated)"),
                    )
                    .to_string(),
            );
        }
    }
    for path in stale(dir, files)? {
        out.push_str(&format!(
            "stale generated file {} would be removed\n",
            slash_path(&path)
        ));
    }
    Ok(out)
}
