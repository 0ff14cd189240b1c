//! Fields: attribute and Rust names, types, formats, and whether a value is always there; and
//! the lookup of a field by the attribute name other rules give.

use std::collections::{BTreeSet, HashMap};

use crate::checked::{DefaultValue, Field, Presence};
use crate::diagnostic::{Reporter, Span, did_you_mean};
use crate::naming;
use crate::schema::types::parse_type;
use crate::schema::{Literal, RawField, Sp};
use crate::ty::Ty;

use super::default::default_value;
use super::types::{Scope, Storage, resolve};

/// The fields of `raw` that pass; `ttl` names the time-to-live attribute, stored as whole seconds.
pub(super) fn fields(
    report: &mut Reporter<'_>,
    raw: &[RawField],
    scope: &Scope<'_>,
    ttl: Option<&str>,
) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    let mut rust_names: HashMap<String, Span> = HashMap::new();
    for f in raw {
        let Some(field) = field(report, f, scope, ttl) else {
            continue;
        };
        if let Some(first) = rust_names.get(&field.rust) {
            report
                .at(
                    field.rust_span.clone(),
                    format!("two attributes map to the Rust field `{}`", field.rust),
                    "maps to the same Rust name",
                )
                .also(first.clone(), "this one too")
                .help("give one of them another `rust_name`");
            continue;
        }
        rust_names.insert(field.rust.clone(), field.rust_span.clone());
        out.push(field);
    }
    out
}

fn field(
    report: &mut Reporter<'_>,
    f: &RawField,
    scope: &Scope<'_>,
    ttl: Option<&str>,
) -> Option<Field> {
    let (rust, rust_span) = rust_name(report, f)?;
    if f.is_computed() {
        return super::templates::computed_field(report, f, rust, rust_span);
    }
    let ty_sp = f.ty.as_ref()?;
    let expr = match parse_type(&ty_sp.value, &ty_sp.span, &report.file().text) {
        Ok(e) => e,
        Err(e) => {
            report.error(
                e.span,
                format!("invalid type `{}`: {}", ty_sp.value, e.message),
                "here",
                "write a type such as `string`, `list<int>` or `map<Address>`",
            );
            return None;
        }
    };
    let mut storage = Storage {
        format: f.format.as_ref(),
        is_ttl: ttl == Some(f.name.value.as_str()),
        format_used: false,
    };
    let ty = resolve(report, &expr, scope, &mut storage)?;
    if !storage.format_used {
        format_applies(report, f.format.as_ref(), ty_sp);
    }
    let presence = presence(report, f, &ty, &ty_sp.value, scope)?;
    Some(Field {
        attr: f.name.clone(),
        rust,
        rust_span,
        ty,
        ty_text: ty_sp.value.clone(),
        ty_span: ty_sp.span.clone(),
        doc: f.doc.as_ref().map(|d| d.value.clone()),
        presence,
        default_span: f.default.as_ref().map(|d| d.span.clone()),
        required_span: f.required.as_ref().map(|r| r.span.clone()),
        template: None,
        unique: f
            .unique
            .as_ref()
            .filter(|u| u.value)
            .map(|u| u.span.clone()),
    })
}

/// The Rust field name: `rust_name`, or the attribute name in snake_case; and where it comes
/// from.
fn rust_name(report: &mut Reporter<'_>, f: &RawField) -> Option<(String, Span)> {
    if f.name.value.is_empty() {
        report.error(
            f.name.span.clone(),
            "an attribute name cannot be empty",
            "empty name",
            "give the attribute a name",
        );
        return None;
    }
    match &f.rust_name {
        Some(r) => {
            if !naming::is_ascii_ident(&r.value) {
                report.error(
                    r.span.clone(),
                    format!("`{}` is not a valid Rust field name", r.value),
                    "invalid Rust name",
                    "field names are snake_case identifiers such as `display_name`",
                );
                return None;
            }
            Some((naming::escape(&r.value), r.span.clone()))
        }
        None => match naming::field_name(&f.name.value) {
            Some(name) => Some((name, f.name.span.clone())),
            None => {
                report.error(
                    f.name.span.clone(),
                    format!(
                        "the attribute name `{}` gives no valid Rust field name",
                        f.name.value
                    ),
                    "no Rust name",
                    "add `rust_name = \"some_name\"` to the field",
                );
                None
            }
        },
    }
}

