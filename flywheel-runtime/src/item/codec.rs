//! Value codecs: how each schema type is stored as a DynamoDB attribute value and read back.
//!
//! Every codec is a zero-sized type implementing [`Codec`]; generated code names the codec of
//! each field (`List<DateTimeEpoch>`, `Set<Str>`, ...), so conversions are monomorphised and
//! cost what hand-written code costs. Failures carry the attribute path they happened at, and
//! the model turns them into [`DecodeError`](crate::DecodeError) /
//! [`EncodeError`](crate::EncodeError) naming table, key and attribute.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::marker::PhantomData;

use aws_sdk_dynamodb::primitives::Blob;
use chrono::format::{Item as FormatItem, Numeric, Pad, Parsed};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::error::render_value;
pub use crate::error::{DecodeIssue, EncodeIssue, PathStep};
use crate::model::{Document, StringEnum};
use crate::{AttributeValue, Decimal, Item};

/// How one schema type is stored.
///
/// The per-field functions below are always inlined in optimised builds, where that makes
/// encoding and decoding as fast as hand-written code, and only hinted in unoptimised ones:
/// inlined into every field of every generated model, they made debug builds of the models
/// about a tenth slower.
pub trait Codec {
    /// The Rust type of the value.
    type Value;

    /// Whether `NULL` is a value of this type (JSON's `null`) rather than "no value", which
    /// optional and defaulted fields read as `None` or the default.
    const NULL_IS_VALUE: bool = false;

    /// Converts a value to its attribute value; `None` means "store nothing" (the empty set).
    fn encode(value: &Self::Value) -> Result<Option<AttributeValue>, EncodeIssue>;

    /// Reads a value back.
    fn decode(value: AttributeValue) -> Result<Self::Value, DecodeIssue>;

    /// Stores `value` under `name` (nothing when the codec stores nothing), for [`put()`].
    /// Codecs that store every value override it to build the attribute value in place.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn put(item: &mut Item, name: &str, value: &Self::Value) -> Result<(), EncodeIssue> {
        match Self::encode(value) {
            Ok(Some(av)) => {
                item.insert(name.to_owned(), av);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(issue) => Err(issue.at(name)),
        }
    }
}

/// What storing fields gives: nothing, or the issue of the first value that cannot be stored.
pub type Encoded = Result<(), EncodeIssue>;

/// What reading a value gives: the value, or the issue of the first attribute that cannot be read.
pub type Decoded<T> = Result<T, DecodeIssue>;

/// Stores `value` under `name` (nothing when the codec stores nothing).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn put<C: Codec>(item: &mut Item, name: &str, value: &C::Value) -> Result<(), EncodeIssue> {
    C::put(item, name, value)
}

/// Stores an optional value; `None` stores nothing.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn put_opt<C: Codec>(
    item: &mut Item,
    name: &str,
    value: Option<&C::Value>,
) -> Result<(), EncodeIssue> {
    match value {
        Some(value) => put::<C>(item, name, value),
        None => Ok(()),
    }
}

/// Takes a required attribute out of `item`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn take<C: Codec>(item: &mut Item, name: &str) -> Result<C::Value, DecodeIssue> {
    match item.remove(name) {
        Some(av) => decode::<C>(av, name),
        None => Err(DecodeIssue::missing(name)),
    }
}

/// Reads a key attribute, leaving it in `item` so that later errors can name the item.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn take_key<C: Codec>(item: &Item, name: &str) -> Result<C::Value, DecodeIssue> {
    match item.get(name) {
        Some(av) => decode::<C>(av.clone(), name),
        None => Err(DecodeIssue::missing(name)),
    }
}

/// Takes an optional attribute: absent or `NULL` is `None` (unless `NULL` is a value of the type).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn take_opt<C: Codec>(item: &mut Item, name: &str) -> Result<Option<C::Value>, DecodeIssue> {
    match item.remove(name) {
        None => Ok(None),
        Some(AttributeValue::Null(_)) if !C::NULL_IS_VALUE => Ok(None),
        Some(av) => decode::<C>(av, name).map(Some),
    }
}

/// Takes an attribute with a default: absent or `NULL` gives `default()` (unless `NULL` is a
/// value of the type).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn take_or<C: Codec>(
    item: &mut Item,
    name: &str,
    default: fn() -> C::Value,
) -> Result<C::Value, DecodeIssue> {
    match item.remove(name) {
        None => Ok(default()),
        Some(AttributeValue::Null(_)) if !C::NULL_IS_VALUE => Ok(default()),
        Some(av) => decode::<C>(av, name),
    }
}

/// Decodes the value of attribute `name`, naming it in the issue. A match rather than `map_err`:
/// a closure would be compiled once per codec and call site.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn decode<C: Codec>(av: AttributeValue, name: &str) -> Result<C::Value, DecodeIssue> {
    match C::decode(av) {
        Ok(value) => Ok(value),
        Err(issue) => Err(issue.at(name)),
    }
}

/// Codecs stored as strings or binary data, and what a prefix of their stored form is
/// (`range_begins_with`): text for strings and for the text forms of datetimes, dates, uuids
/// and enums (`"2024-05-01"` matches every datetime of that day), bytes for binary data.
#[diagnostic::on_unimplemented(
    message = "values stored with `{Self}` are numbers, which have no prefixes",
    label = "a prefix of a number",
    note = "DynamoDB's begins_with works on string and binary values"
)]
pub trait KeyPrefix: Codec {
    /// What the prefix is given as.
    type Prefix;

    /// The prefix as the attribute value DynamoDB compares.
    fn prefix(prefix: Self::Prefix) -> AttributeValue;
}

macro_rules! text_prefix {
    ($($codec:ty),*) => {$(
        impl KeyPrefix for $codec {
            type Prefix = String;

            fn prefix(prefix: String) -> AttributeValue {
                AttributeValue::S(prefix)
            }
        }
    )*};
}

text_prefix!(Str, DateTimeRfc3339, DateIso, Uuid);

impl<E: crate::StringEnum> KeyPrefix for Enum<E> {
    type Prefix = String;

    fn prefix(prefix: String) -> AttributeValue {
        AttributeValue::S(prefix)
    }
}

impl KeyPrefix for Bytes {
    type Prefix = Vec<u8>;

    fn prefix(prefix: Vec<u8>) -> AttributeValue {
        AttributeValue::B(prefix.into())
    }
}

/// Encodes a value that must be stored (a key attribute or a condition value).
pub fn encode_present<C: Codec>(value: &C::Value) -> Result<AttributeValue, EncodeIssue> {
    Ok(C::encode(value)?.unwrap_or(AttributeValue::Null(true)))
}

