//! flywheel-build: generate flywheel models from TOML schemas in a build script.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), flywheel_build::Error> {
//!     flywheel_build::compile("schemas")
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod models {
//!     flywheel_runtime::include_models!();
//! }
//! ```
//!
//! The code goes to `$OUT_DIR/flywheel/` (per-table files identical to what the
//! `flywheel-codegen` CLI writes, and a `mod.rs` that includes them), cargo reruns the build
//! script when any schema file or directory changes, and schema errors are printed as readable
//! diagnostics in the build output.

use std::io::Write;
use std::path::{Path, PathBuf};

pub use flywheel_codegen::Error;

/// Generates the models of every schema under `dir` into `$OUT_DIR/flywheel/`.
pub fn compile(dir: impl AsRef<Path>) -> Result<(), Error> {
    Builder::new().schema_dir(dir.as_ref()).generate()
}

/// Configuration of a build-script generation.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    inputs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    serde: bool,
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

    /// Writes somewhere other than `$OUT_DIR/flywheel/` (then include `mod.rs` yourself).
    /// Replaces an earlier directory.
    pub fn out_dir(mut self, path: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(path.into());
        self
    }

    /// Derives serde's `Serialize` and `Deserialize` on the generated types (enable the
    /// runtime's `serde` feature). The last call decides.
    pub fn serde(mut self, yes: bool) -> Builder {
        self.serde = yes;
        self
    }

    /// Generates, printing cargo's instructions to standard output.
    pub fn generate(&self) -> Result<(), Error> {
        self.generate_to(&mut std::io::stdout())
    }

    /// Generates, writing cargo's instructions (`cargo:rerun-if-changed=...`) to `out`.
    pub fn generate_to(&self, out: &mut dyn Write) -> Result<(), Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => match std::env::var_os("OUT_DIR") {
                Some(dir) => PathBuf::from(dir).join("flywheel"),
                None => {
                    return Err(Error::Usage(
                        "OUT_DIR is not set: call flywheel_build from a build script, or set \
                         an output directory with `Builder::out_dir`"
                            .into(),
                    ));
                }
            },
        };
        let builder = self
            .inputs
            .iter()
            .fold(flywheel_codegen::Builder::new(), |b, input| {
                b.schema_dir(input)
            })
            .out_dir(&out_dir)
            .include_mode(true)
            .serde(self.serde);
        // Watch the inputs themselves first, so that even a missing directory or an
        // unreadable file triggers a rebuild once it is fixed.
        for input in &self.inputs {
            rerun_if_changed(out, input);
        }
        if let Ok(paths) = builder.watched_paths() {
            for path in paths.iter().filter(|p| !self.inputs.contains(p)) {
                rerun_if_changed(out, path);
            }
        }
        // Errors are returned, not also printed as `cargo:warning` lines: cargo shows the
        // failing script's stderr, where `main` prints them once, in their layout.
        builder.generate().map(|_| ())
    }
}

fn rerun_if_changed(out: &mut dyn Write, path: &Path) {
    let _ = writeln!(out, "cargo:rerun-if-changed={}", path.display());
}