/// `format` is for the types that have a storage format.
fn format_applies(report: &mut Reporter<'_>, format: Option<&Sp<String>>, ty: &Sp<String>) {
    if let Some(format) = format {
        report
            .at(
                format.span.clone(),
                format!("`format` does not apply to the type `{}`", ty.value),
                "no format here",
            )
            .also(ty.span.clone(), "this type has no storage format")
            .help("`format` chooses how a `datetime` or `date` is stored; remove it");
    }
}

/// Whether a value is always there: a default (sets start empty), `required`, or optional.
fn presence(
    report: &mut Reporter<'_>,
    f: &RawField,
    ty: &Ty,
    ty_name: &str,
    scope: &Scope<'_>,
) -> Option<Presence> {
    match &f.default {
        Some(d) => {
            set_default_is_empty(report, d, ty)?;
            match default_value(d, ty, ty_name, &scope.enums) {
                Ok(value) => Some(Presence::Default(value)),
                Err(bad) => {
                    report.error(bad.span, bad.message, bad.label, bad.help);
                    None
                }
            }
        }
        None if ty.is_set() => Some(Presence::Default(DefaultValue::Set(Vec::new()))),
        None if f.required.as_ref().is_some_and(|r| r.value) => Some(Presence::Required),
        None => Some(Presence::Optional),
    }
}

/// DynamoDB stores no empty set, so an emptied set would read back as a non-empty default.
fn set_default_is_empty(report: &mut Reporter<'_>, d: &Sp<Literal>, ty: &Ty) -> Option<()> {
    match &d.value {
        Literal::Array(items) if ty.is_set() && !items.is_empty() => {
            report.error(
                d.span.clone(),
                "a set field cannot have a non-empty default",
                "a set that is emptied would read back as this default",
                "DynamoDB stores no empty set, so an empty set is stored as absent, and an \
                 absent attribute reads as the default; drop the default (sets start empty) or \
                 use a list",
            );
            None
        }
        _ => Some(()),
    }
}

/// The field `name` refers to has a type its role cannot use: the error points at the
/// reference and at the declared type.
pub(super) fn type_does_not_fit(
    report: &mut Reporter<'_>,
    name: &Sp<String>,
    f: &Field,
    message: &str,
    label: &str,
    help: &str,
) {
    report
        .at(name.span.clone(), message, label)
        .also(f.ty_span.clone(), "declared here")
        .help(help);
}

/// The model's fields, for the rules that name them by attribute.
pub(super) struct Attributes {
    /// The fields that passed, in schema order.
    pub fields: Vec<Field>,
    /// Attributes declared with an error already reported: references to them are not
    /// reported again as undeclared.
    invalid: BTreeSet<String>,
}

impl Attributes {
    /// The fields that passed of those declared in `raw`.
    pub(super) fn new(raw: &[RawField], fields: Vec<Field>) -> Attributes {
        let invalid = raw
            .iter()
            .map(|f| f.name.value.clone())
            .filter(|name| !fields.iter().any(|f| f.attr.value == *name))
            .collect();
        Attributes { fields, invalid }
    }

    /// The position of the field `name` refers to; `what` names the reference in the message.
    pub(super) fn find(
        &self,
        report: &mut Reporter<'_>,
        name: &Sp<String>,
        what: &str,
    ) -> Option<usize> {
        let fields = &self.fields;
        match fields.iter().position(|f| f.attr.value == name.value) {
            Some(i) => Some(i),
            None if self.invalid.contains(&name.value) => None,
            None => {
                let help =
                    match did_you_mean(&name.value, fields.iter().map(|f| f.attr.value.as_str())) {
                        Some(m) => format!("did you mean `{m}`?"),
                        None => format!("declare `{}` in `[fields]`", name.value),
                    };
                report.error(
                    name.span.clone(),
                    format!(
                        "{what} names `{}`, which is not a declared field",
                        name.value
                    ),
                    "unknown attribute",
                    help,
                );
                None
            }
        }
    }
}