/// `encode` and `put` of a codec that stores every value, as the attribute value `$av` made
/// from `$value`. `put` builds the attribute value right where the map takes it: the default
/// `put`, which unwraps `encode`'s `Result<Option<_>>`, has the compiler copy the attribute value
/// through the stack byte-wise, which measurably slows down models of small fields (see
/// `generated-example/benches/codec.rs`).
macro_rules! always_stored {
    ($ty:ty, |$value:ident| $av:expr) => {
        #[inline]
        fn encode($value: &$ty) -> Result<Option<AttributeValue>, EncodeIssue> {
            Ok(Some($av))
        }

        #[cfg_attr(debug_assertions, inline)]
        #[cfg_attr(not(debug_assertions), inline(always))]
        fn put(item: &mut Item, name: &str, $value: &$ty) -> Result<(), EncodeIssue> {
            item.insert(name.to_owned(), $av);
            Ok(())
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Strings, numbers, booleans, bytes
// ---------------------------------------------------------------------------------------------

/// `string`: `String` as `S`.
pub struct Str;

impl Codec for Str {
    type Value = String;

    // `str::to_owned` is inlined where `String::clone` is a call that returns the copy through
    // memory; the result is the same.
    always_stored!(String, |value| AttributeValue::S(value.as_str().to_owned()));

    #[inline]
    fn decode(value: AttributeValue) -> Result<String, DecodeIssue> {
        match value {
            AttributeValue::S(s) => Ok(s),
            other => Err(DecodeIssue::wrong("a string (S)", &other)),
        }
    }
}

macro_rules! integer_codec {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $expected:literal) => {
        $(#[$doc])*
        pub struct $name;

        impl Codec for $name {
            type Value = $ty;

            always_stored!($ty, |value| AttributeValue::N(value.to_string()));

            #[inline]
            fn decode(value: AttributeValue) -> Result<$ty, DecodeIssue> {
                match &value {
                    AttributeValue::N(n) => match n.parse::<$ty>() {
                        Ok(v) => Ok(v),
                        Err(_) => {
                            number_text(&value, n)?;
                            parse_integral::<$ty>(n)
                                .ok_or_else(|| DecodeIssue::wrong($expected, &value))
                        }
                    },
                    _ => Err(DecodeIssue::wrong($expected, &value)),
                }
            }
        }
    };
}

/// Checks the text of a number attribute against DynamoDB's limits before anything is built
/// from it (see [`crate::number`]).
#[inline]
pub(crate) fn number_text<'a>(
    value: &AttributeValue,
    text: &'a str,
) -> Result<&'a str, DecodeIssue> {
    match crate::number::check(text) {
        Ok(_) => Ok(text),
        Err(issue) => Err(DecodeIssue {
            steps: Vec::new(),
            expected: format!("a DynamoDB number (N), but the number {}", issue.describe()).into(),
            found: render_value(value),
        }),
    }
}

/// Why the number `text` of `value` could not be read as `expected`: beyond DynamoDB's limits,
/// or not what the type holds.
fn not_read(value: &AttributeValue, text: &str, expected: &'static str) -> DecodeIssue {
    match number_text(value, text) {
        Err(issue) => issue,
        Ok(_) => DecodeIssue::wrong(expected, value),
    }
}

/// Reads integral numbers written in another notation (`1E+3`, `5.0`), never wrapping or rounding.
fn parse_integral<T: TryFrom<i128>>(n: &str) -> Option<T> {
    let d: Decimal = n.parse().ok()?;
    if !d.is_integer() {
        return None;
    }
    let (digits, scale) = d.with_scale(0).into_bigint_and_exponent();
    debug_assert_eq!(scale, 0);
    let v: i128 = digits.try_into().ok()?;
    T::try_from(v).ok()
}

integer_codec!(
    /// `int`: `i64` as `N`.
    I64, i64, "a number (N) within the range of i64"
);
integer_codec!(
    /// `i32`: `i32` as `N`.
    I32, i32, "a number (N) within the range of i32"
);
integer_codec!(
    /// `u32`: `u32` as `N`.
    U32, u32, "a number (N) within the range of u32"
);
integer_codec!(
    /// `u64`: `u64` as `N`.
    U64, u64, "a number (N) within the range of u64"
);

/// `float`: `f64` as `N`; NaN and infinities cannot be stored.
pub struct F64;

impl Codec for F64 {
    type Value = f64;

    fn encode(value: &f64) -> Result<Option<AttributeValue>, EncodeIssue> {
        let v = *value;
        if !v.is_finite() {
            return Err(EncodeIssue::new(format!(
                "{v} cannot be stored: DynamoDB numbers are finite"
            )));
        }
        let abs = v.abs();
        if !crate::number::f64_fits(v) {
            return Err(EncodeIssue::new(format!(
                "{v:e} is outside the range of DynamoDB numbers (1E-130 to 9.99E+125 in magnitude)"
            )));
        }
        // Plain notation where it stays short, exponent notation elsewhere; both round-trip.
        let text = if abs == 0.0 || (1e-6..1e21).contains(&abs) {
            format!("{v}")
        } else {
            format!("{v:e}")
        };
        Ok(Some(AttributeValue::N(text)))
    }

    fn decode(value: AttributeValue) -> Result<f64, DecodeIssue> {
        match &value {
            // Parsing a float is safe whatever the exponent; the value is then held to
            // DynamoDB's range, like what `encode` writes.
            AttributeValue::N(n) => match n.parse::<f64>() {
                Ok(v) if crate::number::f64_fits(v) => Ok(v),
                _ => Err(not_read(&value, n, "a number (N) that fits an f64")),
            },
            _ => Err(DecodeIssue::wrong("a number (N)", &value)),
        }
    }
}

/// The most significant digits a DynamoDB number may have.
pub const MAX_DIGITS: u64 = crate::number::MAX_DIGITS as u64;

/// `decimal`: an exact [`Decimal`] as `N`, up to 38 significant digits, never rounded.
pub struct Dec;

impl Dec {
    /// Checks that `value`, whose normalized form is `normalized`, fits a DynamoDB number.
    /// (Normalizing converts the digits to base 10 and back, so it is done once per value.)
    fn check(value: &Decimal, normalized: &Decimal) -> Result<(), EncodeIssue> {
        if normalized.digits() > MAX_DIGITS {
            return Err(EncodeIssue::new(format!(
                "{value} has {} significant digits; DynamoDB numbers hold at most {MAX_DIGITS} \
                 and flywheel never rounds: round the value first",
                normalized.digits()
            )));
        }
        if *normalized != 0 {
            // Magnitude exponent of the leading digit: digits - scale - 1.
            let exponent = normalized.digits() as i64 - normalized.fractional_digit_count() - 1;
            if !(crate::number::MIN_EXPONENT..=crate::number::MAX_EXPONENT).contains(&exponent) {
                return Err(EncodeIssue::new(format!(
                    "{value} is outside the range of DynamoDB numbers (1E-130 to 9.99E+125 in magnitude)"
                )));
            }
        }
        Ok(())
    }
}

impl Codec for Dec {
    type Value = Decimal;

    fn encode(value: &Decimal) -> Result<Option<AttributeValue>, EncodeIssue> {
        let normalized = value.normalized();
        Dec::check(value, &normalized)?;
        Ok(Some(AttributeValue::N(crate::number::normalized_text(
            normalized,
        ))))
    }

    fn decode(value: AttributeValue) -> Result<Decimal, DecodeIssue> {
        match &value {
            // Short plain numbers need no measuring; anything else is held to DynamoDB's
            // limits before it is parsed.
            AttributeValue::N(n) => match crate::number::check_fast(n)
                .ok()
                .and_then(|()| n.parse::<Decimal>().ok())
            {
                Some(d) => Ok(d),
                None => Err(not_read(&value, n, "a number (N)")),
            },
            _ => Err(DecodeIssue::wrong("a number (N)", &value)),
        }
    }
}

/// `bool`: `bool` as `BOOL`.
pub struct Bool;

impl Codec for Bool {
    type Value = bool;

    always_stored!(bool, |value| AttributeValue::Bool(*value));

    #[inline]
    fn decode(value: AttributeValue) -> Result<bool, DecodeIssue> {
        match value {
            AttributeValue::Bool(b) => Ok(b),
            other => Err(DecodeIssue::wrong("a boolean (BOOL)", &other)),
        }
    }
}

/// `bytes`: `Vec<u8>` as `B`.
pub struct Bytes;

impl Codec for Bytes {
    type Value = Vec<u8>;

    always_stored!(Vec<u8>, |value| AttributeValue::B(Blob::new(value.clone())));

    #[inline]
    fn decode(value: AttributeValue) -> Result<Vec<u8>, DecodeIssue> {
        match value {
            AttributeValue::B(b) => Ok(b.into_inner()),
            other => Err(DecodeIssue::wrong("binary data (B)", &other)),
        }
    }
}

/// `uuid`: [`uuid::Uuid`] as `S` in its hyphenated form.
pub struct Uuid;

impl Codec for Uuid {
    type Value = uuid::Uuid;

    always_stored!(uuid::Uuid, |value| AttributeValue::S(
        value.hyphenated().to_string()
    ));

    /// Only the form flywheel writes: upper case, braces, `urn:uuid:` or missing hyphens would
    /// be written back in another spelling, and for a key that is another item.
    fn decode(value: AttributeValue) -> Result<uuid::Uuid, DecodeIssue> {
        const EXPECTED: &str = "a UUID in lower-case hyphenated form (S), as flywheel writes it";
        match &value {
            AttributeValue::S(s) => match uuid::Uuid::try_parse(s) {
                Ok(id) if is_canonical_uuid(s) => Ok(id),
                _ => Err(DecodeIssue::wrong(EXPECTED, &value)),
            },
            _ => Err(DecodeIssue::wrong(EXPECTED, &value)),
        }
    }
}

/// `8-4-4-4-12` lower-case hexadecimal digits.
fn is_canonical_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => matches!(b, b'0'..=b'9' | b'a'..=b'f'),
        })
}

