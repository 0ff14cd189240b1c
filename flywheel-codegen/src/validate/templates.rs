//! Computed attributes: `template = "ORDER#{placed_at}#{order_id}"`, or flywheel's form
//! `parts = ["kind", "id"]` with a `separator`. A template names fields of its model, each of
//! a type with a sortable text form, and is laid out so that its text sorts like its parts
//! (see the runtime's `template` module for how each part is written).

use crate::checked::{Field, Piece, Presence, Template};
use crate::diagnostic::{Reporter, Span};
use crate::schema::{RawField, RawType, Sp};
use crate::ty::Ty;

use super::fields::Attributes;

/// The separator of `parts` when none is given.
const DEFAULT_SEPARATOR: &str = "#";

/// The field of a computed attribute, its pieces still to resolve ([`resolve`]): stored as a
/// string, written on every write, and never a field of the struct.
pub(super) fn computed_field(
    report: &mut Reporter<'_>,
    f: &RawField,
    rust: String,
    rust_span: Span,
) -> Option<Field> {
    let name = &f.name.value;
    let mut ok = true;
    let mut not_here = |report: &mut Reporter<'_>, span: &Span, key: &str, help: &str| {
        report.error(
            span.clone(),
            format!("`{key}` does not apply to the computed attribute `{name}`"),
            format!("`{key}` of a computed attribute"),
            help,
        );
        ok = false;
    };
    if let Some(ty) = &f.ty {
        not_here(
            report,
            &ty.span,
            "type",
            "a computed attribute is stored as a string: remove `type`",
        );
    }
    if let Some(d) = &f.default {
        not_here(
            report,
            &d.span,
            "default",
            "a computed attribute is written from its parts on every write: remove `default`",
        );
    }
    if let Some(r) = &f.required {
        not_here(
            report,
            &r.span,
            "required",
            "a computed attribute is written when all of its parts have a value: remove `required`",
        );
    }
    if let Some(u) = &f.unique {
        not_here(
            report,
            &u.span,
            "unique",
            "a computed attribute is unique when its parts are: mark a part `unique`, or make \
             it a key",
        );
    }
    if let Some(format) = &f.format {
        not_here(
            report,
            &format.span,
            "format",
            "each part is written in its sortable text form: remove `format`",
        );
    }
    let span = match (&f.template, &f.parts, &f.separator) {
        (Some(t), Some(p), _) => {
            report
                .at(
                    p.span.clone(),
                    format!("the attribute `{name}` has both `template` and `parts`"),
                    "second definition",
                )
                .also(t.span.clone(), "first definition")
                .help("keep one: `parts` with a `separator` is a shorter `template`");
            return None;
        }
        (Some(_), None, Some(sep)) => {
            report.error(
                sep.span.clone(),
                format!("`separator` of `{name}` goes with `parts`, not with `template`"),
                "no parts to separate",
                "write the separators in the template itself, or use `parts`",
            );
            return None;
        }
        (Some(t), _, _) => t.span.clone(),
        (None, Some(p), _) => p.span.clone(),
        (None, None, _) => return None,
    };
    ok.then(|| Field {
        attr: f.name.clone(),
        rust,
        rust_span,
        ty: Ty::Str,
        ty_text: "string".to_owned(),
        ty_span: span,
        doc: f.doc.as_ref().map(|d| d.value.clone()),
        presence: Presence::Required,
        default_span: None,
        required_span: None,
        template: Some(Template { pieces: Vec::new() }),
        unique: None,
    })
}

/// Nested document types hold values, not computed attributes.
pub(super) fn not_in_types(report: &mut Reporter<'_>, types: &[RawType]) {
    for t in types {
        for f in t.fields.iter().filter(|f| f.is_computed()) {
            report.error(
                f.name.span.clone(),
                format!(
                    "the field `{}` of type `{}` is computed, which only attributes of the \
                     model can be",
                    f.name.value, t.name.value
                ),
                "computed field in a nested type",
                "move it to `[fields]`, where its parts are fields of the model",
            );
        }
    }
}

