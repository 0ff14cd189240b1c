//! The value of a `json` attribute: a document as DynamoDB stores it, read and written back
//! without changing a digit or a type.
//!
//! A `json` attribute holds JSON's values (null, booleans, numbers, strings, lists, maps) and
//! also what DynamoDB has beyond JSON: binary data and sets of strings, numbers or binary data.
//! [`Value`] has a variant for each, so a document written by another program comes back exactly
//! as it is stored: a string set stays a set ([`Value::StringSet`]), never a list, and a number
//! keeps all its digits ([`Number`] is an exact decimal of up to 38 digits, like DynamoDB's),
//! where JSON libraries would round `0.10000000000000000555111512312578270212` to `0.1`.
//!
//! Values convert from [`serde_json::Value`] (`serde_json::json!({...}).into()`) exactly, and
//! back with `serde_json::Value::try_from`, which refuses what JSON cannot hold exactly (binary
//! data, numbers that are not an `i64`, `u64` or `f64`) instead of rounding; sets become arrays.
//!
//! ```
//! use flywheel_runtime::json::Value;
//! use std::collections::BTreeSet;
//!
//! let doc = Value::from(flywheel_runtime::serde_json::json!({"tags": ["a", "b"], "n": 1}));
//! assert_eq!(doc.get("n").and_then(Value::as_i64), Some(1));
//! let set = Value::StringSet(BTreeSet::from(["red".to_owned(), "blue".to_owned()]));
//! assert!(matches!(set, Value::StringSet(_)));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use crate::Decimal;

/// An exact number of a `json` document: a decimal of up to 38 significant digits, as DynamoDB
/// stores numbers. Equal numbers compare equal whatever their spelling (`1.50` and `1.5`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(Decimal);

impl Number {
    /// The number as an exact decimal.
    pub fn as_decimal(&self) -> &Decimal {
        &self.0
    }

    /// The number as an `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        integral(&self.0).and_then(|v| i64::try_from(v).ok())
    }

    /// The number as a `u64`, when it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        integral(&self.0).and_then(|v| u64::try_from(v).ok())
    }

    /// The number as the nearest `f64` (which may round it).
    pub fn as_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The `f64` that is exactly this number's shortest form, if there is one: what a JSON
    /// library holds without changing the number.
    fn exact_f64(&self) -> Option<f64> {
        let f: f64 = self.to_string().parse().ok()?;
        (f.is_finite() && shortest(f).ok().as_ref() == Some(self)).then_some(f)
    }
}

fn integral(d: &Decimal) -> Option<i128> {
    // Beyond 10^39 nothing fits 128 bits; checked before the digits are spelled out.
    let lead = d.digits() as i64 - d.fractional_digit_count() - 1;
    if lead > 39 || !d.is_integer() {
        return None;
    }
    let (digits, _) = d.with_scale(0).into_bigint_and_exponent();
    i128::try_from(digits).ok()
}

/// The shortest decimal that reads back as `f`.
fn shortest(f: f64) -> Result<Number, NotANumber> {
    if !f.is_finite() {
        return Err(NotANumber(f.to_string()));
    }
    // `{:e}` writes the shortest digits that read back as `f`, with an exponent, so that
    // 1e300 is not spelled with 300 zeros.
    format!("{f:e}").parse()
}

impl fmt::Display for Number {
    /// The normalized decimal text, as stored in DynamoDB.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::number::text(&self.0))
    }
}

/// A text or float that is not a finite decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber(String);

impl fmt::Display for NotANumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a finite decimal number", self.0)
    }
}

impl std::error::Error for NotANumber {}

impl FromStr for Number {
    type Err = NotANumber;