// ---------------------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------------------

/// The length of the fixed-width RFC 3339 text: `2024-05-01T12:30:00.000000000Z`.
const RFC3339_LEN: usize = 30;

/// Writes a template part stored with codec `C` from its stored value (an update knows only
/// those): the value read back, then written as a part. Generated code names it for the parts
/// of index keys ([`PartSpec::from_stored`](crate::template::PartSpec::from_stored)).
pub fn stored_part<C: Codec>(
    value: &AttributeValue,
    out: &mut String,
    place: crate::template::Place,
) -> Result<(), String>
where
    C::Value: crate::template::Part,
{
    match C::decode(value.clone()) {
        Ok(value) => crate::template::Part::write_part(&value, out, place),
        Err(issue) => Err(format!(
            "its value is not {} (found {})",
            issue.expected, issue.found
        )),
    }
}

/// `datetime` with `format = "rfc3339"` (the default): fixed-width UTC text that sorts in time
/// order, such as `2024-05-01T12:30:00.000000000Z`. Years outside 0000-9999 cannot be stored.
pub struct DateTimeRfc3339;

impl Codec for DateTimeRfc3339 {
    type Value = DateTime<Utc>;

    fn encode(value: &DateTime<Utc>) -> Result<Option<AttributeValue>, EncodeIssue> {
        if !(0..=9999).contains(&value.year()) {
            return Err(EncodeIssue::new(format!(
                "{value} has a year outside 0000-9999, which fixed-width text cannot sort; \
                 use format = \"epoch\" for such dates"
            )));
        }
        let mut text = String::with_capacity(RFC3339_LEN);
        crate::template::push_rfc3339(&mut text, value);
        Ok(Some(AttributeValue::S(text)))
    }

    /// Only the fixed-width form flywheel writes: another spelling of the same instant
    /// (`…T12:30:00Z`, an offset) would be written back differently, which for a key is another
    /// item and for a range key another sort position.
    fn decode(value: AttributeValue) -> Result<DateTime<Utc>, DecodeIssue> {
        const EXPECTED: &str =
            "a UTC timestamp as YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ (S), as flywheel writes it";
        match &value {
            // Every separator in its place and a four-digit year (the parser checks the other
            // digits): the value then writes back to this very text.
            AttributeValue::S(s)
                if s.len() == 30
                    && matches!(
                        s.as_bytes(),
                        [y0, y1, y2, y3, b'-', _, _, b'-', _, _, b'T', _, _, b':', _, _, b':', _, _,
                         b'.', .., b'Z']
                            if [y0, y1, y2, y3].iter().all(|b| b.is_ascii_digit())
                    ) =>
            {
                DateTime::parse_from_rfc3339(s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| DecodeIssue::wrong(EXPECTED, &value))
            }
            _ => Err(DecodeIssue::wrong(EXPECTED, &value)),
        }
    }
}

const NANOS: i128 = 1_000_000_000;

/// Reads a time stored as a number of units since 1970, each `unit_nanos` nanoseconds long.
#[inline]
fn decode_epoch(
    value: AttributeValue,
    unit_nanos: i128,
    expected: &'static str,
) -> Result<DateTime<Utc>, DecodeIssue> {
    match &value {
        AttributeValue::N(n) => parse_scaled_nanos(n, unit_nanos)
            .and_then(datetime_from_nanos)
            .ok_or_else(|| not_read(&value, n, expected)),
        _ => Err(DecodeIssue::wrong(expected, &value)),
    }
}

