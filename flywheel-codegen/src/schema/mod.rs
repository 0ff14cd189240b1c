//! The schema language as written: parsed from TOML with the span of every value kept.

pub(crate) mod parse;
pub(crate) mod types;

pub(crate) use parse::parse_file;

use crate::diagnostic::Span;

/// A value with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Sp<T> {
    /// Wraps a value.
    pub(crate) fn new(value: T, span: Span) -> Sp<T> {
        Sp { value, span }
    }
}

/// A TOML literal, as written in a `default`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    /// A string.
    String(String),
    /// An integer.
    Integer(i128),
    /// An integer beyond `i128`, as written (without `_`).
    BigInteger(String),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A date, time or datetime, in TOML's text form.
    Datetime(String),
    /// An array.
    Array(Vec<Sp<Literal>>),
    /// A table.
    Table(Vec<(Sp<String>, Sp<Literal>)>),
}

impl Literal {
    /// The kind of literal, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Literal::String(_) => "a string",
            Literal::Integer(_) | Literal::BigInteger(_) => "an integer",
            Literal::Float(_) => "a float",
            Literal::Bool(_) => "a boolean",
            Literal::Datetime(_) => "a datetime",
            Literal::Array(_) => "an array",
            Literal::Table(_) => "a table",
        }
    }
}

/// One schema file as written.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawSchema {
    /// The `[table]` section; `None` when it is missing.
    pub table: Option<RawTable>,
    /// `[fields]`, in file order.
    pub fields: Vec<RawField>,
    /// Span of the `[fields]` header, when present.
    pub fields_span: Option<Span>,
    /// `[indexes.NAME]`, in file order.
    pub indexes: Vec<RawIndex>,
    /// `[types.NAME]`, in file order.
    pub types: Vec<RawType>,
    /// `[enums.NAME]`, in file order.
    pub enums: Vec<RawEnum>,
    /// The `[entity]` section: the file is an entity of a shared table.
    pub entity: Option<RawEntity>,
    /// `[collections.NAME]`, in file order (a shared table's).
    pub collections: Vec<RawCollection>,
}

/// `[entity]`: an entity of a table of several, declared in another file.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawEntity {
    /// Span of the `entity` header.
    pub span: Span,
    /// `table`: the name of the shared table.
    pub table: Option<Sp<String>>,
    /// `model`
    pub model: Option<Sp<String>>,
    /// `name`: the value of the discriminator.
    pub name: Option<Sp<String>>,
    /// `doc`
    pub doc: Option<Sp<String>>,
    /// `version`
    pub version: Option<Sp<String>>,
}

/// `[collections.NAME]`: entities read together from one partition of an index.
#[derive(Debug, Clone)]
pub(crate) struct RawCollection {
    /// The collection name (the TOML key).
    pub name: Sp<String>,
    /// `doc`
    pub doc: Option<Sp<String>>,
    /// `index`: the index whose partitions it reads; the table's primary key when absent.
    pub index: Option<Sp<String>>,
    /// `entities`: the model names.
    pub entities: Option<Sp<Vec<Sp<String>>>>,
}

/// `[table]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawTable {
    /// Span of the `table` header.
    pub span: Span,
    /// `name`
    pub name: Option<Sp<String>>,
    /// `model`
    pub model: Option<Sp<String>>,
    /// `doc`
    pub doc: Option<Sp<String>>,
    /// `hash_key`
    pub hash_key: Option<Sp<String>>,
    /// `range_key`
    pub range_key: Option<Sp<String>>,
    /// `billing`
    pub billing: Option<Sp<RawBilling>>,
    /// `ttl`
    pub ttl: Option<Sp<String>>,
    /// `version`
    pub version: Option<Sp<String>>,
    /// `discriminator`: the table holds several entities, named in this attribute.
    pub discriminator: Option<Sp<String>>,
}

/// `billing = "on_demand"` or `{ read = 5, write = 5 }`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawBilling {
    /// Pay per request.
    OnDemand,
    /// Provisioned capacity.
    Provisioned(RawThroughput),
}

