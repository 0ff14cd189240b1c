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

/// The generator's own builder, re-exported so that a build script needs no second
/// dependency: every option it has (`runtime_path`, ...) applies here through
/// [`Builder::from`].
pub use flywheel_codegen::Builder as Generator;
pub use flywheel_codegen::Error;

/// Generates the models of every schema under `dir` into `$OUT_DIR/flywheel/`.
pub fn compile(dir: impl AsRef<Path>) -> Result<(), Error> {
    Builder::new().schema_dir(dir.as_ref()).generate()
}

/// A build-script generation: a [`Generator`] plus what a build script needs, namely
/// `cargo:rerun-if-changed` for every schema file and directory, `$OUT_DIR/flywheel/` as the
/// default output directory, and a `mod.rs` that `include!`s the files.
///
/// The settings every build script uses are here too; for the others, configure a
/// [`Generator`] and convert it:
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), flywheel_build::Error> {
///     let generator = flywheel_build::Generator::new()
///         .schema_dir("schemas")
///         .runtime_path("crate::rt");
///     flywheel_build::Builder::from(generator).generate()
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Builder {
    generator: Generator,
}

impl From<Generator> for Builder {
    /// Generates with `generator`'s schemas and options, in a build script's way.
    fn from(generator: Generator) -> Builder {
        Builder { generator }
    }
}

impl Builder {
    /// A builder with no inputs.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds a directory of schemas or a single schema file: [`Generator::schema_dir`].
    pub fn schema_dir(self, path: impl Into<PathBuf>) -> Builder {
        self.map(|g| g.schema_dir(path))
    }

    /// Writes somewhere other than `$OUT_DIR/flywheel/` (then include `mod.rs` yourself).
    /// Replaces an earlier directory.
    pub fn out_dir(self, path: impl Into<PathBuf>) -> Builder {
        self.map(|g| g.out_dir(path))
    }

    /// Derives serde's traits on the generated types: [`Generator::serde`].
    pub fn serde(self, yes: bool) -> Builder {
        self.map(|g| g.serde(yes))
    }

    fn map(self, configure: impl FnOnce(Generator) -> Generator) -> Builder {
        Builder {
            generator: configure(self.generator),
        }
    }

    /// Generates, printing cargo's instructions to standard output.
    pub fn generate(&self) -> Result<(), Error> {
        self.generate_to(&mut std::io::stdout())
    }

    /// Generates, writing cargo's instructions (`cargo:rerun-if-changed=...`) to `out`.
    pub fn generate_to(&self, out: &mut dyn Write) -> Result<(), Error> {
        let mut generator = self.generator.clone().include_mode(true);
        if generator.configured_out_dir().is_none() {
            let Some(dir) = std::env::var_os("OUT_DIR") else {
                return Err(Error::Usage(
                    "OUT_DIR is not set: call flywheel_build from a build script, or set \
                     an output directory with `Builder::out_dir`"
                        .into(),
                ));
            };
            generator = generator.out_dir(PathBuf::from(dir).join("flywheel"));
        }
        // Watch the inputs themselves first, so that even a missing directory or an
        // unreadable file triggers a rebuild once it is fixed.
        let inputs = generator.inputs();
        for input in inputs {
            rerun_if_changed(out, input);
        }
        if let Ok(paths) = generator.watched_paths() {
            for path in paths.iter().filter(|p| !inputs.contains(p)) {
                rerun_if_changed(out, path);
            }
        }
        // Errors are returned, not also printed as `cargo:warning` lines: cargo shows the
        // failing script's stderr, where `main` prints them once, in their layout.
        generator.generate().map(|_| ())
    }
}

fn rerun_if_changed(out: &mut dyn Write, path: &Path) {
    let _ = writeln!(out, "cargo:rerun-if-changed={}", path.display());
}