    /// Reads a decimal number (`12.50`, `-1E+3`); any precision, checked against DynamoDB's
    /// limits when stored.
    fn from_str(text: &str) -> Result<Number, NotANumber> {
        // The syntax is checked first: huge exponents are fine in a decimal, but not in text
        // that is about to be expanded.
        match crate::number::check(text) {
            Err(crate::number::NumberIssue::Syntax) => Err(NotANumber(text.to_owned())),
            _ => text
                .parse::<Decimal>()
                .map(Number)
                .map_err(|_| NotANumber(text.to_owned())),
        }
    }
}

impl From<Decimal> for Number {
    fn from(value: Decimal) -> Number {
        Number(value)
    }
}

macro_rules! number_from {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Number {
            fn from(value: $ty) -> Number {
                Number(Decimal::from(value))
            }
        }

        impl From<$ty> for Value {
            fn from(value: $ty) -> Value {
                Value::Number(Number::from(value))
            }
        }
    )*};
}

number_from!(i8, i16, i32, i64, u8, u16, u32, u64);

impl TryFrom<f64> for Number {
    type Error = NotANumber;

    /// The shortest decimal that reads back as `value` (`0.1` for 0.1); NaN and infinities are
    /// refused.
    fn try_from(value: f64) -> Result<Number, NotANumber> {
        shortest(value)
    }
}

/// The value of a `json` attribute; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// `NULL`.
    #[default]
    Null,
    /// `BOOL`.
    Bool(bool),
    /// `N`: an exact number.
    Number(Number),
    /// `S`.
    String(String),
    /// `B`: binary data (not JSON; a document written by another program may hold it).
    Binary(Vec<u8>),
    /// `L`: a list.
    List(Vec<Value>),
    /// `M`: a map.
    Map(BTreeMap<String, Value>),
    /// `SS`: a set of strings.
    StringSet(BTreeSet<String>),
    /// `NS`: a set of numbers.
    NumberSet(BTreeSet<Number>),
    /// `BS`: a set of binary values.
    BinarySet(BTreeSet<Vec<u8>>),
}

impl Value {
    /// The entry `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(map) => map.get(key),
            _ => None,
        }
    }

    /// Whether this is `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `i64`, if this is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// The map, if this is one, to change.
    pub fn as_map_mut(&mut self) -> Option<&mut BTreeMap<String, Value>> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }
}

/// `NULL`, for what indexing finds missing.
static NULL: Value = Value::Null;

impl std::ops::Index<&str> for Value {
    type Output = Value;

    /// The entry `key` of a map; [`Value::Null`] when there is none or this is not a map.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<usize> for Value {
    type Output = Value;

