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

// The source is in folders that show the floors, from the ground up; a file imports only from
// its own floor, the floors below it and the top-level modules (`engine`, `error`, `retry`).
// The public modules keep short paths (`flywheel_runtime::codec`), which are also the paths
// the compiler's messages name; the write floor's internals are the private `write`.
//
// src/item/: what an item is made of. Value codecs, exact numbers and `json` documents, the
// table schema, the model and index traits that generated code implements, DynamoDB's size
// limits. Nothing here talks to DynamoDB or builds an expression.
#[path = "item/codec.rs"]
pub mod codec;
#[path = "item/index.rs"]
pub mod index;
#[path = "item/json.rs"]
pub mod json;
#[path = "item/limits.rs"]
pub mod limits;
#[path = "item/model.rs"]
pub mod model;
#[path = "item/number.rs"]
pub mod number;
#[path = "item/schema.rs"]
pub mod schema;
#[path = "item/template.rs"]
pub mod template;

// src/expression/: expression text with placeholders (`expr`, the one place expression syntax
// is written), and the typed attribute handles and conditions built on it (`filter`).
#[path = "expression/expr.rs"]
pub mod expr;
#[path = "expression/filter.rs"]
pub mod filter;

// src/write/: writes of one item. The front ends (`ops`: save and delete; `update`; `sync`)
// and the transactions build a `write::plan::Plan`, which owns how a write is assembled (the
// version rule, combined conditions, the request shapes) and how a refusal is judged.
#[path = "write/ops.rs"]
pub mod ops;
#[path = "write/sync.rs"]
pub mod sync;
#[path = "write/update.rs"]
pub mod update;
mod write {
    pub(crate) mod plan;
    pub(crate) mod refusal;
    pub(crate) mod transaction;
    pub(crate) mod unique;
    pub(crate) mod version;
}

// src/bulk/: many items at once: batches (with retries of what DynamoDB leaves undone) and
// all-or-nothing transactions.
#[path = "bulk/batch.rs"]
pub mod batch;
#[path = "bulk/transact.rs"]
pub mod transact;

// src/read/: reads of many items. `query` and `scan` are the builders; `read::pages` holds
// what they share (the compiled request, paging, the terminators); `cursor` makes a position
// resumable; `partial` is an item read with chosen attributes only; `read` is the one read
// builder both are faces of.
#[path = "read/cursor.rs"]
pub mod cursor;
#[path = "read/partial.rs"]
pub mod partial;
#[path = "read/query.rs"]
pub mod query;
pub mod read;
#[path = "read/scan.rs"]
pub mod scan;

// At the top: the engine (client, namespace, table management), the one retry loop, the one
// error type (whose payload types live with it, so that it imports nothing above it), and the
// embedded emulator.
pub mod engine;
pub mod error;
#[cfg(feature = "local")]
pub mod local;
pub mod retry;

pub use cursor::Cursor;
pub use engine::Engine;
pub use error::{DecodeError, EncodeError, Error, Result, Stored};
pub use filter::{Attr, Cond, Field, IntoValue};
pub use model::{
    Document, Expiring, Model, ModelKey, NoUnique, StringEnum, Unversioned, Versioned, Whole,
};
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
/// ```text
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

/// Marks what updates may write of a model's attributes (generated code): each attribute
/// marker once, as a key attribute (or a part of a computed key), the version attribute, an
/// attribute flywheel keeps in step (computed, or unique) or another. Keys are not
/// [`NotAKey`](crate::update::NotAKey), the version is not
/// [`NotTheVersion`](crate::update::NotTheVersion), computed and unique attributes are not
/// [`NotComputed`](crate::update::NotComputed), and the others are all three, which makes them
/// [`Updatable`](crate::update::Updatable).
///
/// ```text
/// flywheel_runtime::updatable!(
///     keys = [attr::Userid, attr::Title],
///     version = [],
///     computed = [],
///     others = [attr::TopScore, attr::Wins, attr::Losses],
/// );
/// ```
#[macro_export]
macro_rules! updatable {
    (
        keys = [$($key:ty),* $(,)?],
        version = [$($version:ty)?],
        computed = [$($computed:ty),* $(,)?],
        others = [$($attr:ty),* $(,)?] $(,)?
    ) => {
        $(
            impl $crate::update::NotTheVersion for $key {}
            impl $crate::update::NotComputed for $key {}
        )*
        $(
            impl $crate::update::NotAKey for $version {}
            impl $crate::update::NotComputed for $version {}
        )?
        $(
            impl $crate::update::NotAKey for $computed {}
            impl $crate::update::NotTheVersion for $computed {}
        )*
        $(
            impl $crate::update::NotAKey for $attr {}
            impl $crate::update::NotTheVersion for $attr {}
            impl $crate::update::NotComputed for $attr {}
        )*
    };
}

/// Marks attributes of a model as removable by updates (generated code): its optional fields.
#[macro_export]
macro_rules! removable {
    ($($attr:ty),* $(,)?) => {
        $(impl $crate::update::Removable for $attr {})*
    };
}

/// Makes a model [`Whole`]: writable and deletable as an item (generated code, one line per
/// model). An impl per model rather than one for every [`Model`], so that anything else passed
/// to [`Engine::save`] gets `Whole`'s message once and no error after it.
///
/// ```text
/// flywheel_runtime::whole!(GameScore);
/// ```
#[macro_export]
macro_rules! whole {
    ($model:ty) => {
        impl $crate::Whole for $model {
            type Model = Self;

            fn whole(&self) -> &Self {
                self
            }
        }
    };
}
