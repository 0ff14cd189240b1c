//! Resolved schema types: what a field holds and how it is stored. Validation resolves them,
//! the IR carries them, and only the render stage spells them as Rust.

/// A resolved schema type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// `string`
    Str,
    /// `int` / `i64`
    I64,
    /// `i32`
    I32,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `float`
    F64,
    /// `decimal`
    Decimal,
    /// `bool`
    Bool,
    /// `bytes`
    Bytes,
    /// `datetime` with its storage format
    DateTime(DateTimeFormat),
    /// `date` with its storage format
    Date(DateFormat),
    /// `uuid`
    Uuid,
    /// `json`
    Json,
    /// `list<T>`
    List(Box<Ty>),
    /// `map<T>`
    Map(Box<Ty>),
    /// `set<T>`
    Set(Box<Ty>),
    /// a `[types.Name]`
    Nested(String),
    /// an `[enums.Name]`
    Enum(String),
}

/// Storage of a `datetime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateTimeFormat {
    /// Fixed-width RFC 3339 text.
    Rfc3339,
    /// Seconds with a fraction.
    Epoch,
    /// Whole milliseconds.
    EpochMillis,
    /// Whole seconds, for time-to-live attributes (DynamoDB's TTL format).
    EpochSeconds,
}

/// Storage of a `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateFormat {
    /// `YYYY-MM-DD`
    Iso,
    /// Seconds of UTC midnight.
    Epoch,
}

/// The scalar a key attribute is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// `S`
    S,
    /// `N`
    N,
    /// `B`
    B,
}

impl Ty {
    /// The scalar it is stored as, when it is one.
    pub(crate) fn scalar(&self) -> Option<Scalar> {
        match self {
            Ty::Str | Ty::Uuid | Ty::Enum(_) => Some(Scalar::S),
            Ty::I64 | Ty::I32 | Ty::U32 | Ty::U64 | Ty::F64 | Ty::Decimal => Some(Scalar::N),
            Ty::Bytes => Some(Scalar::B),
            Ty::DateTime(DateTimeFormat::Rfc3339) | Ty::Date(DateFormat::Iso) => Some(Scalar::S),
            Ty::DateTime(_) | Ty::Date(_) => Some(Scalar::N),
            _ => None,
        }
    }

    /// Whether its values can be compared for equality and hashed (everything but floats, JSON
    /// and nested documents, which may hold them).
    pub(crate) fn is_eq(&self) -> bool {
        match self {
            Ty::F64 | Ty::Json | Ty::Nested(_) => false,
            Ty::List(t) | Ty::Map(t) | Ty::Set(t) => t.is_eq(),
            _ => true,
        }
    }

    /// Whether it is an integer type.
    pub(crate) fn is_integer(&self) -> bool {
        matches!(self, Ty::I64 | Ty::I32 | Ty::U32 | Ty::U64)
    }

    /// Whether it is a set, which DynamoDB stores as absent when empty.
    pub(crate) fn is_set(&self) -> bool {
        matches!(self, Ty::Set(_))
    }

    /// The type of its elements (or values, for a map), for a collection.
    pub(crate) fn element(&self) -> Option<&Ty> {
        match self {
            Ty::List(t) | Ty::Map(t) | Ty::Set(t) => Some(t),
            _ => None,
        }
    }
}
