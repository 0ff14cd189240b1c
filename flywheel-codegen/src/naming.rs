//! Rust names from schema names: heck for case, keywords escaped, validity checks.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords, strict and reserved, of every edition up to 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; these get a trailing underscore instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Whether `s` is a Rust keyword.
pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Whether `s` is a plain ASCII identifier (letters, digits, `_`, not starting with a digit).
pub(crate) fn is_ascii_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
}

/// `name` as a usable identifier: keywords become `r#type`, or `self_` where raw is not allowed.
pub(crate) fn escape(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if is_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The Rust field name for an attribute: snake_case, escaped; `None` when no identifier results.
pub(crate) fn field_name(attribute: &str) -> Option<String> {
    let snake = attribute.to_snake_case();
    is_ascii_ident(&snake).then(|| escape(&snake))
}

/// The UpperCamelCase form of `s`, for suggestions and enum variants; `None` when it is not an
/// identifier.
pub(crate) fn type_name(s: &str) -> Option<String> {
    let camel = s.to_upper_camel_case();
    (is_ascii_ident(&camel) && !is_keyword(&camel)).then_some(camel)
}

/// Whether `s` can name a generated type: an ASCII identifier starting with a capital letter.
pub(crate) fn is_type_name(s: &str) -> bool {
    is_ascii_ident(s) && s.starts_with(|c: char| c.is_ascii_uppercase()) && !is_keyword(s)
}

/// SCREAMING_SNAKE_CASE, for constants.
pub(crate) fn constant_name(s: &str) -> String {
    heck::ToShoutySnakeCase::to_shouty_snake_case(s)
}

/// snake_case.
pub(crate) fn snake(s: &str) -> String {
    s.to_snake_case()
}

/// The marker type of an attribute or index: UpperCamelCase, never a keyword.
pub(crate) fn marker_name(base: &str) -> String {
    let camel = base.to_upper_camel_case();
    if is_keyword(&camel) {
        format!("{camel}_")
    } else {
        camel
    }
}

/// The name an attribute's marker type shows in the compiler's messages: the stored name
/// where it is an identifier (`top_score`, `displayName`), else the field's Rust name.
pub(crate) fn attribute_marker(attribute: &str, base: &str) -> String {
    if is_ascii_ident(attribute) && !is_keyword(attribute) && !NOT_RAW.contains(&attribute) {
        attribute.to_owned()
    } else {
        format!("{base}_")
    }
}

/// The query entry point of the index `index`.
pub(crate) fn query_method(index: &str) -> String {
    format!("query_{}", snake(index))
}

/// The struct a query of an index with the marker `marker` returns, when the index holds only
/// some attributes.
pub(crate) fn projection_item(model: &str, marker: &str) -> String {
    format!("{model}{marker}Item")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_is_escaped() {
        for k in KEYWORDS {
            let escaped = escape(k);
            assert_ne!(&escaped, k);
            assert!(syn::parse_str::<syn::Ident>(&escaped).is_ok(), "{escaped}");
        }
        assert_eq!(escape("type"), "r#type");
        assert_eq!(escape("self"), "self_");
    }

    #[test]
    fn attribute_names_become_snake_case() {
        assert_eq!(field_name("displayName").as_deref(), Some("display_name"));
        assert_eq!(field_name("top-score").as_deref(), Some("top_score"));
        assert_eq!(field_name("type").as_deref(), Some("r#type"));
        assert_eq!(field_name("1st"), None);
        assert_eq!(field_name("名前"), None);
    }
}