/// `{ read = 5, write = 5 }`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawThroughput {
    /// Read capacity units.
    pub read: Sp<i128>,
    /// Write capacity units.
    pub write: Sp<i128>,
}

/// One field, in `[fields]` or in a `[types.NAME]`.
#[derive(Debug, Clone)]
pub(crate) struct RawField {
    /// The attribute name (the TOML key).
    pub name: Sp<String>,
    /// `type` (or the shorthand string).
    pub ty: Option<Sp<String>>,
    /// `doc`
    pub doc: Option<Sp<String>>,
    /// `rust_name`
    pub rust_name: Option<Sp<String>>,
    /// `required`
    pub required: Option<Sp<bool>>,
    /// `default`
    pub default: Option<Sp<Literal>>,
    /// `format`
    pub format: Option<Sp<String>>,
    /// `template`: the attribute is computed from other fields (`"ORDER#{placed_at}"`).
    pub template: Option<Sp<String>>,
    /// `parts`: the attribute is computed from these fields joined by `separator`.
    pub parts: Option<Sp<Vec<Sp<String>>>>,
    /// `separator`, between `parts`.
    pub separator: Option<Sp<String>>,
    /// `unique`: no two items of the entity hold the same value.
    pub unique: Option<Sp<bool>>,
}

impl RawField {
    /// A field with only its name, as a table entry starts.
    pub(crate) fn named(name: Sp<String>) -> RawField {
        RawField {
            name,
            ty: None,
            doc: None,
            rust_name: None,
            required: None,
            default: None,
            format: None,
            template: None,
            parts: None,
            separator: None,
            unique: None,
        }
    }

    /// Whether the attribute is computed from other fields (`template` or `parts`).
    pub(crate) fn is_computed(&self) -> bool {
        self.template.is_some() || self.parts.is_some()
    }
}

/// `[indexes.NAME]`.
#[derive(Debug, Clone)]
pub(crate) struct RawIndex {
    /// The index name (the TOML key).
    pub name: Sp<String>,
    /// `kind`
    pub kind: Option<Sp<String>>,
    /// `hash_key`: one attribute, or a list of them (a global index's key of several
    /// attributes); the span is the whole value's.
    pub hash_key: Option<Sp<Vec<Sp<String>>>>,
    /// `range_key`, like `hash_key`.
    pub range_key: Option<Sp<Vec<Sp<String>>>>,
    /// `projection`
    pub projection: Option<Sp<RawProjection>>,
    /// `throughput`
    pub throughput: Option<Sp<RawThroughput>>,
}

impl RawIndex {
    /// The attributes of its hash key and then of its range key, as written.
    pub(crate) fn key_names(&self) -> impl Iterator<Item = &Sp<String>> {
        [&self.hash_key, &self.range_key]
            .into_iter()
            .flatten()
            .flat_map(|k| &k.value)
    }
}

/// `projection`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawProjection {
    /// `"all"`
    All,
    /// `"keys_only"`
    KeysOnly,
    /// `["a", "b"]`
    Include(Vec<Sp<String>>),
}

/// `[types.NAME]`.
#[derive(Debug, Clone)]
pub(crate) struct RawType {
    /// The type name (the TOML key).
    pub name: Sp<String>,
    /// `doc`
    pub doc: Option<Sp<String>>,
    /// `fields`, in file order.
    pub fields: Vec<RawField>,
}

/// `[enums.NAME]`.
#[derive(Debug, Clone)]
pub(crate) struct RawEnum {
    /// The enum name (the TOML key).
    pub name: Sp<String>,
    /// `doc`
    pub doc: Option<Sp<String>>,
    /// `values`, in file order.
    pub values: Vec<RawEnumValue>,
}

/// One enum value: `"active"` or `{ value = "1st", rust_name = "First", doc = "..." }`.
#[derive(Debug, Clone)]
pub(crate) struct RawEnumValue {
    /// The stored value.
    pub value: Sp<String>,
    /// `rust_name`
    pub rust_name: Option<Sp<String>>,
    /// `doc`
    pub doc: Option<Sp<String>>,
}
