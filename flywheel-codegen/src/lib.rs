//! flywheel-codegen: typed Amazon DynamoDB models for Rust, generated from TOML schemas.
//!
//! The pipeline is load -> parse (spans kept) -> validate (every error; a checked model) ->
//! lower (a semantic IR) -> render (templates, with Rust spelled in one module) -> format ->
//! output, one module each, each handing the next a typed value. [`Builder`] holds only
//! configuration: [`Builder::render`] is pure (files in memory), [`Builder::generate`] writes,
//! [`Builder::check`] compares. The CLI ([`cli::run`]) and the build-script helper
//! (`flywheel-build`) are thin front ends over it.
//!
//! ```no_run
//! flywheel_codegen::Builder::new()
//!     .schema_dir("schemas")
//!     .out_dir("src/models")
//!     .generate()?;
//! # Ok::<(), flywheel_codegen::Error>(())
//! ```

// The stages: load -> schema (parse) -> validate -> lower -> render -> format -> output.
mod format;
mod load;
mod lower;
mod output;
mod render;
mod schema;
mod validate;

// What they hand each other and share.
mod checked;
mod diagnostic;
mod ir;
mod naming;
mod options;
mod paths;
mod ty;

// The front ends and the error they return.
mod builder;
pub mod cli;
mod error;

pub use builder::Builder;
pub use diagnostic::Diagnostic;
pub use error::Error;
pub use format::HEADER_PREFIX;
pub use output::{GeneratedFile, WriteReport};
