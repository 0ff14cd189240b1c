//! The models of `schemas/`, as checked in under `generated-example/src/models`, on the runtime
//! alone: no emulator, no tokio runtime, no test tooling. The compile-fail suite
//! (`tests/compile_fail.rs`) builds a copy of everything this crate depends on, so it depends
//! on as little as the generated code needs.

#![deny(warnings, missing_docs)]

#[path = "../../generated-example/src/models/mod.rs"]
#[rustfmt::skip] // Written by flywheel-codegen; the drift test keeps it byte-identical.
mod models;

pub use models::*;
