//! [`Builder`]: the configuration of one generation, and the pipeline it runs.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::options::Options;
use crate::output::{GeneratedFile, WriteReport};
use crate::paths::slash_path;
use crate::{format, load, lower, output, render, validate};

/// Configuration of one generation: where the schemas are and where the code goes.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    inputs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    include_mode: bool,
    options: Options,
}

impl Builder {
    /// A builder with no inputs.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds a directory of schemas (every `*.toml` under it) or a single schema file.
    pub fn schema_dir(mut self, path: impl Into<PathBuf>) -> Builder {
        self.inputs.push(path.into());
        self
    }

    /// Where `generate` and `check` look; required by both. Replaces an earlier directory.
    pub fn out_dir(mut self, path: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(path.into());
        self
    }

    /// Derives serde's `Serialize` and `Deserialize` on every generated type, with the stored
    /// attribute names and enum values as serde names; needs the runtime's `serde` feature.
    /// The last call decides.
    pub fn serde(mut self, yes: bool) -> Builder {
        self.options.serde = yes;
        self
    }

    /// The path the generated code reaches the runtime by, for a crate that re-exports or
    /// renames it (`crate::rt`); `::flywheel_runtime` by default. It must be a Rust path
    /// (`::a::b`, `crate::x`, `a::b`), else rendering fails with [`Error::Usage`]. The header of
    /// the generated files records it when it is not the default. The last call decides.
    pub fn runtime_path(mut self, path: impl Into<String>) -> Builder {
        self.options.runtime_path = path.into();
        self
    }

    /// Writes `mod.rs` with inline modules that `include!` each file, for build scripts whose
    /// output is pulled in with `flywheel_runtime::include_models!()`. Per-table files are the
    /// same in both modes.
    pub fn include_mode(mut self, yes: bool) -> Builder {
        self.include_mode = yes;
        self
    }

    /// The configured inputs.
    pub fn inputs(&self) -> &[PathBuf] {
        &self.inputs
    }

    /// The configured output directory.
    pub fn configured_out_dir(&self) -> Option<&Path> {
        self.out_dir.as_deref()
    }

    /// Every schema file and directory the inputs hold, for `cargo:rerun-if-changed`.
    pub fn watched_paths(&self) -> Result<Vec<PathBuf>, Error> {
        Ok(load::load(&self.inputs)?.watched)
    }

    /// Validates the schemas and returns the generated files, writing nothing.
    pub fn render(&self) -> Result<Vec<GeneratedFile>, Error> {
        if self.inputs.is_empty() {
            return Err(Error::Usage("no schema directory or file was given".into()));
        }
        self.options.check()?;
        let loaded = load::load(&self.inputs)?;
        if loaded.inputs.is_empty() {
            return Err(Error::NoSchemas(self.inputs.clone()));
        }
        let checked = validate::validate(&loaded.inputs).map_err(|mut diags| {
            // Rules run in their own order; a reader goes through a file from the top.
            diags.sort_by_cached_key(|d| (d.path().to_owned(), d.line_col()));
            Error::Schema(diags)
        })?;
        let ir = lower::lower(&checked);
        let args = self.options.args();
        let mut files = Vec::new();
        for table in &ir.tables {
            let text = render::table(table, &ir.markers_module, &self.options)
                .map_err(|e| Error::Internal(format!("template failed: {e}")))?;
            files.push(GeneratedFile {
                name: table.file_name.clone(),
                contents: format::format(&text, Some(&table.source), &args)?,
            });
        }
        let text = render::module_tree(&ir, self.include_mode, &self.options)
            .map_err(|e| Error::Internal(format!("template failed: {e}")))?;
        files.push(GeneratedFile {
            name: "mod.rs".into(),
            contents: format::format(&text, None, &args)?,
        });
        Ok(files)
    }

    /// Renders and writes the files whose bytes changed; removes stale generated files.
    pub fn generate(&self) -> Result<WriteReport, Error> {
        let dir = self.require_out_dir()?;
        let files = self.render()?;
        output::write(dir, &files)
    }

    /// Renders and compares with the output directory; [`Error::Drift`] when they differ.
    pub fn check(&self) -> Result<usize, Error> {
        let dir = self.require_out_dir()?;
        let files = self.render()?;
        let diff = output::diff(dir, &files)?;
        if diff.is_empty() {
            Ok(files.len())
        } else {
            let inputs: Vec<String> = self.inputs.iter().map(|p| slash_path(p)).collect();
            let options = self.options.args();
            let fix = [
                "flywheel-codegen",
                &options,
                &inputs.join(" "),
                "-o",
                &slash_path(dir),
            ]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
            // Checking without an option the files were made with shows a diff of every
            // derive; say so rather than suggest a command that would remove them.
            let recorded = std::fs::read_to_string(dir.join("mod.rs"))
                .ok()
                .and_then(|text| {
                    let first = text.lines().next()?;
                    format::recorded_options(first).map(str::to_owned)
                });
            let note = match recorded {
                Some(recorded) if recorded != options => Some(format!(
                    "the checked-in files were generated {}, this check runs {}; if that is \
                     not intended, check with the same options",
                    describe_options(&recorded),
                    describe_options(&options)
                )),
                _ => None,
            };
            Err(Error::Drift { diff, fix, note })
        }
    }

    fn require_out_dir(&self) -> Result<&Path, Error> {
        self.out_dir
            .as_deref()
            .ok_or_else(|| Error::Usage("no output directory was given".into()))
    }
}

fn describe_options(options: &str) -> String {
    if options.is_empty() {
        "without options".to_owned()
    } else {
        format!("with `{options}`")
    }
}
