//! Keys: the table's hash and range key name declared scalar fields, differ, and always have a
//! value.

use crate::checked::{Field, Key, Presence};
use crate::diagnostic::Reporter;
use crate::schema::{RawTable, Sp};
use crate::ty::Scalar;

use super::fields::{Attributes, type_does_not_fit};

/// The key `name` gives, if any; `what` is its role (`hash key`, `index range key`).
pub(super) fn key(
    report: &mut Reporter<'_>,
    attrs: &Attributes,
    name: Option<&Sp<String>>,
    what: &str,
) -> Option<Key> {
    let name = name?;
    let field = attrs.find(report, name, &format!("the {what}"))?;
    let scalar = key_type(report, name, &attrs.fields[field], what)?;
    Some(Key { field, scalar })
}

/// DynamoDB keys are strings, numbers or binary data.
pub(super) fn key_type(
    report: &mut Reporter<'_>,
    name: &Sp<String>,
    f: &Field,
    what: &str,
) -> Option<Scalar> {
    if let Some(scalar) = f.ty.scalar() {
        return Some(scalar);
    }
    type_does_not_fit(
        report,
        name,
        f,
        &format!(
            "the {what} `{}` has type `{}`, which DynamoDB cannot use as a key",
            name.value, f.ty_text
        ),
        "not a scalar type",
        "key attributes are stored as a string, number or binary: use string, an integer type, \
         float, decimal, bytes, datetime, date, uuid or an enum",
    );
    None
}

pub(super) fn range_is_not_hash(
    report: &mut Reporter<'_>,
    table: &RawTable,
    hash: Option<Key>,
    range: Option<Key>,
) {
    if let (Some(h), Some(r)) = (hash, range)
        && h.field == r.field
    {
        let span = table
            .range_key
            .as_ref()
            .map(|r| r.span.clone())
            .unwrap_or_default();
        report.error(
            span,
            "the range key is the hash key",
            "same attribute as `hash_key`",
            "choose another attribute as the range key, or remove `range_key`",
        );
    }
}

/// Key values are always given: no default, never optional. The key fields become required.
pub(super) fn keys_are_required(report: &mut Reporter<'_>, fields: &mut [Field], keys: &[usize]) {
    for (i, f) in fields.iter_mut().enumerate() {
        if !keys.contains(&i) {
            continue;
        }
        if let Some(span) = &f.default_span {
            report.error(
                span.clone(),
                format!("key attribute `{}` cannot have a default", f.attr.value),
                "default on a key",
                "remove `default`: key values are always given explicitly",
            );
        }
        if let Some(span) = &f.required_span
            && f.presence == Presence::Optional
        {
            report.error(
                span.clone(),
                format!("key attribute `{}` cannot be optional", f.attr.value),
                "keys are always required",
                "remove `required = false`",
            );
        }
        f.presence = Presence::Required;
    }
}

/// The time to live and the version are attributes of their own, never keys.
pub(super) fn not_a_key(
    report: &mut Reporter<'_>,
    name: &Sp<String>,
    field: usize,
    keys: &[usize],
    role: &str,
    help: &str,
) {
    if keys.contains(&field) {
        report.error(
            name.span.clone(),
            format!("a key attribute cannot be the {role}"),
            "key attribute",
            help,
        );
    }
}