/// Parses a decimal number into nanoseconds scaled by `unit_nanos` (1e9 for seconds, 1e6 for
/// milliseconds), exactly; digits finer than a nanosecond are truncated.
fn parse_scaled_nanos(n: &str, unit_nanos: i128) -> Option<i128> {
    let (negative, body) = match n.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, n),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let simple = !int_part.is_empty()
        && int_part.len() <= 20
        && int_part.bytes().all(|b| b.is_ascii_digit())
        && frac_part.bytes().all(|b| b.is_ascii_digit());
    let magnitude = if simple {
        // The digits are checked above and 20 of them fit an i128 many times over, so they
        // are summed up directly instead of being checked again by `str::parse`.
        let int = int_part
            .bytes()
            .fold(0i128, |int, b| int * 10 + i128::from(b - b'0'));
        // The fraction stays below `unit_nanos` (1e9 or 1e6), so u64 arithmetic holds it and
        // spares the 128-bit divisions.
        let mut frac: u64 = 0;
        let mut scale = unit_nanos as u64;
        for b in frac_part.bytes() {
            scale /= 10;
            if scale == 0 {
                break;
            }
            frac += u64::from(b - b'0') * scale;
        }
        int.checked_mul(unit_nanos)?.checked_add(i128::from(frac))?
    } else {
        // Exponent notation and other spellings: exact decimal arithmetic, on numbers that
        // DynamoDB can hold (an exponent of a billion would build a billion digits).
        crate::number::check(n).ok()?;
        let d: Decimal = n.parse().ok()?;
        let scaled = (d * Decimal::from(unit_nanos as i64)).with_scale(0);
        let (digits, _) = scaled.into_bigint_and_exponent();
        return i128::try_from(digits).ok();
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn datetime_from_nanos(total: i128) -> Option<DateTime<Utc>> {
    // Instants from 1677 to 2262 fit an i64 of nanoseconds: 64-bit division is enough.
    if let Ok(total) = i64::try_from(total) {
        let nanos_per_sec = NANOS as i64;
        return DateTime::from_timestamp(
            total.div_euclid(nanos_per_sec),
            total.rem_euclid(nanos_per_sec) as u32,
        );
    }
    let secs = i64::try_from(total.div_euclid(NANOS)).ok()?;
    let nanos = total.rem_euclid(NANOS) as u32;
    DateTime::from_timestamp(secs, nanos)
}

fn nanos_of(value: &DateTime<Utc>) -> i128 {
    i128::from(value.timestamp()) * NANOS + i128::from(value.timestamp_subsec_nanos())
}

/// `datetime` with `format = "epoch"`: seconds since 1970 with a fraction, as `N`
/// (flywheel 0.5's format), exact to the nanosecond.
pub struct DateTimeEpoch;

impl DateTimeEpoch {
    fn text(value: &DateTime<Utc>) -> String {
        let total = nanos_of(value);
        let sign = if total < 0 { "-" } else { "" };
        let abs = total.unsigned_abs();
        let (secs, frac) = (abs / NANOS as u128, abs % NANOS as u128);
        // One allocation, of the longest text: a sign, 13 digits of seconds (chrono's years end
        // at 262143), the point and 9 digits. The fraction's trailing zeros are cut off in
        // place (it has a non-zero digit, so the cut never reaches the point).
        let mut text = String::with_capacity(24);
        let _ = write!(text, "{sign}{secs}"); // writing to a String cannot fail
        if frac != 0 {
            let _ = write!(text, ".{frac:09}");
            let end = text.trim_end_matches('0').len();
            text.truncate(end);
        }
        text
    }
}

impl Codec for DateTimeEpoch {
    type Value = DateTime<Utc>;

    always_stored!(DateTime<Utc>, |value| AttributeValue::N(
        DateTimeEpoch::text(value)
    ));

    fn decode(value: AttributeValue) -> Result<DateTime<Utc>, DecodeIssue> {
        decode_epoch(value, NANOS, "a number of seconds since 1970 (N)")
    }
}

/// `datetime` with `format = "epoch_millis"`: whole milliseconds since 1970 as `N`
/// (finer digits are dropped on write).
pub struct DateTimeEpochMillis;

impl Codec for DateTimeEpochMillis {
    type Value = DateTime<Utc>;

    always_stored!(DateTime<Utc>, |value| AttributeValue::N(
        value.timestamp_millis().to_string()
    ));

    fn decode(value: AttributeValue) -> Result<DateTime<Utc>, DecodeIssue> {
        decode_epoch(value, 1_000_000, "a number of milliseconds since 1970 (N)")
    }
}

/// A `datetime` used as the table's time to live: whole seconds since 1970 as `N`, the only
/// form DynamoDB's TTL understands (finer digits are dropped on write).
pub struct DateTimeEpochSeconds;

impl Codec for DateTimeEpochSeconds {
    type Value = DateTime<Utc>;

    always_stored!(DateTime<Utc>, |value| AttributeValue::N(
        value.timestamp().to_string()
    ));

    fn decode(value: AttributeValue) -> Result<DateTime<Utc>, DecodeIssue> {
        DateTimeEpoch::decode(value)
    }
}

/// `date` with `format = "iso"` (the default): `YYYY-MM-DD` as `S`.
pub struct DateIso;

impl Codec for DateIso {
    type Value = NaiveDate;

    fn encode(value: &NaiveDate) -> Result<Option<AttributeValue>, EncodeIssue> {
        if !(0..=9999).contains(&value.year()) {
            return Err(EncodeIssue::new(format!(
                "{value} has a year outside 0000-9999, which YYYY-MM-DD cannot hold; \
                 use format = \"epoch\" for such dates"
            )));
        }
        // For years 0000-9999 `Display` writes exactly `%Y-%m-%d`, without interpreting a
        // format string (see the test `iso_dates_match_the_format_string`).
        Ok(Some(AttributeValue::S(value.to_string())))
    }

    fn decode(value: AttributeValue) -> Result<NaiveDate, DecodeIssue> {
        const EXPECTED: &str = "a date as YYYY-MM-DD (S)";
        match &value {
            // Only the zero-padded form flywheel writes (`2024-5-1` would be written back as
            // `2024-05-01`: for a key, another item).
            AttributeValue::S(s)
                if s.len() == 10
                    && s.bytes().enumerate().all(|(i, b)| match i {
                        4 | 7 => b == b'-',
                        _ => b.is_ascii_digit(),
                    }) =>
            {
                parse_iso_date(s).ok_or_else(|| DecodeIssue::wrong(EXPECTED, &value))
            }
            _ => Err(DecodeIssue::wrong(EXPECTED, &value)),
        }
    }
}

/// `%Y-%m-%d` as the items `StrftimeItems` makes of it, so that reading a date does not parse
/// the format string again each time.
const ISO_DATE: &[FormatItem<'static>] = &[
    FormatItem::Numeric(Numeric::Year, Pad::Zero),
    FormatItem::Literal("-"),
    FormatItem::Numeric(Numeric::Month, Pad::Zero),
    FormatItem::Literal("-"),
    FormatItem::Numeric(Numeric::Day, Pad::Zero),
];

/// What `NaiveDate::parse_from_str(s, "%Y-%m-%d")` does, with the items prepared.
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, s, ISO_DATE.iter()).ok()?;
    parsed.to_naive_date().ok()
}

