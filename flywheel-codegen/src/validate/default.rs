//! `default = ...` literals checked against the field's type and turned into typed values.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate};

use crate::checked::{DefaultValue, Enum, JsonValue};
use crate::diagnostic::{Span, did_you_mean};
use crate::schema::{Literal, Sp};
use crate::ty::Ty;

/// Why a default does not fit its field.
pub(super) struct BadDefault {
    /// Where.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// The label.
    pub label: String,
    /// How to fix it.
    pub help: String,
}

fn bad(
    span: &Span,
    message: impl Into<String>,
    label: impl Into<String>,
    help: impl Into<String>,
) -> BadDefault {
    BadDefault {
        span: span.clone(),
        message: message.into(),
        label: label.into(),
        help: help.into(),
    }
}

fn mismatch(value: &Sp<Literal>, ty_name: &str, example: &str) -> BadDefault {
    bad(
        &value.span,
        format!(
            "this default has the wrong type: expected `{ty_name}`, found {}",
            value.value.kind()
        ),
        format!("expected `{ty_name}`"),
        format!("write a value of type `{ty_name}`, such as {example}"),
    )
}

/// The value of `value` as a `ty` (written `ty_name`); `enums` are the file's enums by name.
pub(super) fn default_value(
    value: &Sp<Literal>,
    ty: &Ty,
    ty_name: &str,
    enums: &BTreeMap<&str, &Enum>,
) -> Result<DefaultValue, BadDefault> {
    let span = &value.span;
    match (ty, &value.value) {
        (Ty::Str, Literal::String(s)) => Ok(DefaultValue::String(s.clone())),
        (Ty::Str, _) => Err(mismatch(value, ty_name, "\"text\"")),
        (Ty::I64 | Ty::I32 | Ty::U32 | Ty::U64, Literal::Integer(v)) => {
            let (name, fits) = integer_range(ty, *v);
            if fits {
                Ok(DefaultValue::Integer(*v))
            } else {
                Err(bad(
                    span,
                    format!("{v} does not fit in `{name}`"),
                    "out of range",
                    format!("use a value within the range of {name}"),
                ))
            }
        }
        (Ty::I64 | Ty::I32 | Ty::U32 | Ty::U64, Literal::BigInteger(v)) => {
            let (name, _) = integer_range(ty, 0);
            Err(bad(
                span,
                format!("{v} does not fit in `{name}`"),
                "out of range",
                format!("use a value within the range of {name}"),
            ))
        }
        (Ty::I64 | Ty::I32 | Ty::U32 | Ty::U64, _) => Err(mismatch(value, ty_name, "0")),
        (Ty::F64, Literal::Integer(v)) => Ok(DefaultValue::Float(*v as f64)),
        (Ty::F64, Literal::Float(f)) if f.is_finite() => Ok(DefaultValue::Float(*f)),
        (Ty::F64, Literal::BigInteger(_)) => Err(bad(
            span,
            "this integer is too large to be read exactly",
            "beyond 128 bits",
            "write it as a float, such as 1e40",
        )),
        (Ty::F64, Literal::Float(_)) => Err(bad(
            span,
            "DynamoDB cannot store NaN or infinity",
            "not a finite number",
            "use a finite number",
        )),
        (Ty::F64, _) => Err(mismatch(value, ty_name, "0.5")),
        (Ty::Decimal, Literal::Integer(v)) => Ok(DefaultValue::Decimal(v.to_string())),
        (Ty::Decimal, Literal::String(s) | Literal::BigInteger(s)) => match decimal_digits(s) {
            Some(digits) if digits <= 38 => Ok(DefaultValue::Decimal(s.clone())),
            Some(digits) => Err(bad(
                span,
                format!("this decimal has {digits} significant digits"),
                "too precise",
                "DynamoDB numbers hold at most 38 significant digits",
            )),
            None => Err(bad(
                span,
                format!("`{s}` is not a decimal number"),
                "not a number",
                "write a decimal such as \"12.50\"",
            )),
        },
        (Ty::Decimal, Literal::Float(_)) => Err(bad(
            span,
            "decimal defaults are written as strings, to stay exact",
            "a float is rounded by TOML",
            "write the number in quotes, such as \"0.10\"",
        )),
        (Ty::Decimal, _) => Err(mismatch(value, ty_name, "\"12.50\"")),
        (Ty::Bool, Literal::Bool(b)) => Ok(DefaultValue::Bool(*b)),
        (Ty::Bool, _) => Err(mismatch(value, ty_name, "false")),
        (Ty::Bytes, Literal::Array(items)) => items
            .iter()
            .map(|item| {
                match item.value {
                    Literal::Integer(v) => u8::try_from(v).ok(),
                    _ => None,
                }
                .ok_or_else(|| {
                    bad(
                        &item.span,
                        "a `bytes` default is an array of numbers from 0 to 255",
                        "not a byte",
                        "write bytes such as [0, 255]",
                    )
                })
            })
            .collect::<Result<_, _>>()
            .map(DefaultValue::Bytes),
        (Ty::Bytes, _) => Err(mismatch(value, ty_name, "[0, 255]")),
        (Ty::DateTime(_), Literal::Datetime(text) | Literal::String(text)) => {
            match DateTime::parse_from_rfc3339(text) {
                Ok(t) => Ok(DefaultValue::DateTime {
                    seconds: t.timestamp(),
                    nanos: t.timestamp_subsec_nanos(),
                }),
                Err(_) => Err(bad(
                    span,
                    format!("`{text}` is not a date and time with an offset"),
                    "not an RFC 3339 timestamp",
                    "write a timestamp with its offset, such as 2024-01-01T00:00:00Z",
                )),
            }
        }
        (Ty::DateTime(_), _) => Err(mismatch(value, ty_name, "2024-01-01T00:00:00Z")),
        (Ty::Date(_), Literal::Datetime(text) | Literal::String(text)) => {
            match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) => Ok(DefaultValue::Date {
                    year: d.year(),
                    month: d.month(),
                    day: d.day(),
                }),
                Err(_) => Err(bad(
                    span,
                    format!("`{text}` is not a date"),
                    "not YYYY-MM-DD",
                    "write a date such as 2024-01-01",
                )),
            }
        }
        (Ty::Date(_), _) => Err(mismatch(value, ty_name, "2024-01-01")),
        (Ty::Uuid, Literal::String(s)) => match parse_uuid(s) {
            Some(v) => Ok(DefaultValue::Uuid(v)),
            None => Err(bad(
                span,
                format!("`{s}` is not a UUID"),
                "not a UUID",
                "write a UUID such as \"67e55044-10b1-426f-9247-bb680e5fe0c8\"",
            )),
        },
        (Ty::Uuid, _) => Err(mismatch(
            value,
            ty_name,
            "\"67e55044-10b1-426f-9247-bb680e5fe0c8\"",
        )),
        (Ty::Json, _) => Ok(DefaultValue::Json(json_value(value)?)),
        (Ty::Enum(name), Literal::String(s)) => {
            let variants = enums.get(name.as_str()).map_or(&[][..], |e| &e.variants);
            match variants.iter().find(|v| v.value == *s) {
                Some(v) => Ok(DefaultValue::Variant {
                    enumeration: name.clone(),
                    variant: v.rust.clone(),
                }),
                None => {
                    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
                    let help = match did_you_mean(s, values.iter().copied()) {
                        Some(m) => format!("did you mean \"{m}\"?"),
                        None => format!("the values of `{name}` are: {}", values.join(", ")),
                    };
                    Err(bad(
                        span,
                        format!("\"{s}\" is not a value of enum `{name}`"),
                        "unknown value",
                        help,
                    ))
                }
            }
        }
        (Ty::Enum(_), _) => Err(mismatch(value, ty_name, "\"active\"")),
        (Ty::List(inner) | Ty::Set(inner), Literal::Array(items)) => {
            let inner_name = element_name(ty_name);
            let values = items
                .iter()
                .map(|item| default_value(item, inner, inner_name, enums))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if ty.is_set() {
                DefaultValue::Set(values)
            } else {
                DefaultValue::List(values)
            })
        }
        (Ty::List(_) | Ty::Set(_), _) => Err(mismatch(value, ty_name, "[]")),
        (Ty::Map(inner), Literal::Table(entries)) => {
            let inner_name = element_name(ty_name);
            entries
                .iter()
                .map(|(k, v)| Ok((k.value.clone(), default_value(v, inner, inner_name, enums)?)))
                .collect::<Result<_, BadDefault>>()
                .map(DefaultValue::Map)
        }
        (Ty::Map(_), _) => Err(mismatch(value, ty_name, "{}")),
        (Ty::Nested(name), _) => Err(bad(
            span,
            format!("fields of the nested type `{name}` cannot have a default"),
            "no default for nested types",
            "drop the default: make the field optional, or required and set in `new`",
        )),
    }
}

