//! flywheel-codegen: typed Amazon DynamoDB models for Rust, generated from TOML schemas.
//!
//! The pipeline is load -> parse (spans kept) -> validate (all errors) -> IR -> render ->
//! format -> output. [`Builder`] holds only configuration: [`Builder::render`] is pure (files
//! in memory), [`Builder::generate`] writes, [`Builder::check`] compares. The CLI
//! ([`cli::run`]) and the build-script helper (`flywheel-build`) are thin front ends over it.
//!
//! ```no_run
//! flywheel_codegen::Builder::new()
//!     .schema_dir("schemas")
//!     .out_dir("src/models")
//!     .generate()?;
//! # Ok::<(), flywheel_codegen::Error>(())
//! ```

mod builder;
mod checked;
pub mod cli;
mod diagnostic;
mod error;
mod format;
mod ir;
mod load;
mod lower;
mod naming;
mod options;
mod output;
mod paths;
mod render;
mod schema;
mod ty;
mod validate;

pub use builder::Builder;
pub use diagnostic::Diagnostic;
pub use error::Error;
pub use format::HEADER_PREFIX;
pub use output::{GeneratedFile, WriteReport};