/// `date` with `format = "epoch"`: the seconds since 1970 of the date's UTC midnight, as `N`
/// (flywheel 0.5's format).
pub struct DateEpoch;

impl Codec for DateEpoch {
    type Value = NaiveDate;

    always_stored!(NaiveDate, |value| {
        let midnight = value
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc();
        AttributeValue::N(midnight.timestamp().to_string())
    });

    fn decode(value: AttributeValue) -> Result<NaiveDate, DecodeIssue> {
        decode_epoch(value, NANOS, "a number of seconds since 1970 (N)").map(|t| t.date_naive())
    }
}

// ---------------------------------------------------------------------------------------------
// JSON documents, enums, nested types
// ---------------------------------------------------------------------------------------------

/// `json`: a [`json::Value`](crate::json::Value) stored as a native document (`M`, `L`, `S`,
/// `N`, `B`, `BOOL`, `NULL`, `SS`, `NS`, `BS`), not as a JSON string, so its parts can be
/// filtered and updated. What is read is written back unchanged: numbers keep their digits and
/// sets stay sets. Documents nest at most 32 levels, DynamoDB's limit.
pub struct Json;

/// DynamoDB's limit on nested lists and maps.
pub const MAX_DEPTH: usize = 32;

pub(crate) fn too_deep() -> String {
    format!("lists and maps nest more than {MAX_DEPTH} levels deep, DynamoDB's limit")
}

impl Json {
    /// `value` inside `depth` lists and maps.
    fn to_attr(value: &crate::json::Value, depth: usize) -> Result<AttributeValue, EncodeIssue> {
        use crate::json::Value;
        let container = |depth: usize| {
            if depth >= MAX_DEPTH {
                Err(EncodeIssue::new(too_deep()))
            } else {
                Ok(depth + 1)
            }
        };
        let number = |n: &crate::json::Number| -> Result<String, EncodeIssue> {
            let text = n.to_string();
            crate::number::check(&text).map_err(|issue| {
                EncodeIssue::new(format!("the number {text} {}", issue.describe()))
            })?;
            Ok(text)
        };
        fn non_empty<T>(items: Vec<T>) -> Result<Vec<T>, EncodeIssue> {
            if items.is_empty() {
                Err(EncodeIssue::new(
                    "an empty set cannot be stored: DynamoDB has no empty sets; use a list or leave the entry out",
                ))
            } else {
                Ok(items)
            }
        }
        Ok(match value {
            Value::Null => AttributeValue::Null(true),
            Value::Bool(b) => AttributeValue::Bool(*b),
            Value::Number(n) => AttributeValue::N(number(n)?),
            Value::String(s) => AttributeValue::S(s.clone()),
            Value::Binary(b) => AttributeValue::B(Blob::new(b.clone())),
            Value::List(items) => {
                let depth = container(depth)?;
                AttributeValue::L(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| Json::to_attr(v, depth).map_err(|e| e.at_index(i)))
                        .collect::<Result<_, _>>()?,
                )
            }
            Value::Map(map) => {
                let depth = container(depth)?;
                AttributeValue::M(
                    map.iter()
                        .map(|(k, v)| {
                            check_map_key(k)?;
                            Ok((k.clone(), Json::to_attr(v, depth).map_err(|e| e.at(k))?))
                        })
                        .collect::<Result<_, EncodeIssue>>()?,
                )
            }
            Value::StringSet(items) => {
                AttributeValue::Ss(non_empty(items.iter().cloned().collect())?)
            }
            Value::NumberSet(items) => AttributeValue::Ns(non_empty(
                items.iter().map(number).collect::<Result<_, _>>()?,
            )?),
            Value::BinarySet(items) => AttributeValue::Bs(non_empty(
                items.iter().map(|b| Blob::new(b.clone())).collect(),
            )?),
        })
    }

    /// Reads `value`, found inside `depth` lists and maps.
    fn from_attr(value: AttributeValue, depth: usize) -> Result<crate::json::Value, DecodeIssue> {
        use crate::json::{Number, Value};
        let number = |value: &AttributeValue, n: &str| -> Result<Number, DecodeIssue> {
            number_text(value, n)?
                .parse::<Number>()
                .map_err(|_| DecodeIssue::wrong("a number (N)", value))
        };
        if matches!(value, AttributeValue::L(_) | AttributeValue::M(_)) && depth >= MAX_DEPTH {
            let issue = DecodeIssue {
                steps: Vec::new(),
                expected: format!("at most {MAX_DEPTH} levels of nested lists and maps").into(),
                found: "deeper nesting".to_owned(),
            };
            drop_flat(value);
            return Err(issue);
        }
        Ok(match value {
            AttributeValue::Null(_) => Value::Null,
            AttributeValue::Bool(b) => Value::Bool(b),
            AttributeValue::S(s) => Value::String(s),
            AttributeValue::N(ref n) => Value::Number(number(&value, n)?),
            AttributeValue::B(b) => Value::Binary(b.into_inner()),
            AttributeValue::L(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut items = items.into_iter().enumerate();
                for (i, v) in items.by_ref() {
                    match Json::from_attr(v, depth + 1) {
                        Ok(v) => out.push(v),
                        Err(e) => {
                            items.for_each(|(_, rest)| drop_flat(rest));
                            return Err(e.at_index(i));
                        }
                    }
                }
                Value::List(out)
            }
            AttributeValue::M(map) => {
                let mut out = BTreeMap::new();
                let mut entries = map.into_iter();
                for (k, v) in entries.by_ref() {
                    match Json::from_attr(v, depth + 1) {
                        Ok(v) => {
                            out.insert(k, v);
                        }
                        Err(e) => {
                            entries.for_each(|(_, rest)| drop_flat(rest));
                            return Err(e.at(&k));
                        }
                    }
                }
                Value::Map(out)
            }
            AttributeValue::Ss(items) => Value::StringSet(items.into_iter().collect()),
            AttributeValue::Ns(ref items) => Value::NumberSet(
                items
                    .iter()
                    .map(|n| number(&value, n))
                    .collect::<Result<_, _>>()?,
            ),
            AttributeValue::Bs(items) => {
                Value::BinarySet(items.into_iter().map(Blob::into_inner).collect())
            }
            other => {
                return Err(DecodeIssue::wrong(
                    "a document (M, L, S, N, B, BOOL, NULL, SS, NS or BS)",
                    &other,
                ));
            }
        })
    }
}