/// The name of an integer type and whether `v` is within its range.
fn integer_range(ty: &Ty, v: i128) -> (&'static str, bool) {
    match ty {
        Ty::I64 => ("i64", i64::try_from(v).is_ok()),
        Ty::I32 => ("i32", i32::try_from(v).is_ok()),
        Ty::U32 => ("u32", u32::try_from(v).is_ok()),
        _ => ("u64", u64::try_from(v).is_ok()),
    }
}

/// The element type as written in `list<T>`, `set<T>` or `map<T>`, for messages.
fn element_name(ty_name: &str) -> &str {
    ty_name
        .split_once('<')
        .map_or(ty_name, |(_, rest)| rest.strip_suffix('>').unwrap_or(rest))
}

/// Significant digits of a decimal literal, or `None` when it is not one.
fn decimal_digits(s: &str) -> Option<usize> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(e) = exponent {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits: String = format!("{int}{frac}");
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    Some(significant.len())
}

fn parse_uuid(s: &str) -> Option<u128> {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let hyphens_ok = s.len() == 32
        || (s.len() == 36 && [8, 13, 18, 23].iter().all(|&i| s.as_bytes()[i] == b'-'));
    (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && hyphens_ok)
        .then(|| u128::from_str_radix(&hex, 16).ok())
        .flatten()
}

