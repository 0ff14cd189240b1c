//! The one place that spells Rust: types, codecs, literals and expressions, with the runtime
//! reached through the configured path.

use crate::checked::{DefaultValue, JsonValue};
use crate::ty::{DateFormat, DateTimeFormat, Ty};

/// Spells Rust for generated code whose runtime is at `rt` (such as `::flywheel_runtime`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rust<'a> {
    rt: &'a str,
}

impl<'a> Rust<'a> {
    /// Spelling with the runtime at `rt`.
    pub(crate) fn new(rt: &'a str) -> Rust<'a> {
        Rust { rt }
    }

    /// The Rust type of `ty`, with fully qualified paths.
    pub(crate) fn ty(&self, ty: &Ty) -> String {
        let rt = self.rt;
        match ty {
            Ty::Str => "::std::string::String".into(),
            Ty::I64 => "i64".into(),
            Ty::I32 => "i32".into(),
            Ty::U32 => "u32".into(),
            Ty::U64 => "u64".into(),
            Ty::F64 => "f64".into(),
            Ty::Decimal => format!("{rt}::Decimal"),
            Ty::Bool => "bool".into(),
            Ty::Bytes => "::std::vec::Vec<u8>".into(),
            Ty::DateTime(_) => format!("{rt}::chrono::DateTime<{rt}::chrono::Utc>"),
            Ty::Date(_) => format!("{rt}::chrono::NaiveDate"),
            Ty::Uuid => format!("{rt}::uuid::Uuid"),
            Ty::Json => format!("{rt}::json::Value"),
            Ty::List(t) => format!("::std::vec::Vec<{}>", self.ty(t)),
            Ty::Map(t) => format!(
                "::std::collections::BTreeMap<::std::string::String, {}>",
                self.ty(t)
            ),
            Ty::Set(t) => format!("::std::collections::BTreeSet<{}>", self.ty(t)),
            Ty::Nested(name) | Ty::Enum(name) => name.clone(),
        }
    }

    /// The codec that stores `ty`.
    pub(crate) fn codec(&self, ty: &Ty) -> String {
        let c = |name: &str| format!("{}::codec::{name}", self.rt);
        match ty {
            Ty::Str => c("Str"),
            Ty::I64 => c("I64"),
            Ty::I32 => c("I32"),
            Ty::U32 => c("U32"),
            Ty::U64 => c("U64"),
            Ty::F64 => c("F64"),
            Ty::Decimal => c("Dec"),
            Ty::Bool => c("Bool"),
            Ty::Bytes => c("Bytes"),
            Ty::DateTime(DateTimeFormat::Rfc3339) => c("DateTimeRfc3339"),
            Ty::DateTime(DateTimeFormat::Epoch) => c("DateTimeEpoch"),
            Ty::DateTime(DateTimeFormat::EpochMillis) => c("DateTimeEpochMillis"),
            Ty::DateTime(DateTimeFormat::EpochSeconds) => c("DateTimeEpochSeconds"),
            Ty::Date(DateFormat::Iso) => c("DateIso"),
            Ty::Date(DateFormat::Epoch) => c("DateEpoch"),
            Ty::Uuid => c("Uuid"),
            Ty::Json => c("Json"),
            Ty::List(t) => format!("{}<{}>", c("List"), self.codec(t)),
            Ty::Map(t) => format!("{}<{}>", c("Map"), self.codec(t)),
            Ty::Set(t) => format!("{}<{}>", c("Set"), self.codec(t)),
            Ty::Nested(name) => format!("{}<{name}>", c("Doc")),
            Ty::Enum(name) => format!("{}<{name}>", c("Enum")),
        }
    }

    /// The expression of the default `value` of a field of type `ty`.
    pub(crate) fn default_value(&self, value: &DefaultValue, ty: &Ty) -> String {
        let rt = self.rt;
        let element = ty.element().unwrap_or(ty);
        let items = |values: &[DefaultValue]| {
            values
                .iter()
                .map(|v| self.default_value(v, element))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match value {
            DefaultValue::String(s) => string(s),
            // The integer type's name is its literal suffix.
            DefaultValue::Integer(v) => format!("{v}{}", self.ty(ty)),
            DefaultValue::Float(f) => format!("{f:?}f64"),
            DefaultValue::Decimal(text) => format!("{rt}::codec::decimal_literal({})", lit(text)),
            DefaultValue::Bool(b) => b.to_string(),
            DefaultValue::Bytes(bytes) if bytes.is_empty() => "::std::vec::Vec::new()".into(),
            DefaultValue::Bytes(bytes) => format!(
                "::std::vec![{}]",
                bytes
                    .iter()
                    .map(|b| format!("{b}u8"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            DefaultValue::DateTime { seconds, nanos } => {
                format!("{rt}::codec::datetime_literal({seconds}, {nanos})")
            }
            DefaultValue::Date { year, month, day } => {
                format!("{rt}::codec::date_literal({year}, {month}, {day})")
            }
            DefaultValue::Uuid(v) => format!("{rt}::codec::uuid_literal(0x{v:032x})"),
            DefaultValue::Json(json) => format!(
                "{rt}::json::Value::from({rt}::serde_json::json!({}))",
                json_tokens(json)
            ),
            DefaultValue::Variant {
                enumeration,
                variant,
            } => format!("{enumeration}::{variant}"),
            DefaultValue::List(values) if values.is_empty() => "::std::vec::Vec::new()".into(),
            DefaultValue::List(values) => format!("::std::vec![{}]", items(values)),
            DefaultValue::Set(values) if values.is_empty() => {
                "::std::collections::BTreeSet::new()".into()
            }
            DefaultValue::Set(values) => {
                format!("::std::collections::BTreeSet::from([{}])", items(values))
            }
            DefaultValue::Map(entries) if entries.is_empty() => {
                "::std::collections::BTreeMap::new()".into()
            }
            DefaultValue::Map(entries) => format!(
                "::std::collections::BTreeMap::from([{}])",
                entries
                    .iter()
                    .map(|(k, v)| format!("({}, {})", string(k), self.default_value(v, element)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// A Rust string literal holding `s` (schema text can never break out of it).
pub(crate) fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// An owned `String` holding `s`.
fn string(s: &str) -> String {
    format!("::std::string::String::from({})", lit(s))
}

/// The default as a function: a plain constructor path (`Vec::new`) where the expression is
/// just a call of it, a closure otherwise.
pub(crate) fn default_fn(expr: &str) -> String {
    match expr.strip_suffix("()") {
        Some(path) if !path.contains(['(', ' ', '!']) => path.to_owned(),
        _ => format!("|| {expr}"),
    }
}

/// The tokens of `json!` for a value (Rust string literals are valid there).
///
/// Integers beyond `i32` get a suffix: an unsuffixed literal in `json!` is an `i32`.
fn json_tokens(value: &JsonValue) -> String {
    match value {
        JsonValue::String(s) => lit(s),
        JsonValue::Integer(i) if i32::try_from(*i).is_ok() => i.to_string(),
        JsonValue::Integer(i) if i64::try_from(*i).is_ok() => format!("{i}i64"),
        JsonValue::Integer(i) => format!("{i}u64"),
        JsonValue::Float(f) => format!("{f:?}"),
        JsonValue::Bool(b) => b.to_string(),
        JsonValue::Array(items) => format!(
            "[{}]",
            items.iter().map(json_tokens).collect::<Vec<_>>().join(", ")
        ),
        JsonValue::Object(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}: {}", lit(k), json_tokens(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
