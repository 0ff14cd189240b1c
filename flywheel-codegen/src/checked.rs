//! The checked model: what validation hands to lowering. Every name in it is valid, every
//! reference resolved and every rule passed; types are resolved, defaults typed, keys know
//! their role, and spans are kept for the rules that compare files.

use crate::diagnostic::Span;
use crate::schema::Sp;
use crate::ty::{Scalar, Ty};

/// One schema file that passed every rule.
#[derive(Debug, Clone)]
pub(crate) struct CheckedTable {
    /// The schema path shown in the header, relative to its input.
    pub source: String,
    /// The module name, escaped where it is a keyword.
    pub module: String,
    /// The snake_case file stem, which names the output file.
    pub file_stem: String,
    /// The modules of the folders the file is in, outermost first.
    pub folders: Vec<String>,
    /// The model type name.
    pub model: Sp<String>,
    /// The DynamoDB table name.
    pub table_name: Sp<String>,
    /// `doc` of `[table]`.
    pub doc: Option<String>,
    /// `[fields]`, in schema order.
    pub fields: Vec<Field>,
    /// The table's hash key.
    pub hash: Key,
    /// The table's range key.
    pub range: Option<Key>,
    /// How the table is billed.
    pub billing: Billing,
    /// The field that holds the time to live.
    pub ttl: Option<usize>,
    /// The field that holds the version.
    pub version: Option<usize>,
    /// The secondary indexes, in schema order.
    pub indexes: Vec<Index>,
    /// `[types.NAME]`, in schema order.
    pub types: Vec<NestedType>,
    /// `[enums.NAME]`, in schema order.
    pub enums: Vec<Enum>,
    /// For a table of several entities (`discriminator`): no model of its own.
    pub shared: Option<Shared>,
    /// For an entity of a shared table: which one.
    pub entity: Option<EntityOf>,
}

impl CheckedTable {
    /// The path of its module from `mod.rs`: its folders' modules, then its own
    /// (`shop::ecommerce`).
    pub(crate) fn module_path(&self) -> String {
        let mut path = self.folders.clone();
        path.push(self.module.clone());
        path.join("::")
    }
}

/// A table of several entities.
#[derive(Debug, Clone)]
pub(crate) struct Shared {
    /// The attribute naming each item's entity.
    pub discriminator: String,
    /// Its collections, in schema order.
    pub collections: Vec<Collection>,
}

/// A collection: entities read together from one partition of an index.
#[derive(Debug, Clone)]
pub(crate) struct Collection {
    /// The collection name.
    pub name: String,
    /// `doc`
    pub doc: Option<String>,
    /// The index it reads; `None` for the table's primary key.
    pub index: Option<String>,
    /// The entities' model names, in schema order.
    pub entities: Vec<String>,
}

/// What makes a model an entity of a shared table.
#[derive(Debug, Clone)]
pub(crate) struct EntityOf {
    /// The table's discriminator attribute.
    pub discriminator: String,
    /// The entity's name, stored there.
    pub name: String,
    /// The module path of the table's file (`shop::ecommerce`).
    pub table_module: String,
}

/// A field with its type resolved.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The stored attribute name.
    pub attr: Sp<String>,
    /// The Rust field name, escaped where it is a keyword.
    pub rust: String,
    /// Where the Rust name comes from (`rust_name`, or the attribute name).
    pub rust_span: Span,
    /// The resolved type.
    pub ty: Ty,
    /// The type as written, for messages and docs.
    pub ty_text: String,
    /// Where the type is written.
    pub ty_span: Span,
    /// `doc`
    pub doc: Option<String>,
    /// Whether a value is always there, may be absent, or has a default.
    pub presence: Presence,
    /// Where `default` is written.
    pub default_span: Option<Span>,
    /// Where `required` is written.
    pub required_span: Option<Span>,
    /// For a computed attribute (`template` or `parts`), what it is computed from.
    pub template: Option<Template>,
    /// Where `unique = true` is written: no two items of the entity hold the same value.
    pub unique: Option<Span>,
}

impl Field {
    /// Whether the attribute is computed from other fields, not a field of the struct.
    pub(crate) fn is_computed(&self) -> bool {
        self.template.is_some()
    }
}

/// A computed attribute's template: text and parts, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    /// The pieces, in order.
    pub pieces: Vec<Piece>,
}