/// Resolves the pieces of every computed attribute of `raw` among the model's fields.
pub(super) fn resolve(report: &mut Reporter<'_>, raw: &[RawField], attrs: &mut Attributes) {
    for f in raw.iter().filter(|f| f.is_computed()) {
        let Some(at) = attrs
            .fields
            .iter()
            .position(|a| a.attr.value == f.name.value)
        else {
            continue;
        };
        let Some(written) = written_pieces(report, f) else {
            continue;
        };
        let Some(pieces) = part_fields(report, &f.name.value, &written, attrs) else {
            continue;
        };
        if layout_is_sortable(report, &f.name.value, &written, &pieces, &attrs.fields) {
            attrs.fields[at].template = Some(Template { pieces });
        }
    }
}

/// A piece as written, with the span of a part's name.
enum Written {
    Text(String),
    Part {
        name: Sp<String>,
        width: Option<Sp<u8>>,
    },
}

/// The pieces of `template` or `parts`, with their spans.
fn written_pieces(report: &mut Reporter<'_>, f: &RawField) -> Option<Vec<Written>> {
    if let Some(parts) = &f.parts {
        if parts.value.is_empty() {
            report.error(
                parts.span.clone(),
                format!("the attribute `{}` has no parts", f.name.value),
                "empty list",
                "name the fields it is made of: `parts = [\"kind\", \"id\"]`",
            );
            return None;
        }
        let separator = f
            .separator
            .as_ref()
            .map_or(DEFAULT_SEPARATOR, |s| s.value.as_str());
        let mut pieces = Vec::new();
        for (i, name) in parts.value.iter().enumerate() {
            if i > 0 && !separator.is_empty() {
                pieces.push(Written::Text(separator.to_owned()));
            }
            pieces.push(Written::Part {
                name: name.clone(),
                width: None,
            });
        }
        return Some(pieces);
    }
    let template = f.template.as_ref()?;
    parse_template(report, template)
}

/// `CUSTOMER#{username}`, `{n:6}`; `{{` and `}}` are braces.
fn parse_template(report: &mut Reporter<'_>, template: &Sp<String>) -> Option<Vec<Written>> {
    let text = &template.value;
    // Precise spans when the string is written plainly in the file; the whole value otherwise.
    let plain = report.file().text.get(template.span.clone()) == Some(&format!("\"{text}\""));
    let at = |range: std::ops::Range<usize>| -> Span {
        if plain {
            template.span.start + 1 + range.start..template.span.start + 1 + range.end
        } else {
            template.span.clone()
        }
    };
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut ok = true;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                chars.next();
                literal.push('}');
            }
            '}' => {
                report.error(
                    at(i..i + 1),
                    "a `}` in a template closes no part",
                    "unmatched brace",
                    "write `}}` for a brace in the text, or open the part with `{`",
                );
                ok = false;
            }
            '{' => {
                let Some(close) = text[i..].find('}').map(|n| i + n) else {
                    report.error(
                        at(i..text.len()),
                        "a part of the template is not closed",
                        "no `}` after this",
                        "close the part: `{field}`; write `{{` for a brace in the text",
                    );
                    return None;
                };
                while chars.peek().is_some_and(|(j, _)| *j <= close) {
                    chars.next();
                }
                if !literal.is_empty() {
                    pieces.push(Written::Text(std::mem::take(&mut literal)));
                }
                let inner = &text[i + 1..close];
                let (name, width) = match inner.split_once(':') {
                    Some((name, width)) => (name, Some(width)),
                    None => (inner, None),
                };
                let name_at = at(i + 1..i + 1 + name.len());
                if name.trim().is_empty() {
                    report.error(
                        at(i..close + 1),
                        "a part of the template names no field",
                        "empty part",
                        "write the field's attribute name between the braces: `{username}`",
                    );
                    ok = false;
                    continue;
                }
                let width = match width {
                    None => None,
                    Some(w) => match w.parse::<u8>() {
                        Ok(n) if (1..=38).contains(&n) => {
                            Some(Sp::new(n, at(close - w.len()..close)))
                        }
                        _ => {
                            report.error(
                                at(close - w.len()..close),
                                format!("`{w}` is not a width of an integer part"),
                                "not a width",
                                "write the number of digits, 1 to 38: `{count:6}`",
                            );
                            ok = false;
                            continue;
                        }
                    },
                };
                pieces.push(Written::Part {
                    name: Sp::new(name.to_owned(), name_at),
                    width,
                });
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Written::Text(literal));
    }
    ok.then_some(pieces)
}