    /// The element `index` of a list; [`Value::Null`] when there is none or this is not a list.
    fn index(&self, index: usize) -> &Value {
        self.as_list().and_then(|l| l.get(index)).unwrap_or(&NULL)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

macro_rules! eq_number {
    ($($ty:ty),*) => {$(
        impl PartialEq<$ty> for Value {
            fn eq(&self, other: &$ty) -> bool {
                self.as_number().is_some_and(|n| *n == Number::from(*other))
            }
        }
    )*};
}

eq_number!(i32, i64, u32, u64);

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<serde_json::Value> for Value {
    /// Equal when the JSON value converts to this one.
    fn eq(&self, other: &serde_json::Value) -> bool {
        match (self, other) {
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Value::Number(a), serde_json::Value::Number(b)) => {
                b.to_string().parse::<Number>().is_ok_and(|b| *a == b)
            }
            (Value::String(a), serde_json::Value::String(b)) => a == b,
            (Value::List(a), serde_json::Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a == b)
            }
            (Value::Map(a), serde_json::Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Bool(value)
    }
}

impl From<Number> for Value {
    fn from(value: Number) -> Value {
        Value::Number(value)
    }
}

impl From<Decimal> for Value {
    fn from(value: Decimal) -> Value {
        Value::Number(Number(value))
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::String(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::String(value.to_owned())
    }
}

impl From<Vec<Value>> for Value {
    fn from(value: Vec<Value>) -> Value {
        Value::List(value)
    }
}

impl From<BTreeMap<String, Value>> for Value {
    fn from(value: BTreeMap<String, Value>) -> Value {
        Value::Map(value)
    }
}

impl From<serde_json::Value> for Value {
    /// Exact: every number serde_json holds (an `i64`, `u64` or `f64`) becomes the decimal it
    /// stands for (`0.1` for the float 0.1); arrays become lists and objects maps.
    fn from(value: serde_json::Value) -> Value {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(
                // serde_json prints integers exactly and floats in their shortest form.
                n.to_string().parse().unwrap_or_else(|_| Number::from(0)),
            ),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => {
                Value::List(items.into_iter().map(Value::from).collect())
            }
            serde_json::Value::Object(map) => {
                Value::Map(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

/// A [`Value`] that JSON cannot hold exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson {
    /// Where in the document, such as `a.b[2]`.
    pub path: String,
    /// What is there.
    pub reason: &'static str,
}

impl fmt::Display for NotJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "the document {}", self.reason)
        } else {
            write!(f, "`{}` {}", self.path, self.reason)
        }
    }
}

impl std::error::Error for NotJson {}

impl TryFrom<Value> for serde_json::Value {
    type Error = NotJson;

    /// JSON for the document: sets become arrays; binary data, and numbers that are not
    /// exactly an `i64`, `u64` or `f64`, are refused rather than changed.
    fn try_from(value: Value) -> Result<serde_json::Value, NotJson> {
        to_serde_json(value, &mut String::new())
    }
}

fn to_serde_json(value: Value, path: &mut String) -> Result<serde_json::Value, NotJson> {
    let not_json = |path: &String, reason| NotJson {
        path: path.clone(),
        reason,
    };
    let number = |n: &Number, path: &String| -> Result<serde_json::Value, NotJson> {
        if let Some(i) = n.as_i64() {
            return Ok(i.into());
        }
        if let Some(u) = n.as_u64() {
            return Ok(u.into());
        }
        n.exact_f64()
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number)
            .ok_or_else(|| {
                not_json(
                    path,
                    "is a number that JSON's i64, u64 and f64 cannot hold exactly",
                )
            })
    };
    let nested = |path: &mut String, step: &dyn fmt::Display, value: Value| {
        let len = path.len();
        path.push_str(&step.to_string());
        let out = to_serde_json(value, path);
        path.truncate(len);
        out
    };
    Ok(match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(b),
        Value::Number(n) => number(&n, path)?,
        Value::String(s) => serde_json::Value::String(s),
        Value::Binary(_) | Value::BinarySet(_) => {
            return Err(not_json(
                path,
                "holds binary data, which JSON has no type for",
            ));
        }
        Value::List(items) => serde_json::Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| nested(path, &format_args!("[{i}]"), v))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(map) => serde_json::Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let step = if path.is_empty() {
                        k.clone()
                    } else {
                        format!(".{k}")
                    };
                    Ok((k, nested(path, &step, v)?))
                })
                .collect::<Result<_, NotJson>>()?,
        ),
        Value::StringSet(items) => {
            serde_json::Value::Array(items.into_iter().map(serde_json::Value::String).collect())
        }
        Value::NumberSet(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|n| number(n, path))
                .collect::<Result<_, _>>()?,
        ),
    })
}

