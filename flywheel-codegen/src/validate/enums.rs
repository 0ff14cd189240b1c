//! Enums: their stored values and the Rust variants those map to.

use std::collections::HashMap;

use crate::checked::{Enum, Variant};
use crate::diagnostic::{Reporter, Span};
use crate::naming;
use crate::schema::{RawEnum, RawEnumValue, Sp};

/// The enum with the values that passed; every other value is reported.
pub(super) fn enumeration(report: &mut Reporter<'_>, e: &RawEnum) -> Enum {
    let mut values: HashMap<&str, Span> = HashMap::new();
    let mut variants: HashMap<String, Span> = HashMap::new();
    let mut out = Vec::new();
    // An enum without values was reported by the parser.
    for v in &e.values {
        if !value_is_new(report, &mut values, &v.value) {
            continue;
        }
        let Some((rust, span)) = variant_name(report, v) else {
            continue;
        };
        if let Some(first) = variants.get(&rust) {
            report
                .at(
                    span,
                    format!(
                        "two values of `{}` map to the variant `{rust}`",
                        e.name.value
                    ),
                    "maps to the same variant",
                )
                .also(first.clone(), "this one too")
                .help(format!(
                    "write `{{ value = \"{}\", rust_name = \"OtherName\" }}` for one of them",
                    toml_escape(&v.value.value)
                ));
            continue;
        }
        variants.insert(rust.clone(), span);
        out.push(Variant {
            value: v.value.value.clone(),
            rust,
            doc: v.doc.as_ref().map(|d| d.value.clone()),
        });
    }
    Enum {
        name: e.name.value.clone(),
        doc: e.doc.as_ref().map(|d| d.value.clone()),
        variants: out,
    }
}

/// A value is not empty and not listed before; remembers it when it passes.
fn value_is_new<'a>(
    report: &mut Reporter<'_>,
    values: &mut HashMap<&'a str, Span>,
    value: &'a Sp<String>,
) -> bool {
    if value.value.is_empty() {
        report.error(
            value.span.clone(),
            "an enum value cannot be empty",
            "empty string",
            "DynamoDB cannot store an empty string in a key, and an enum may be one: give the \
             value a name",
        );
        return false;
    }
    if let Some(first) = values.get(value.value.as_str()) {
        report
            .at(
                value.span.clone(),
                format!("the value \"{}\" is listed twice", value.value),
                "listed again here",
            )
            .also(first.clone(), "first listed here")
            .help("remove one of them");
        return false;
    }
    values.insert(&value.value, value.span.clone());
    true
}

/// The variant of a value: `rust_name`, or the value in UpperCamelCase; and where it comes from.
fn variant_name(report: &mut Reporter<'_>, v: &RawEnumValue) -> Option<(String, Span)> {
    match &v.rust_name {
        Some(r) => {
            if !naming::is_type_name(&r.value) {
                report.error(
                    r.span.clone(),
                    format!("`{}` is not a valid variant name", r.value),
                    "invalid Rust name",
                    "variant names are UpperCamelCase identifiers such as `First`",
                );
            }
            Some((r.value.clone(), r.span.clone()))
        }
        None => match naming::type_name(&v.value.value) {
            Some(name) => Some((name, v.value.span.clone())),
            None => {
                report.error(
                    v.value.span.clone(),
                    format!(
                        "the value \"{}\" gives no valid Rust variant name",
                        v.value.value
                    ),
                    "no variant name",
                    format!(
                        "write `{{ value = \"{}\", rust_name = \"SomeName\" }}`",
                        toml_escape(&v.value.value)
                    ),
                );
                None
            }
        },
    }
}

/// `s` as the inside of a TOML basic string, for help lines that show TOML to write.
fn toml_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => "\\\"".to_owned(),
            '\\' => "\\\\".to_owned(),
            c if c.is_control() => format!("\\u{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}