/// The JSON value of a TOML literal: numbers within 64 bits, finite floats.
fn json_value(value: &Sp<Literal>) -> Result<JsonValue, BadDefault> {
    Ok(match &value.value {
        Literal::String(s) | Literal::Datetime(s) => JsonValue::String(s.clone()),
        Literal::Integer(i) if i64::try_from(*i).is_ok() || u64::try_from(*i).is_ok() => {
            JsonValue::Integer(*i)
        }
        Literal::Integer(_) | Literal::BigInteger(_) => {
            return Err(bad(
                &value.span,
                "a `json` number is at most 64 bits wide",
                "out of range",
                "use an integer within the range of i64 or u64, or a string",
            ));
        }
        Literal::Float(f) if f.is_finite() => JsonValue::Float(*f),
        Literal::Float(_) => {
            return Err(bad(
                &value.span,
                "JSON cannot hold NaN or infinity",
                "not a finite number",
                "use a finite number, or a string",
            ));
        }
        Literal::Bool(b) => JsonValue::Bool(*b),
        Literal::Array(items) => {
            JsonValue::Array(items.iter().map(json_value).collect::<Result<_, _>>()?)
        }
        Literal::Table(entries) => JsonValue::Object(
            entries
                .iter()
                .map(|(k, v)| Ok((k.value.clone(), json_value(v)?)))
                .collect::<Result<_, BadDefault>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits_count_significant_digits() {
        assert_eq!(decimal_digits("12.50"), Some(3));
        assert_eq!(decimal_digits("-0.001"), Some(1));
        assert_eq!(decimal_digits("1e5"), Some(1));
        assert_eq!(decimal_digits("abc"), None);
        assert_eq!(decimal_digits("1."), Some(1));
    }

    #[test]
    fn uuids_parse_with_or_without_hyphens() {
        assert_eq!(
            parse_uuid("67e55044-10b1-426f-9247-bb680e5fe0c8"),
            Some(0x67e5504410b1426f9247bb680e5fe0c8)
        );
        assert_eq!(
            parse_uuid("67e5504410b1426f9247bb680e5fe0c8"),
            Some(0x67e5504410b1426f9247bb680e5fe0c8)
        );
        assert_eq!(parse_uuid("67e55044"), None);
    }
}