/// Drops a value without recursion, however deep it nests: dropping a value nested thousands of
/// levels deep the ordinary way would recurse once per level and could overflow the stack.
pub(crate) fn drop_flat(value: AttributeValue) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            AttributeValue::L(items) => stack.extend(items),
            AttributeValue::M(map) => stack.extend(map.into_values()),
            _ => {}
        }
    }
}

impl Codec for Json {
    type Value = crate::json::Value;

    // JSON's `null` is stored as `NULL`, so a stored `NULL` reads back as `null`.
    const NULL_IS_VALUE: bool = true;

    fn encode(value: &crate::json::Value) -> Result<Option<AttributeValue>, EncodeIssue> {
        Json::to_attr(value, 0).map(Some)
    }

    fn decode(value: AttributeValue) -> Result<crate::json::Value, DecodeIssue> {
        Json::from_attr(value, 0)
    }
}

/// An enum from `[enums.Name]`, stored as its value string (`S`).
pub struct Enum<E>(PhantomData<E>);

impl<E: StringEnum> Codec for Enum<E> {
    type Value = E;

    always_stored!(E, |value| AttributeValue::S(value.as_str().to_owned()));

    fn decode(value: AttributeValue) -> Result<E, DecodeIssue> {
        match &value {
            AttributeValue::S(s) => E::from_value(s).ok_or_else(|| {
                DecodeIssue::wrong(format!("one of {} (S)", E::VALUES.join(", ")), &value)
            }),
            _ => Err(DecodeIssue::wrong(
                format!("one of {} (S)", E::VALUES.join(", ")),
                &value,
            )),
        }
    }
}

/// A nested type from `[types.Name]`, stored as a map (`M`).
pub struct Doc<T>(PhantomData<T>);

impl<T: Document> Codec for Doc<T> {
    type Value = T;

    #[inline]
    fn encode(value: &T) -> Result<Option<AttributeValue>, EncodeIssue> {
        value.to_map().map(|m| Some(AttributeValue::M(m)))
    }

