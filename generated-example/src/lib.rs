//! The flywheel seed story: models generated from `schemas/` by `flywheel-codegen` and checked
//! in under `src/models/`.
//!
//! Regenerate them with `cargo run -p flywheel-codegen -- --serde schemas -o generated-example/src/models`;
//! a test fails when the checked-in code differs from a fresh run.

#![deny(warnings, missing_docs)]

/// The generated models, one module per schema file.
#[rustfmt::skip] // Written by flywheel-codegen; the drift test keeps it byte-identical.
pub mod models;

pub mod shop;

/// The same models generated in build-script mode: `build.rs` calls
/// `flywheel_build::compile("../schemas")` into `OUT_DIR`, and this module includes them. A
/// test proves each table's code is byte-identical to the CLI's in [`models`].
pub mod build_mode {
    flywheel_runtime::include_models!();
}

/// The Rust examples of the workspace's README, run as doctests: each is a whole program on
/// these models. (The blocks of its "Your own crate" section are built and run as a crate of
/// their own by `.ci/downstream`.)
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
