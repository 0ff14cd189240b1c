//! Why generation failed: the one error of every stage, readable as `Display` and as `Debug`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::paths::slash_path;

/// Why generation failed.
pub enum Error {
    /// The schemas have errors; every one of them is here.
    Schema(Vec<Diagnostic>),
    /// The inputs hold no schema file.
    NoSchemas(Vec<PathBuf>),
    /// The checked-in code differs from what the schemas generate.
    Drift {
        /// Unified diffs of every difference.
        diff: String,
        /// The command that brings the code up to date.
        fix: String,
        /// Set when the checked-in files record other options than this run's.
        note: Option<String>,
    },
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The generator was called wrongly.
    Usage(String),
    /// A bug in the generator.
    Internal(String),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Schema(diags) => {
                for d in diags {
                    writeln!(f, "{d}")?;
                }
                let mut files: Vec<&str> = diags.iter().map(|d| d.path()).collect();
                files.sort();
                files.dedup();
                write!(
                    f,
                    "error: {} schema error{} in {} file{}",
                    diags.len(),
                    if diags.len() == 1 { "" } else { "s" },
                    files.len(),
                    if files.len() == 1 { "" } else { "s" }
                )
            }
            Error::NoSchemas(inputs) => write!(
                f,
                "error: no `*.toml` schema files in {}",
                inputs
                    .iter()
                    .map(|p| slash_path(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::Drift { diff, fix, note } => {
                write!(
                    f,
                    "{diff}error: the generated code is out of date with its schemas"
                )?;
                if let Some(note) = note {
                    write!(f, "\n  = note: {note}")?;
                }
                write!(f, "\n  = help: run `{fix}` and commit the result")
            }
            Error::Io { path, source } => write!(f, "error: {}: {source}", slash_path(path)),
            Error::Usage(message) => write!(f, "error: {message}"),
            Error::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

// A build script's `main` returning `Err` prints `Error: {:?}`: make that the readable form
// too, starting on a line of its own so that each diagnostic keeps its layout.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "flywheel could not generate the models")?;
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}
