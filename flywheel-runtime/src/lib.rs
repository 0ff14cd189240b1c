//! Runtime for flywheel: what generated DynamoDB models link against.
//!
//! The generator (`flywheel-codegen`) turns TOML schemas into plain Rust structs that implement
//! [`Model`]. Everything that talks to DynamoDB lives here, written and tested once: value
//! [`codec`]s, [`expr`]essions with placeholders, table [`schema`] metadata, and the [`Engine`]
//! with its operations.
//!
//! ```no_run
//! # async fn demo() -> Result<(), flywheel_runtime::Error> {
//! # mod models { pub static TABLES: &[&flywheel_runtime::schema::TableSchema] = &[]; }
//! let engine = flywheel_runtime::Engine::from_env().await;
//! engine.create_schema(models::TABLES).await?;
//! # Ok(()) }
//! ```

pub mod batch;
pub mod codec;
pub mod cursor;
pub mod engine;
pub mod error;
pub mod expr;
pub mod filter;
pub mod index;
pub mod json;
pub mod limits;
#[cfg(feature = "local")]
pub mod local;
pub mod model;
pub mod number;
pub mod ops;
pub mod partial;
pub mod query;
mod read;
pub mod retry;
pub mod scan;
pub mod schema;
pub mod sync;
pub mod transact;
pub mod update;

pub use cursor::Cursor;
pub use engine::Engine;
pub use error::{DecodeError, EncodeError, Error, Result, Stored};
pub use filter::{Attr, Cond, Field};
pub use model::{Document, Model, ModelKey, StringEnum};
pub use query::Query;
pub use read::Page;
pub use retry::RetryPolicy;
pub use scan::Scan;
pub use sync::Tracked;
pub use update::Update;

/// The SDK's configuration loader, for [`Engine::from_sdk_config`].
pub use aws_config;
/// The SDK this runtime is built on, re-exported so users need no version-matched dependency.
pub use aws_sdk_dynamodb;
/// Date and time types used by `datetime` and `date` fields.
pub use chrono;
/// Streams and their combinators, for the `stream` and `parallel` results of queries and scans
/// (`use flywheel_runtime::futures::TryStreamExt;`).
pub use futures;
/// serde, for generated models with serde derives (feature `serde`).
#[cfg(feature = "serde")]
pub use serde;
/// serde_json, whose values convert to and from the [`json::Value`] of `json` fields.
pub use serde_json;
/// UUIDs used by `uuid` fields.
pub use uuid;

/// One DynamoDB attribute value.
pub use aws_sdk_dynamodb::types::AttributeValue;

/// An exact decimal number, the Rust type of `decimal` fields (up to DynamoDB's 38 digits).
pub use bigdecimal::BigDecimal as Decimal;

/// A DynamoDB item or map: attribute name to value.
pub type Item = std::collections::HashMap<String, AttributeValue>;

/// Includes the models that `flywheel_build` generated into `OUT_DIR` from a build script.
///
/// ```ignore
/// pub mod models {
///     flywheel_runtime::include_models!();
/// }
/// ```
#[macro_export]
macro_rules! include_models {
    () => {
        include!(concat!(env!("OUT_DIR"), "/flywheel/mod.rs"));
    };
}