impl Template {
    /// The fields of its parts, in order.
    pub(crate) fn part_fields(&self) -> impl Iterator<Item = usize> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Part { field, .. } => Some(*field),
            Piece::Text(_) => None,
        })
    }
}

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Text written as it is.
    Text(String),
    /// A field of the model.
    Part {
        /// Its position in the model's fields.
        field: usize,
        /// The declared digits of an integer part (`{n:6}`); 0 for the type's own width.
        width: u8,
    },
}

/// Whether a field always has a value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Presence {
    /// Always stored; `new` takes it.
    Required,
    /// May be absent (`Option`).
    Optional,
    /// Read as this value when absent, and what `new` gives it.
    Default(DefaultValue),
}

/// A default value, typed by its field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DefaultValue {
    /// Text.
    String(String),
    /// An integer that fits the field's integer type.
    Integer(i128),
    /// A finite float.
    Float(f64),
    /// A decimal number's text, within DynamoDB's 38 digits.
    Decimal(String),
    /// A boolean.
    Bool(bool),
    /// Binary data.
    Bytes(Vec<u8>),
    /// A point in time, in seconds and nanoseconds since the Unix epoch.
    DateTime {
        /// Whole seconds.
        seconds: i64,
        /// Nanoseconds within the second.
        nanos: u32,
    },
    /// A calendar date.
    Date {
        /// The year.
        year: i32,
        /// The month, 1 to 12.
        month: u32,
        /// The day of the month, from 1.
        day: u32,
    },
    /// A UUID.
    Uuid(u128),
    /// A JSON document.
    Json(JsonValue),
    /// A variant of a schema enum.
    Variant {
        /// The enum type.
        enumeration: String,
        /// The variant.
        variant: String,
    },
    /// A list.
    List(Vec<DefaultValue>),
    /// A set.
    Set(Vec<DefaultValue>),
    /// A map with string keys, in schema order.
    Map(Vec<(String, DefaultValue)>),
}

/// A JSON value written as a TOML literal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonValue {
    /// A string (TOML datetimes become their text).
    String(String),
    /// An integer within `i64` or `u64`.
    Integer(i128),
    /// A finite float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object, in schema order.
    Object(Vec<(String, JsonValue)>),
}

/// A key attribute of the table or an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    /// Its position in the model's fields.
    pub field: usize,
    /// The scalar it is stored as.
    pub scalar: Scalar,
}

/// How a table is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Billing {
    /// Pay per request.
    OnDemand,
    /// Provisioned capacity.
    Provisioned(Throughput),
}

/// Provisioned capacity units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Throughput {
    /// Read capacity units.
    pub read: i64,
    /// Write capacity units.
    pub write: i64,
}

/// A secondary index.
#[derive(Debug, Clone)]
pub(crate) struct Index {
    /// The index name.
    pub name: String,
    /// Local or global.
    pub kind: IndexKind,
    /// The attributes of the index hash key (the table's, for a local index): one, or up to
    /// four for a global index.
    pub hash: Vec<Key>,
    /// The attributes of the index range key: none, one, or up to four for a global index.
    pub range: Vec<Key>,
    /// The attributes it holds.
    pub projection: Projection,
    /// Its own capacity (global indexes of provisioned tables).
    pub throughput: Option<Throughput>,
}

/// Which kind of secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndexKind {
    /// Same hash key as the table, read consistently, capacity shared.
    Local,
    /// Any keys, eventually consistent.
    Global,
}

/// The attributes an index holds besides the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Projection {
    /// Every attribute.
    All,
    /// The keys only.
    KeysOnly,
    /// The keys and these attributes, in schema order of the list.
    Include(Vec<String>),
}

/// A `[types.NAME]`.
#[derive(Debug, Clone)]
pub(crate) struct NestedType {
    /// The type name.
    pub name: Sp<String>,
    /// `doc`
    pub doc: Option<String>,
    /// Its fields, in schema order.
    pub fields: Vec<Field>,
}

/// An `[enums.NAME]`.
#[derive(Debug, Clone)]
pub(crate) struct Enum {
    /// The enum name.
    pub name: String,
    /// `doc`
    pub doc: Option<String>,
    /// Its values, in schema order.
    pub variants: Vec<Variant>,
}

/// One value of an enum.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    /// The stored value.
    pub value: String,
    /// The Rust variant name.
    pub rust: String,
    /// `doc`
    pub doc: Option<String>,
}
