//! `default = ...` literals checked against the field's type and turned into Rust expressions.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};

use crate::diagnostic::Span;
use crate::ir::{Ty, lit};
use crate::schema::{Literal, Sp};

/// Why a default does not fit its field.
pub struct BadDefault {
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

const RT: &str = "::flywheel_runtime";

/// The Rust expression of `value` as a `ty`; `enums` maps enum names to (value, variant) pairs.
pub fn default_expr(
    value: &Sp<Literal>,
    ty: &Ty,
    ty_name: &str,
    enums: &BTreeMap<String, Vec<(String, String)>>,
) -> Result<String, BadDefault> {
    let span = &value.span;
    match (ty, &value.value) {
        (Ty::Str, Literal::String(s)) => Ok(format!("::std::string::String::from({})", lit(s))),
        (Ty::Str, _) => Err(mismatch(value, ty_name, "\"text\"")),
        (Ty::I64 | Ty::I32 | Ty::U32 | Ty::U64, Literal::Integer(v)) => {
            let (suffix, fits) = match ty {
                Ty::I64 => ("i64", i64::try_from(*v).is_ok()),
                Ty::I32 => ("i32", i32::try_from(*v).is_ok()),
                Ty::U32 => ("u32", u32::try_from(*v).is_ok()),
                _ => ("u64", u64::try_from(*v).is_ok()),
            };
            if fits {
                Ok(format!("{v}{suffix}"))
            } else {
                Err(bad(
                    span,
                    format!("{v} does not fit in `{suffix}`"),
                    "out of range",
                    format!("use a value within the range of {suffix}"),
                ))
            }
        }
        (Ty::I64 | Ty::I32 | Ty::U32 | Ty::U64, Literal::BigInteger(v)) => Err(bad(
            span,
            format!("{v} does not fit in `{}`", ty.rust_type()),
            "out of range",
            format!("use a value within the range of {}", ty.rust_type()),
        )),
        (Ty::I64 | Ty::I32 | Ty::U32 | Ty::U64, _) => Err(mismatch(value, ty_name, "0")),
        (Ty::F64, Literal::Integer(v)) => Ok(format!("{:?}f64", *v as f64)),
        (Ty::F64, Literal::Float(f)) if f.is_finite() => Ok(format!("{f:?}f64")),
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
        (Ty::Decimal, Literal::Integer(v)) => Ok(format!(
            "{RT}::codec::decimal_literal({})",
            lit(&v.to_string())
        )),
        (Ty::Decimal, Literal::String(s) | Literal::BigInteger(s)) => match decimal_digits(s) {
            Some(digits) if digits <= 38 => Ok(format!("{RT}::codec::decimal_literal({})", lit(s))),
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
        (Ty::Bool, Literal::Bool(b)) => Ok(b.to_string()),
        (Ty::Bool, _) => Err(mismatch(value, ty_name, "false")),
        (Ty::Bytes, Literal::Array(items)) => {
            let mut bytes = Vec::new();
            for item in items {
                match item.value {
                    Literal::Integer(v) if (0..=255).contains(&v) => bytes.push(format!("{v}u8")),
                    _ => {
                        return Err(bad(
                            &item.span,
                            "a `bytes` default is an array of numbers from 0 to 255",
                            "not a byte",
                            "write bytes such as [0, 255]",
                        ));
                    }
                }
            }
            Ok(if bytes.is_empty() {
                "::std::vec::Vec::new()".into()
            } else {
                format!("::std::vec![{}]", bytes.join(", "))
            })
        }
        (Ty::Bytes, _) => Err(mismatch(value, ty_name, "[0, 255]")),
        (Ty::DateTime(_), Literal::Datetime(text) | Literal::String(text)) => {
            match DateTime::parse_from_rfc3339(text) {
                Ok(t) => Ok(format!(
                    "{RT}::codec::datetime_literal({}, {})",
                    t.timestamp(),
                    t.timestamp_subsec_nanos()
                )),
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
                Ok(d) => {
                    use chrono::Datelike;
                    Ok(format!(
                        "{RT}::codec::date_literal({}, {}, {})",
                        d.year(),
                        d.month(),
                        d.day()
                    ))
                }
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
            Some(v) => Ok(format!("{RT}::codec::uuid_literal(0x{v:032x})")),
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
        (Ty::Json, _) => Ok(format!(
            "{RT}::json::Value::from({RT}::serde_json::json!({}))",
            json_tokens(value)?
        )),
        (Ty::Enum(name), Literal::String(s)) => {
            let variants = enums.get(name).map(Vec::as_slice).unwrap_or_default();
            match variants.iter().find(|(value, _)| value == s) {
                Some((_, variant)) => Ok(format!("{name}::{variant}")),
                None => {
                    let values: Vec<&str> = variants.iter().map(|(v, _)| v.as_str()).collect();
                    let help = match crate::diagnostic::did_you_mean(s, values.iter().copied()) {
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
            let inner_name = ty_name
                .split_once('<')
                .map_or(ty_name, |(_, rest)| rest.strip_suffix('>').unwrap_or(rest));
            let exprs = items
                .iter()
                .map(|item| default_expr(item, inner, inner_name, enums))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(match (ty, exprs.is_empty()) {
                (Ty::List(_), true) => "::std::vec::Vec::new()".into(),
                (Ty::List(_), false) => format!("::std::vec![{}]", exprs.join(", ")),
                (_, true) => "::std::collections::BTreeSet::new()".into(),
                (_, false) => format!("::std::collections::BTreeSet::from([{}])", exprs.join(", ")),
            })
        }
        (Ty::List(_) | Ty::Set(_), _) => Err(mismatch(value, ty_name, "[]")),
        (Ty::Map(inner), Literal::Table(entries)) => {
            let inner_name = ty_name
                .split_once('<')
                .map_or(ty_name, |(_, rest)| rest.strip_suffix('>').unwrap_or(rest));
            let exprs = entries
                .iter()
                .map(|(k, v)| {
                    Ok(format!(
                        "(::std::string::String::from({}), {})",
                        lit(&k.value),
                        default_expr(v, inner, inner_name, enums)?
                    ))
                })
                .collect::<Result<Vec<_>, BadDefault>>()?;
            Ok(if exprs.is_empty() {
                "::std::collections::BTreeMap::new()".into()
            } else {
                format!("::std::collections::BTreeMap::from([{}])", exprs.join(", "))
            })
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

/// The tokens of `json!` for a TOML literal (Rust string literals are valid there).
///
/// Integers beyond `i32` get a suffix: an unsuffixed literal in `json!` is an `i32`.
fn json_tokens(value: &Sp<Literal>) -> Result<String, BadDefault> {
    Ok(match &value.value {
        Literal::String(s) | Literal::Datetime(s) => lit(s),
        Literal::Integer(i) if i32::try_from(*i).is_ok() => i.to_string(),
        Literal::Integer(i) if i64::try_from(*i).is_ok() => format!("{i}i64"),
        Literal::Integer(i) if u64::try_from(*i).is_ok() => format!("{i}u64"),
        Literal::Integer(_) | Literal::BigInteger(_) => {
            return Err(bad(
                &value.span,
                "a `json` number is at most 64 bits wide",
                "out of range",
                "use an integer within the range of i64 or u64, or a string",
            ));
        }
        Literal::Float(f) if f.is_finite() => format!("{f:?}"),
        Literal::Float(_) => {
            return Err(bad(
                &value.span,
                "JSON cannot hold NaN or infinity",
                "not a finite number",
                "use a finite number, or a string",
            ));
        }
        Literal::Bool(b) => b.to_string(),
        Literal::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(json_tokens)
                .collect::<Result<Vec<_>, _>>()?
                .join(", ")
        ),
        Literal::Table(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| Ok(format!("{}: {}", lit(&k.value), json_tokens(v)?)))
                .collect::<Result<Vec<_>, BadDefault>>()?
                .join(", ")
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