    #[inline]
    fn decode(value: AttributeValue) -> Result<T, DecodeIssue> {
        match value {
            AttributeValue::M(map) => T::from_map(map),
            other => Err(DecodeIssue::wrong(
                format!("a map (M) holding a {}", T::NAME),
                &other,
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Collections
// ---------------------------------------------------------------------------------------------

/// `list<T>`: `Vec<T>` as `L`.
pub struct List<C>(PhantomData<C>);

impl<C: Codec> Codec for List<C> {
    type Value = Vec<C::Value>;

    fn encode(value: &Vec<C::Value>) -> Result<Option<AttributeValue>, EncodeIssue> {
        let mut out = Vec::with_capacity(value.len());
        for (i, v) in value.iter().enumerate() {
            let av = C::encode(v).map_err(|e| e.at_index(i))?;
            out.push(av.unwrap_or(AttributeValue::Null(true)));
        }
        Ok(Some(AttributeValue::L(out)))
    }

    fn decode(value: AttributeValue) -> Result<Vec<C::Value>, DecodeIssue> {
        match value {
            AttributeValue::L(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| C::decode(v).map_err(|e| e.at_index(i)))
                .collect(),
            other => Err(DecodeIssue::wrong("a list (L)", &other)),
        }
    }
}

/// DynamoDB refuses an empty attribute name anywhere, map keys at any depth included.
fn check_map_key(key: &str) -> Result<(), EncodeIssue> {
    if key.is_empty() {
        return Err(EncodeIssue::new(
            "a map key is empty, and DynamoDB refuses empty attribute names",
        ));
    }
    Ok(())
}

/// `map<T>`: `BTreeMap<String, T>` as `M`.
pub struct Map<C>(PhantomData<C>);

impl<C: Codec> Codec for Map<C> {
    type Value = BTreeMap<String, C::Value>;

    fn encode(value: &BTreeMap<String, C::Value>) -> Result<Option<AttributeValue>, EncodeIssue> {
        let mut out = Item::with_capacity(value.len());
        for (k, v) in value {
            check_map_key(k)?;
            let av = C::encode(v).map_err(|e| e.at(k))?;
            out.insert(k.clone(), av.unwrap_or(AttributeValue::Null(true)));
        }
        Ok(Some(AttributeValue::M(out)))
    }

    fn decode(value: AttributeValue) -> Result<BTreeMap<String, C::Value>, DecodeIssue> {
        match value {
            AttributeValue::M(map) => map
                .into_iter()
                .map(|(k, v)| match C::decode(v) {
                    Ok(v) => Ok((k, v)),
                    Err(e) => Err(e.at(&k)),
                })
                .collect(),
            other => Err(DecodeIssue::wrong("a map (M)", &other)),
        }
    }
}

/// `set<T>`: `BTreeSet<T>` as `SS`, `NS` or `BS` by the element's stored type. The empty set
/// is stored as absent (DynamoDB has no empty set) and read back as empty.
pub struct Set<C>(PhantomData<C>);

impl<C: Codec> Codec for Set<C>
where
    C::Value: Ord,
{
    type Value = BTreeSet<C::Value>;

    fn encode(value: &BTreeSet<C::Value>) -> Result<Option<AttributeValue>, EncodeIssue> {
        if value.is_empty() {
            return Ok(None);
        }
        // The elements normally share one stored type: the first vector used gets room for
        // all of them at once instead of growing step by step.
        fn push<T>(out: &mut Vec<T>, element: T, len: usize) {
            if out.capacity() == 0 {
                out.reserve_exact(len);
            }
            out.push(element);
        }
        let mut strings = Vec::new();
        let mut numbers = Vec::new();
        let mut binaries = Vec::new();
        for v in value {
            match C::encode(v)? {
                Some(AttributeValue::S(s)) => push(&mut strings, s, value.len()),
                Some(AttributeValue::N(n)) => push(&mut numbers, n, value.len()),
                Some(AttributeValue::B(b)) => push(&mut binaries, b, value.len()),
                _ => {
                    return Err(EncodeIssue::new(
                        "set elements must be stored as strings, numbers or binary data",
                    ));
                }
            }
        }
        Ok(Some(
            match (strings.is_empty(), numbers.is_empty(), binaries.is_empty()) {
                (false, true, true) => AttributeValue::Ss(strings),
                (true, false, true) => AttributeValue::Ns(numbers),
                (true, true, false) => AttributeValue::Bs(binaries),
                _ => {
                    return Err(EncodeIssue::new(
                        "set elements must all have one stored type",
                    ));
                }
            },
        ))
    }

    fn decode(value: AttributeValue) -> Result<BTreeSet<C::Value>, DecodeIssue> {
        fn each<C: Codec, T>(
            items: Vec<T>,
            wrap: impl Fn(T) -> AttributeValue,
        ) -> Result<BTreeSet<C::Value>, DecodeIssue>
        where
            C::Value: Ord,
        {
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| C::decode(wrap(v)).map_err(|e| e.at_index(i)))
                .collect()
        }
        match value {
            AttributeValue::Ss(items) => each::<C, _>(items, AttributeValue::S),
            AttributeValue::Ns(items) => each::<C, _>(items, AttributeValue::N),
            AttributeValue::Bs(items) => each::<C, _>(items, AttributeValue::B),
            // An empty set nested in a list or map is written as NULL.
            AttributeValue::Null(_) => Ok(BTreeSet::new()),
            other => Err(DecodeIssue::wrong("a set (SS, NS or BS)", &other)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Literals used by generated defaults
// ---------------------------------------------------------------------------------------------

/// A decimal default from the schema; the generator validated the text.
pub fn decimal_literal(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|_| panic!("flywheel-codegen validated the decimal literal {text:?}"))
}

/// A datetime default from the schema; the generator validated the value.
pub fn datetime_literal(secs: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, nanos)
        .unwrap_or_else(|| panic!("flywheel-codegen validated the timestamp {secs}.{nanos:09}"))
}

/// A date default from the schema; the generator validated the value.
pub fn date_literal(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day)
        .unwrap_or_else(|| panic!("flywheel-codegen validated the date {year}-{month}-{day}"))
}

/// A UUID default from the schema.
pub const fn uuid_literal(value: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward forms of the optimised epoch helpers, to compare them with.
    mod reference {
        use super::super::*;

        /// Every number through an exact decimal, scaled and truncated to whole nanoseconds.
        pub fn parse_scaled_nanos(n: &str, unit_nanos: i128) -> Option<i128> {
            crate::number::check(n).ok()?;
            let d: Decimal = n.parse().ok()?;
            let scaled = (d * Decimal::from(unit_nanos as i64)).with_scale(0);
            i128::try_from(scaled.into_bigint_and_exponent().0).ok()
        }

        pub fn datetime_from_nanos(total: i128) -> Option<DateTime<Utc>> {
            let secs = i64::try_from(total.div_euclid(NANOS)).ok()?;
            let nanos = total.rem_euclid(NANOS) as u32;
            DateTime::from_timestamp(secs, nanos)
        }

        pub fn epoch_text(value: &DateTime<Utc>) -> String {
            let total = nanos_of(value);
            let sign = if total < 0 { "-" } else { "" };
            let abs = total.unsigned_abs();
            let (secs, frac) = (abs / NANOS as u128, abs % NANOS as u128);
            if frac == 0 {
                format!("{sign}{secs}")
            } else {
                let digits = format!("{frac:09}");
                format!("{sign}{secs}.{}", digits.trim_end_matches('0'))
            }
        }
    }

    #[test]
    fn epoch_helpers_match_their_reference() {
        for text in [
            "0",
            "1",
            "-1",
            "-1.5",
            "1.",
            ".5",
            "-.5",
            "007",
            "1714566600.25",
            "1714566600.123456789123",
            "-1714566600.000000001",
            "9223372036.854775807",
            "9223372036.854775808",
            "-9223372036.854775809",
            "9999999999999999999",
            "18446744073709551615",
            "99999999999999999999",
            "999999999999999999999",
            "1E+3",
            "1.7E+9",
            "1e-3",
            "+5",
            "1_000",
            "",
            "-",
            "abc",
            "1.2.3",
        ] {
            for unit in [NANOS, 1_000_000] {
                let ours = parse_scaled_nanos(text, unit);
                assert_eq!(ours, reference::parse_scaled_nanos(text, unit), "{text:?}");
                if let Some(total) = ours {
                    assert_eq!(
                        datetime_from_nanos(total),
                        reference::datetime_from_nanos(total),
                        "{text:?}"
                    );
                }
            }
        }
        for total in [
            0,
            1,
            -1,
            -1_500_000_000,
            i128::from(i64::MAX),
            i128::from(i64::MIN),
            i128::from(i64::MAX) + 1,
            i128::from(i64::MIN) - 1,
            i128::from(i64::MIN) * 1000,
            i128::MAX,
        ] {
            assert_eq!(
                datetime_from_nanos(total),
                reference::datetime_from_nanos(total),
                "{total}"
            );
        }
        let leap_second = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        for t in [
            DateTime::from_timestamp(0, 0).unwrap(),
            DateTime::from_timestamp(5, 0).unwrap(),
            DateTime::from_timestamp(-5, 0).unwrap(),
            DateTime::from_timestamp(-1, 1).unwrap(),
            DateTime::from_timestamp(-2, 500_000_000).unwrap(),
            DateTime::from_timestamp(1_714_566_600, 250_000_000).unwrap(),
            DateTime::from_timestamp(1_714_566_600, 123_456_789).unwrap(),
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
            leap_second,
        ] {
            let Some(AttributeValue::N(text)) = DateTimeEpoch::encode(&t).unwrap() else {
                panic!("epoch datetimes are numbers");
            };
            assert_eq!(text, reference::epoch_text(&t), "{t:?}");
        }
    }

    #[test]
    fn iso_dates_match_the_format_string() {
        let items: Vec<FormatItem<'_>> = chrono::format::StrftimeItems::new("%Y-%m-%d").collect();
        assert_eq!(items, ISO_DATE);
        for (y, m, d) in [
            (0, 1, 1),
            (1, 2, 3),
            (999, 12, 31),
            (2024, 2, 29),
            (9999, 12, 31),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let av = DateIso::encode(&date).unwrap().unwrap();
            assert_eq!(av, AttributeValue::S(date.format("%Y-%m-%d").to_string()));
            assert_eq!(DateIso::decode(av).unwrap(), date);
        }
        for text in [
            "2024-05-01",
            "0000-01-01",
            "2024-5-1",
            "2024-02-30",
            " 2024-05-01",
            "2024-05-01 ",
            "+2024-05-01",
            "02024-05-01",
            "2024-05-01T00:00",
            "2024/05/01",
            "",
        ] {
            assert_eq!(
                parse_iso_date(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn put_stores_what_encode_makes() {
        fn check<C: Codec>(value: C::Value) {
            let mut item = Item::new();
            put::<C>(&mut item, "a", &value).unwrap();
            assert_eq!(item.remove("a"), C::encode(&value).unwrap());
            assert!(item.is_empty());
        }
        check::<Str>("text".to_owned());
        check::<I64>(-42);
        check::<U32>(7);
        check::<Bool>(true);
        check::<Bytes>(vec![0, 1, 2]);
        check::<Uuid>(uuid::Uuid::from_u128(0x1234));
        check::<DateTimeEpoch>(DateTime::from_timestamp(-2, 500_000_000).unwrap());
        check::<DateTimeEpochMillis>(DateTime::from_timestamp(1, 2_000_000).unwrap());
        check::<DateTimeEpochSeconds>(DateTime::from_timestamp(3, 0).unwrap());
        check::<DateEpoch>(NaiveDate::from_ymd_opt(2024, 5, 1).unwrap());
        check::<Dec>("1.50".parse().unwrap());
        check::<Set<Str>>(BTreeSet::new());
        check::<Set<Str>>(["x".to_owned()].into());
    }

    #[test]
    fn sets_of_each_stored_type() {
        let strings: BTreeSet<String> = ["b", "a", "c"].map(String::from).into();
        assert_eq!(
            Set::<Str>::encode(&strings).unwrap(),
            Some(AttributeValue::Ss(vec!["a".into(), "b".into(), "c".into()]))
        );
        let numbers: BTreeSet<i64> = (1..=10).collect();
        let Some(AttributeValue::Ns(ns)) = Set::<I64>::encode(&numbers).unwrap() else {
            panic!("a number set");
        };
        assert_eq!(ns.len(), 10);
        assert_eq!(ns.capacity(), 10);
        assert_eq!(Set::<Str>::encode(&BTreeSet::new()).unwrap(), None);
    }

    #[test]
    fn rfc3339_text_is_chronos_own() {
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        let cases = [
            DateTime::from_timestamp(0, 0).unwrap(),
            DateTime::from_timestamp(1_700_000_000, 5).unwrap(),
            DateTime::from_timestamp(-62_167_219_200, 999_999_999).unwrap(),
            DateTime::from_timestamp(253_402_300_799, 123_456_789).unwrap(),
            leap,
        ];
        for at in cases {
            let Some(AttributeValue::S(text)) = DateTimeRfc3339::encode(&at).unwrap() else {
                panic!("text")
            };
            assert_eq!(text, at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true));
        }
    }

    #[test]
    fn epoch_round_trips_to_the_nanosecond() {
        for (secs, nanos) in [
            (0, 0),
            (1, 500_000_000),
            (-2, 500_000_000),
            (1_700_000_000, 123_456_789),
        ] {
            let t = DateTime::from_timestamp(secs, nanos).unwrap();
            let av = DateTimeEpoch::encode(&t).unwrap().unwrap();
            assert_eq!(DateTimeEpoch::decode(av).unwrap(), t);
        }
        let av = DateTimeEpoch::encode(&DateTime::from_timestamp(-2, 500_000_000).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(av, AttributeValue::N("-1.5".into()));
    }

    #[test]
    fn epoch_reads_other_spellings() {
        let t = DateTimeEpoch::decode(AttributeValue::N("1.7E+9".into())).unwrap();
        assert_eq!(t.timestamp(), 1_700_000_000);
        let t = DateTimeEpoch::decode(AttributeValue::N("1400000000.123456".into())).unwrap();
        assert_eq!(t.timestamp_subsec_micros(), 123_456);
    }

    #[test]
    fn integers_never_wrap() {
        assert!(I32::decode(AttributeValue::N("3000000000".into())).is_err());
        assert!(U64::decode(AttributeValue::N("-1".into())).is_err());
        assert!(I64::decode(AttributeValue::N("1.5".into())).is_err());
        assert_eq!(I64::decode(AttributeValue::N("1E+3".into())).unwrap(), 1000);
        assert_eq!(
            U64::decode(AttributeValue::N(u64::MAX.to_string())).unwrap(),
            u64::MAX
        );
    }

    #[test]
    fn decimals_are_never_rounded() {
        let d: Decimal = "1.2345678901234567890123456789012345678".parse().unwrap();
        let av = Dec::encode(&d).unwrap().unwrap();
        assert_eq!(Dec::decode(av).unwrap(), d);
        let too_long: Decimal = "1.23456789012345678901234567890123456789".parse().unwrap();
        assert!(Dec::encode(&too_long).is_err());
        let trailing_zeros: Decimal = "100000000000000000000000000000000000000000"
            .parse()
            .unwrap();
        assert!(Dec::encode(&trailing_zeros).is_ok());
    }

    #[test]
    fn floats_reject_what_dynamodb_cannot_hold() {
        assert!(F64::encode(&f64::NAN).is_err());
        assert!(F64::encode(&f64::INFINITY).is_err());
        assert!(F64::encode(&1e300).is_err());
        for v in [0.1, -2.5, 1e-20, 6.02e23, f64::EPSILON] {
            let av = F64::encode(&v).unwrap().unwrap();
            assert_eq!(F64::decode(av).unwrap(), v);
        }
    }

    #[test]
    fn json_null_is_a_value_not_an_absence() {
        let mut item = Item::new();
        put::<Json>(&mut item, "doc", &crate::json::Value::Null).unwrap();
        assert_eq!(item["doc"], AttributeValue::Null(true));
        let read = take_or::<Json>(&mut item.clone(), "doc", || {
            serde_json::json!({"x": 1}).into()
        });
        assert_eq!(read.unwrap(), crate::json::Value::Null);
        let read = take_opt::<Json>(&mut item.clone(), "doc").unwrap();
        assert_eq!(read, Some(crate::json::Value::Null));
        assert_eq!(take_opt::<Json>(&mut Item::new(), "doc").unwrap(), None);
        // Other types still read NULL as "no value".
        let mut item = Item::from([("n".to_owned(), AttributeValue::Null(true))]);
        assert_eq!(take_opt::<I64>(&mut item, "n").unwrap(), None);
    }

    #[test]
    fn issue_paths_render_outwards() {
        let issue = DecodeIssue::wrong("a string (S)", &AttributeValue::Bool(true))
            .at("city")
            .at_index(2)
            .at("addresses");
        assert_eq!(issue.path(), "addresses[2].city");
    }
}