#[cfg(feature = "serde")]
mod serde_impls {
    use super::*;
    use serde::de::{self, MapAccess, SeqAccess, Visitor};
    use serde::ser::{self, SerializeMap, SerializeSeq};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    impl Serialize for Number {
        /// As an `i64`, `u64` or `f64` when one holds the number exactly; otherwise an error,
        /// never a rounded number.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            if let Some(i) = self.as_i64() {
                serializer.serialize_i64(i)
            } else if let Some(u) = self.as_u64() {
                serializer.serialize_u64(u)
            } else if let Some(f) = self.exact_f64() {
                serializer.serialize_f64(f)
            } else {
                Err(ser::Error::custom(format_args!(
                    "the number {self} has more digits than an f64 holds; it cannot be serialized exactly"
                )))
            }
        }
    }

    impl Serialize for Value {
        /// Sets are serialized as sequences and binary data as bytes.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            fn seq<S: Serializer, T: Serialize>(
                serializer: S,
                items: impl ExactSizeIterator<Item = T>,
            ) -> Result<S::Ok, S::Error> {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&item)?;
                }
                out.end()
            }
            match self {
                Value::Null => serializer.serialize_unit(),
                Value::Bool(b) => serializer.serialize_bool(*b),
                Value::Number(n) => n.serialize(serializer),
                Value::String(s) => serializer.serialize_str(s),
                Value::Binary(b) => serializer.serialize_bytes(b),
                Value::List(items) => seq(serializer, items.iter()),
                Value::Map(map) => {
                    let mut out = serializer.serialize_map(Some(map.len()))?;
                    for (k, v) in map {
                        out.serialize_entry(k, v)?;
                    }
                    out.end()
                }
                Value::StringSet(items) => seq(serializer, items.iter()),
                Value::NumberSet(items) => seq(serializer, items.iter()),
                Value::BinarySet(items) => {
                    seq(serializer, items.iter().map(|b| serde_bytes_ref(b)))
                }
            }
        }
    }

    /// Serializes a byte slice as bytes rather than as a sequence of numbers.
    struct BytesRef<'a>(&'a [u8]);

    fn serde_bytes_ref(b: &[u8]) -> BytesRef<'_> {
        BytesRef(b)
    }

    impl Serialize for BytesRef<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }

    impl<'de> Deserialize<'de> for Value {
        /// From any self-describing format; sequences become lists (a format has no sets).
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
            deserializer.deserialize_any(ValueVisitor)
        }
    }

    struct ValueVisitor;

    impl<'de> Visitor<'de> for ValueVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            Value::deserialize(d)
        }

        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }

        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(v.into())
        }

        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(v.into())
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
            Number::try_from(v).map(Value::Number).map_err(E::custom)
        }

        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }

        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }

        fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
            Ok(Value::Binary(v.to_vec()))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(Value::List(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, Value>()? {
                out.insert(k, v);
            }
            Ok(Value::Map(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_every_digit() {
        let n: Number = "0.10000000000000000555111512312578270212".parse().unwrap();
        assert_eq!(n.to_string(), "0.10000000000000000555111512312578270212");
        let big: Number = "12345678901234567890123".parse().unwrap();
        assert_eq!(big.to_string(), "12345678901234567890123");
        assert_eq!(big.as_i64(), None);
        assert_eq!("1.50".parse::<Number>().unwrap(), "1.5".parse().unwrap());
        assert_eq!(Number::try_from(0.1).unwrap().to_string(), "0.1");
        assert!(Number::try_from(f64::NAN).is_err());
        assert!("1e".parse::<Number>().is_err());
    }

    #[test]
    fn serde_json_values_convert_exactly_both_ways() {
        let json = serde_json::json!({"a": [1, -2, 0.5, 1e300, u64::MAX], "b": null, "c": "x"});
        let value = Value::from(json.clone());
        assert_eq!(serde_json::Value::try_from(value).unwrap(), json);
        let precise = Value::Number("0.10000000000000000555111512312578270212".parse().unwrap());
        assert!(serde_json::Value::try_from(precise).is_err());
        let binary = Value::Map(BTreeMap::from([(
            "b".to_owned(),
            Value::List(vec![Value::Binary(vec![1])]),
        )]));
        let err = serde_json::Value::try_from(binary).unwrap_err();
        assert_eq!(err.path, "b[0]");
        let set = Value::StringSet(BTreeSet::from(["x".to_owned()]));
        assert_eq!(
            serde_json::Value::try_from(set).unwrap(),
            serde_json::json!(["x"])
        );
    }
}
