//! The rest of `[table]`: billing and capacity, the time-to-live attribute and the version
//! attribute.

use crate::checked::{Billing, DefaultValue, Presence, Throughput};
use crate::diagnostic::Reporter;
use crate::schema::{RawBilling, RawTable, RawThroughput, Sp};
use crate::ty::Ty;

use super::fields::{Attributes, type_does_not_fit};
use super::keys::not_a_key;

/// The billing of `table`; `None` when its capacity was reported.
pub(super) fn billing(report: &mut Reporter<'_>, table: &RawTable) -> Option<Billing> {
    match &table.billing {
        Some(Sp {
            value: RawBilling::Provisioned(t),
            ..
        }) => throughput(report, t).map(Billing::Provisioned),
        _ => Some(Billing::OnDemand),
    }
}

/// Whether `table` asks for provisioned capacity, even one that was reported.
pub(super) fn is_provisioned(table: &RawTable) -> bool {
    matches!(
        table.billing,
        Some(Sp {
            value: RawBilling::Provisioned(_),
            ..
        })
    )
}

/// Capacity units are at least 1 and fit DynamoDB's 64-bit numbers.
pub(super) fn throughput(report: &mut Reporter<'_>, t: &RawThroughput) -> Option<Throughput> {
    let mut units = [&t.read, &t.write].map(|v| {
        if v.value < 1 {
            report.error(
                v.span.clone(),
                format!("capacity must be at least 1, not {}", v.value),
                "below 1",
                "DynamoDB needs at least 1 read and 1 write capacity unit",
            );
            None
        } else if let Ok(units) = i64::try_from(v.value) {
            Some(units)
        } else {
            report.error(
                v.span.clone(),
                "capacity is too large",
                "out of range",
                "use a realistic number of capacity units",
            );
            None
        }
    });
    Some(Throughput {
        read: units[0].take()?,
        write: units[1].take()?,
    })
}

/// The time-to-live attribute: a `datetime` or integer field that is not a key.
pub(super) fn time_to_live(
    report: &mut Reporter<'_>,
    table: &RawTable,
    attrs: &Attributes,
    keys: &[usize],
) -> Option<usize> {
    let ttl = table.ttl.as_ref()?;
    let i = attrs.find(report, ttl, "`ttl`")?;
    let f = &attrs.fields[i];
    if !matches!(f.ty, Ty::DateTime(_)) && !f.ty.is_integer() {
        type_does_not_fit(
            report,
            ttl,
            f,
            &format!(
                "the time-to-live attribute `{}` has type `{}`",
                ttl.value, f.ty_text
            ),
            "not a datetime or integer",
            "DynamoDB expires items by a number of seconds: use a `datetime` or an integer field",
        );
    }
    not_a_key(
        report,
        ttl,
        i,
        keys,
        "time to live",
        "use a separate `datetime` field for the expiry time",
    );
    Some(i)
}

/// The version attribute has one shape: `i64`, never optional, 0 for "not created yet" (an item
/// stored without the attribute reads as 0 too), so `Saved::version` can be assigned to it. An
/// optional version field gets the default 0.
pub(super) fn version(
    report: &mut Reporter<'_>,
    table: &RawTable,
    attrs: &mut Attributes,
    keys: &[usize],
) -> Option<usize> {
    let version = table.version.as_ref()?;
    let i = attrs.find(report, version, "`version`")?;
    let f = &mut attrs.fields[i];
    if f.ty != Ty::I64 {
        type_does_not_fit(
            report,
            version,
            f,
            &format!(
                "the version attribute `{}` has type `{}`",
                version.value, f.ty_text
            ),
            "not `int`",
            "a version attribute counts writes in an `i64`: declare it as `int`",
        );
    }
    let zero = Presence::Default(DefaultValue::Integer(0));
    match (&f.presence, &f.default_span, &f.required_span) {
        (Presence::Default(_), Some(span), _) if f.ty != Ty::I64 || f.presence != zero => {
            report.error(
                span.clone(),
                format!(
                    "the version attribute `{}` has a default other than 0",
                    version.value
                ),
                "not 0",
                "a version field starts at 0, which means \"not created yet\": drop the `default`",
            );
        }
        (Presence::Required, _, Some(span)) => report.error(
            span.clone(),
            format!(
                "the version attribute `{}` is marked `required`",
                version.value
            ),
            "not needed",
            "a version field is never optional: it starts at 0 and an item stored without it \
             reads as 0; drop `required`",
        ),
        _ => {}
    }
    if f.presence == Presence::Optional {
        f.presence = zero;
    }
    not_a_key(
        report,
        version,
        i,
        keys,
        "version",
        "use a separate `int` field for the version",
    );
    Some(i)
}