/// The field of each part: declared, not computed, of a type with a sortable text form, and
/// given a width only if it is an integer.
fn part_fields(
    report: &mut Reporter<'_>,
    attr: &str,
    written: &[Written],
    attrs: &Attributes,
) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut ok = true;
    for piece in written {
        match piece {
            Written::Text(text) => pieces.push(Piece::Text(text.clone())),
            Written::Part { name, width } => {
                let Some(field) = attrs.find(report, name, &format!("the template of `{attr}`"))
                else {
                    ok = false;
                    continue;
                };
                let f = &attrs.fields[field];
                if f.is_computed() {
                    report
                        .at(
                            name.span.clone(),
                            format!(
                                "the template of `{attr}` names `{}`, which is computed too",
                                name.value
                            ),
                            "a computed part",
                        )
                        .also(f.ty_span.clone(), "computed here")
                        .help("write that attribute's pieces in this template instead");
                    ok = false;
                    continue;
                }
                if !sortable(&f.ty) {
                    report
                        .at(
                            name.span.clone(),
                            format!(
                                "the part `{}` of `{attr}` has type `{}`, which has no sortable text form",
                                name.value, f.ty_text
                            ),
                            "not a template part",
                        )
                        .also(f.ty_span.clone(), "declared here")
                        .help(
                            "template parts are strings, integers, decimals, floats, booleans, \
                             datetimes, dates, uuids and enums",
                        );
                    ok = false;
                    continue;
                }
                if let Some(w) = width
                    && !f.ty.is_integer()
                {
                    report
                        .at(
                            w.span.clone(),
                            format!(
                                "a width is for integer parts; `{}` is a `{}`",
                                name.value, f.ty_text
                            ),
                            "width of a non-integer",
                        )
                        .also(f.ty_span.clone(), "declared here")
                        .help(format!("write `{{{}}}`", name.value));
                    ok = false;
                    continue;
                }
                pieces.push(Piece::Part {
                    field,
                    width: width.as_ref().map_or(0, |w| w.value),
                });
            }
        }
    }
    ok.then_some(pieces)
}

/// The types a template part can have: those whose text form sorts like their values.
fn sortable(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Str
            | Ty::I64
            | Ty::I32
            | Ty::U32
            | Ty::U64
            | Ty::F64
            | Ty::Decimal
            | Ty::Bool
            | Ty::DateTime(_)
            | Ty::Date(_)
            | Ty::Uuid
            | Ty::Enum(_)
    )
}

/// Whether a part of type `ty` is written with a fixed width (its sign decides an integer's),
/// so that anything may follow it.
fn fixed_width(ty: &Ty) -> bool {
    ty.is_integer() || matches!(ty, Ty::DateTime(_) | Ty::Date(_) | Ty::Uuid)
}

/// The characters that may follow a part of varying width: below every digit and letter, so
/// that they sort below every character such a part is written with.
fn is_stop(c: char) -> bool {
    (' '..='/').contains(&c)
}

/// A part of varying width is the last piece, or is followed by text that begins with a stop
/// character: otherwise keys would not sort like their parts, or could be read two ways.
fn layout_is_sortable(
    report: &mut Reporter<'_>,
    attr: &str,
    written: &[Written],
    pieces: &[Piece],
    fields: &[Field],
) -> bool {
    let mut ok = true;
    for (i, (piece, w)) in pieces.iter().zip(written).enumerate() {
        let (Piece::Part { field, .. }, Written::Part { name, .. }) = (piece, w) else {
            continue;
        };
        let ty = &fields[*field].ty;
        if fixed_width(ty) {
            continue;
        }
        let what = &fields[*field].ty_text;
        match pieces.get(i + 1) {
            None => {}
            Some(Piece::Text(text)) if text.chars().next().is_some_and(is_stop) => {}
            Some(next) => {
                let after = match next {
                    Piece::Text(text) => format!(
                        "`{}`",
                        text.chars().next().map(String::from).unwrap_or_default()
                    ),
                    Piece::Part { field, .. } => {
                        format!("the part `{}`", fields[*field].attr.value)
                    }
                };
                report.error(
                    name.span.clone(),
                    format!(
                        "the part `{}` of `{attr}` is a `{what}`, whose text varies in length, \
                         and {after} follows it",
                        name.value
                    ),
                    "a part of varying length",
                    "end the template after it, or follow it with a character that sorts below \
                     every digit and letter (one of ` !\"#$%&'()*+,-./`), such as `#`: keys \
                     then sort like their parts and read only one way",
                );
                ok = false;
            }
        }
    }
    ok
}
