//! Key templates: a stored text attribute computed from typed fields of its model, such as
//! `SK = "ORDER#{placed_at}#{order_id}"`, written on every write and never set by hand.
//!
//! A template is text pieces and parts. Each part is written so that **the text order of the
//! whole equals the order of its parts** (compared part by part, as a tuple), which is the
//! order DynamoDB sorts a range key in and the order its key conditions compare:
//!
//! | part type | written as | example |
//! |---|---|---|
//! | integers | fixed width, zero-padded; a negative number is `-` and the difference to 10^width | `0000000042`, `-9999999958` (−42 as an `i32`) |
//! | `decimal`, `float` | `P`, the exponent plus 500 in three digits, the digits; a negative number `N`, 499 minus the exponent, each digit's complement to 9, `~`; zero `P000` | 12.5 → `P502125`, −12.5 → `N497874~` |
//! | `datetime` | fixed-width UTC RFC 3339 with nanoseconds, whatever the field's storage format | `2024-05-01T12:30:00.000000000Z` |
//! | `date` | `YYYY-MM-DD` | `2024-05-01` |
//! | `uuid` | lower-case hyphenated | `67e55044-10b1-426f-9247-bb680e5fe0c8` |
//! | `bool` | `false`, `true` | |
//! | `string`, enums | the text (an enum's stored value), escaped as below | `alex` |
//!
//! Integers, datetimes, dates and uuids have a fixed width (an integer's sign decides which),
//! so they may be followed by anything. Text, numbers with a fraction and booleans vary in
//! length: the template must end after them, or go on with a character below `0` (such as
//! `#`, the usual separator), and the generator checks that. That *stop* character then sorts
//! below every character such a part is written with, so a shorter value sorts first
//! (`ab#…` before `ab0#…`), and no value can run into the text after it. For text this needs
//! an escape: every character up to and including the one just above the stop (`$` when `#`
//! follows) is written as that character and its two upper-case hex digits, like
//! percent-encoding (`a b#c` before `#` becomes `a$20b$23c`). The escape keeps the order
//! (the escaped characters are the lowest ones, and hex digits sort like the numbers they
//! spell) and makes keys unambiguous: `{a}#{b}` with `a = "x#y", b = "z"` and with
//! `a = "x", b = "y#z"` are two keys. Text at the end of a template is written as it is.
//!
//! The parts are also stored as attributes of their own, and an item is read from those: a
//! template is never parsed back.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

use crate::error::EncodeIssue;
use crate::{AttributeValue, Decimal, Item};

/// A key template, as generated code declares it: the attribute it is stored in and its
/// pieces in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// The stored attribute the template computes.
    pub attribute: &'static str,
    /// The text pieces and parts, in order.
    pub pieces: &'static [Piece],
}

/// A piece of a [`Template`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Text written as it is.
    Text(&'static str),
    /// A field of the model, written as its type writes a part.
    Part(PartSpec),
}

/// A part of a [`Template`]: which field it is, and how it is written.
#[derive(Debug, Clone, Copy)]
pub struct PartSpec {
    /// The part's attribute name.
    pub name: &'static str,
    /// The number of digits of an integer part (`{n:6}`); 0 for the type's full width.
    pub width: u8,
    /// Writes the part from its stored attribute value (an update knows only those):
    /// `codec::stored_part` of its codec.
    pub stored: Option<StoredPart>,
}

// Parts are equal by what they are; the function that writes one from its stored value follows
// from its field's type (and two copies of a function need not have one address).
impl PartialEq for PartSpec {
    fn eq(&self, other: &PartSpec) -> bool {
        self.name == other.name && self.width == other.width
    }
}

impl Eq for PartSpec {}

/// Writes a part from the attribute value its field is stored as.
pub type StoredPart = fn(&AttributeValue, &mut String, Place) -> Result<(), String>;

/// A part given by its stored attribute value (an update knows only those), written with the
/// [`StoredPart`] of its [`PartSpec`].
pub(crate) struct StoredValue<'a> {
    pub write: Option<StoredPart>,
    pub value: &'a AttributeValue,
}

impl Part for StoredValue<'_> {
    fn write_part(&self, out: &mut String, place: Place) -> Result<(), String> {
        match self.write {
            Some(write) => write(self.value, out, place),
            None => Err("it cannot be written from its stored value".to_owned()),
        }
    }
}

impl PartSpec {
    /// A part written in its type's own way.
    pub const fn new(name: &'static str) -> PartSpec {
        PartSpec {
            name,
            width: 0,
            stored: None,
        }
    }

    /// An integer part with `width` digits.
    pub const fn width(name: &'static str, width: u8) -> PartSpec {
        PartSpec {
            name,
            width,
            stored: None,
        }
    }

    /// The part, written from its stored value with `stored` (generated for the parts of index
    /// keys, which updates keep in step).
    pub const fn from_stored(self, stored: StoredPart) -> PartSpec {
        PartSpec {
            stored: Some(stored),
            ..self
        }
    }
}

/// How a part is written: where it is in its template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The declared width of an integer part; 0 for the type's own.
    pub width: u8,
    /// The first byte of the template's text after the part, or `None` at the end.
    pub stop: Option<u8>,
}

/// A value that can be a part of a key template (see the [module](self) for how each type is
/// written). Generated enums implement it with [`write_text`] of their stored value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a part of a key template",
    label = "not a template part",
    note = "template parts are strings, integers, decimals, floats, booleans, datetimes, dates, uuids and enums"
)]
pub trait Part {
    /// Appends the part to `out`; an error says why the value cannot be written.
    fn write_part(&self, out: &mut String, place: Place) -> Result<(), String>;
}

impl Template {
    /// The template written with `parts`, one per part piece in order.
    pub fn format(&self, parts: &[&dyn Part]) -> Result<String, EncodeIssue> {
        let mut out = String::with_capacity(self.len_hint());
        self.write_prefix(&mut out, parts)?;
        Ok(out)
    }

    /// Writes the pieces up to the part after the last of `parts`, stopping there: the text
    /// before the first part not given. With every part given it is the whole template.
    pub fn write_prefix(&self, out: &mut String, parts: &[&dyn Part]) -> Result<(), EncodeIssue> {
        let mut given = parts.iter();
        for (i, piece) in self.pieces.iter().enumerate() {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Part(_) => {
                    let Some(value) = given.next() else {
                        return Ok(());
                    };
                    self.write_part_at(i, *value, out)?;
                }
            }
        }
        Ok(())
    }

    /// Writes `value` as the piece at `index` (a part), where the template places it; an error
    /// names the part and the template.
    pub fn write_part_at(
        &self,
        index: usize,
        value: &dyn Part,
        out: &mut String,
    ) -> Result<(), EncodeIssue> {
        match &self.pieces[index] {
            Piece::Part(spec) => value
                .write_part(out, self.place(index))
                .map_err(|reason| self.issue(spec, reason)),
            Piece::Text(_) => Ok(()),
        }
    }

    /// Where the piece at `index` (a part) is in the template.
    pub fn place(&self, index: usize) -> Place {
        let width = match self.pieces[index] {
            Piece::Part(spec) => spec.width,
            Piece::Text(_) => 0,
        };
        let stop = match self.pieces.get(index + 1) {
            Some(Piece::Text(text)) => text.bytes().next(),
            _ => None,
        };
        Place { width, stop }
    }

    /// The number of parts.
    pub fn part_count(&self) -> usize {
        self.pieces
            .iter()
            .filter(|piece| matches!(piece, Piece::Part(_)))
            .count()
    }

    /// The index in `pieces` of part number `n`.
    pub fn part_index(&self, n: usize) -> Option<usize> {
        self.pieces
            .iter()
            .enumerate()
            .filter(|(_, piece)| matches!(piece, Piece::Part(_)))
            .nth(n)
            .map(|(index, _)| index)
    }

    /// The template as written in the schema, for messages: `ORDER#{placed_at}#{order_id}`.
    pub fn source(&self) -> String {
        let mut out = String::new();
        for piece in self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Part(spec) if spec.width == 0 => {
                    let _ = write!(out, "{{{}}}", spec.name);
                }
                Piece::Part(spec) => {
                    let _ = write!(out, "{{{}:{}}}", spec.name, spec.width);
                }
            }
        }
        out
    }

    fn issue(&self, spec: &PartSpec, reason: String) -> EncodeIssue {
        EncodeIssue::new(format!(
            "part `{}` of the key template \"{}\": {reason}",
            spec.name,
            self.source()
        ))
        .at(self.attribute)
    }

    fn len_hint(&self) -> usize {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.len(),
                // The widest common part: a datetime's 30 characters.
                Piece::Part(_) => 32,
            })
            .sum()
    }
}

/// Stores the template written with `parts` in `item` (generated: a line per template).
pub fn put(item: &mut Item, template: &Template, parts: &[&dyn Part]) -> Result<(), EncodeIssue> {
    let text = template.format(parts)?;
    item.insert(template.attribute.to_owned(), AttributeValue::S(text));
    Ok(())
}

/// Stores the template only when every part is present: an index key written this way makes a
/// sparse index, which holds only the items that have all of its parts.
pub fn put_sparse(
    item: &mut Item,
    template: &Template,
    parts: &[Option<&dyn Part>],
) -> Result<(), EncodeIssue> {
    let mut present: Vec<&dyn Part> = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Some(part) => present.push(*part),
            None => return Ok(()),
        }
    }
    put(item, template, &present)
}

/// A part that is always there, for [`put_sparse`].
pub fn present<T: Part>(value: &T) -> Option<&dyn Part> {
    Some(value)
}

/// A part that may be absent, for [`put_sparse`].
pub fn maybe<T: Part>(value: &Option<T>) -> Option<&dyn Part> {
    value.as_ref().map(|value| value as &dyn Part)
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/// Appends `text` escaped for a part followed by `stop` (see the [module](self)).
pub fn write_text(out: &mut String, text: &str, stop: Option<u8>) {
    let Some(stop) = stop else {
        out.push_str(text);
        return;
    };
    // The escape character is the one just above the stop; it and everything below it are
    // escaped, so every byte written is above the stop.
    let escape = stop.saturating_add(1);
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| b <= escape) {
        out.push_str(&rest[..at]);
        let byte = rest.as_bytes()[at];
        out.push(char::from(escape));
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0xf)]);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

const HEX: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F',
];

impl Part for str {
    fn write_part(&self, out: &mut String, place: Place) -> Result<(), String> {
        write_text(out, self, place.stop);
        Ok(())
    }
}

impl Part for String {
    fn write_part(&self, out: &mut String, place: Place) -> Result<(), String> {
        self.as_str().write_part(out, place)
    }
}

impl<T: Part + ?Sized> Part for &T {
    fn write_part(&self, out: &mut String, place: Place) -> Result<(), String> {
        (**self).write_part(out, place)
    }
}

impl Part for bool {
    fn write_part(&self, out: &mut String, _place: Place) -> Result<(), String> {
        out.push_str(if *self { "true" } else { "false" });
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------------------------

/// Appends integer `n` in `width` digits (see the [module](self)).
fn write_integer(out: &mut String, n: i128, width: u8) -> Result<(), String> {
    let width = usize::from(width);
    let bound = 10i128.pow(width as u32);
    if n >= bound || n < -bound {
        return Err(format!("{n} does not fit in {width} digits"));
    }
    if n < 0 {
        let _ = write!(out, "-{:0width$}", bound + n);
    } else {
        let _ = write!(out, "{n:0width$}");
    }
    Ok(())
}

macro_rules! integer_part {
    ($($ty:ty => $digits:literal),*) => {$(
        impl Part for $ty {
            fn write_part(&self, out: &mut String, place: Place) -> Result<(), String> {
                let width = if place.width == 0 { $digits } else { place.width };
                write_integer(out, i128::from(*self), width)
            }
        }
    )*};
}

// The full width of each type: the digits of its largest magnitude.
integer_part!(i64 => 19, i32 => 10, u32 => 10, u64 => 20);

// ---------------------------------------------------------------------------------------------
// Numbers with a fraction
// ---------------------------------------------------------------------------------------------

/// Appends the number `0.digits × 10^exponent`, negative when `negative`; `digits` has no
/// leading or trailing zero and is empty for zero (see the [module](self)).
fn write_scientific(
    out: &mut String,
    negative: bool,
    digits: &str,
    exponent: i64,
) -> Result<(), String> {
    if digits.is_empty() {
        out.push_str("P000");
        return Ok(());
    }
    if !(-499..=499).contains(&exponent) {
        return Err(
            "its exponent is outside what a template part holds (10^-500 to 10^499)".into(),
        );
    }
    if negative {
        let _ = write!(out, "N{:03}", 499 - exponent);
        out.extend(digits.bytes().map(|d| char::from(b'9' - (d - b'0'))));
        out.push('~');
    } else {
        let _ = write!(out, "P{:03}", exponent + 500);
        out.push_str(digits);
    }
    Ok(())
}

impl Part for Decimal {
    fn write_part(&self, out: &mut String, _place: Place) -> Result<(), String> {
        let (mantissa, scale) = self.as_bigint_and_exponent();
        let text = mantissa.to_string();
        let (negative, magnitude) = match text.strip_prefix('-') {
            Some(magnitude) => (true, magnitude),
            None => (false, text.as_str()),
        };
        let significant = magnitude.trim_end_matches('0');
        if significant.is_empty() {
            return write_scientific(out, false, "", 0);
        }
        let exponent = magnitude.len() as i64 - scale;
        write_scientific(out, negative, significant, exponent)
    }
}

impl Part for f64 {
    fn write_part(&self, out: &mut String, _place: Place) -> Result<(), String> {
        if !self.is_finite() {
            return Err(format!("{self} is not a number a key can hold"));
        }
        // The shortest digits that read back as this float: distinct floats get distinct
        // digits, in the same order.
        let text = format!("{:e}", self.abs());
        let (mantissa, exponent) = text.split_once('e').expect("`{:e}` writes an exponent");
        let exponent: i64 = exponent.parse().expect("`{:e}` writes an integer exponent");
        let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
        let digits = digits.trim_end_matches('0');
        if digits.is_empty() {
            return write_scientific(out, false, "", 0);
        }
        write_scientific(out, self.is_sign_negative(), digits, exponent + 1)
    }
}

// ---------------------------------------------------------------------------------------------
// Dates, times, uuids
// ---------------------------------------------------------------------------------------------

/// Appends `value` (a year within 0000-9999) as the fixed-width RFC 3339 text
/// `to_rfc3339_opts(SecondsFormat::Nanos, true)` writes, digit by digit rather than through
/// the formatting machinery (this is on the way of every datetime written, and of computed
/// keys that hold one).
pub(crate) fn push_rfc3339(out: &mut String, value: &DateTime<Utc>) {
    use chrono::Timelike;
    let nanos = value.nanosecond();
    if nanos >= 1_000_000_000 {
        // A leap second, which chrono writes as second 60.
        out.push_str(&value.to_rfc3339_opts(SecondsFormat::Nanos, true));
        return;
    }
    let mut text = *b"0000-00-00T00:00:00.000000000Z";
    let mut put = |range: std::ops::Range<usize>, mut n: u32| {
        for b in text[range].iter_mut().rev() {
            *b = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0..4, value.year() as u32);
    put(5..7, value.month());
    put(8..10, value.day());
    put(11..13, value.hour());
    put(14..16, value.minute());
    put(17..19, value.second());
    put(20..29, nanos);
    out.push_str(std::str::from_utf8(&text).expect("ASCII digits and separators"));
}

impl Part for DateTime<Utc> {
    fn write_part(&self, out: &mut String, _place: Place) -> Result<(), String> {
        if !(0..=9999).contains(&self.year()) {
            return Err(format!(
                "{self} has a year outside 0000-9999, which fixed-width text cannot sort"
            ));
        }
        push_rfc3339(out, self);
        Ok(())
    }
}

impl Part for NaiveDate {
    fn write_part(&self, out: &mut String, _place: Place) -> Result<(), String> {
        if !(0..=9999).contains(&self.year()) {
            return Err(format!(
                "{self} has a year outside 0000-9999, which YYYY-MM-DD cannot hold"
            ));
        }
        let _ = write!(out, "{self}");
        Ok(())
    }
}

impl Part for uuid::Uuid {
    fn write_part(&self, out: &mut String, _place: Place) -> Result<(), String> {
        let _ = write!(out, "{}", self.hyphenated());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(value: &dyn Part, stop: Option<u8>) -> String {
        let mut out = String::new();
        value
            .write_part(&mut out, Place { width: 0, stop })
            .unwrap();
        out
    }

    const ORDER: Template = Template {
        attribute: "SK",
        pieces: &[
            Piece::Text("ORDER#"),
            Piece::Part(PartSpec::new("placed_at")),
            Piece::Text("#"),
            Piece::Part(PartSpec::new("order_id")),
        ],
    };

    #[test]
    fn a_template_is_its_text_and_its_parts() {
        let placed = DateTime::from_timestamp(1_700_000_000, 5).unwrap();
        let text = ORDER.format(&[&placed, &"a#b c".to_owned()]).unwrap();
        // The last part is written as it is.
        assert_eq!(text, "ORDER#2023-11-14T22:13:20.000000005Z#a#b c");
        let mut prefix = String::new();
        ORDER.write_prefix(&mut prefix, &[&placed]).unwrap();
        assert_eq!(prefix, "ORDER#2023-11-14T22:13:20.000000005Z#");
        assert_eq!(ORDER.source(), "ORDER#{placed_at}#{order_id}");
    }

    #[test]
    fn text_before_a_stop_is_escaped() {
        assert_eq!(part(&"a b#c$d%", Some(b'#')), "a$20b$23c$24d%");
        assert_eq!(part(&"plain", Some(b'#')), "plain");
        assert_eq!(part(&"a:b", Some(b':')), "a;3Ab");
        assert_eq!(part(&"é#", Some(b'#')), "é$23");
    }

    #[test]
    fn integers_have_a_fixed_width() {
        assert_eq!(part(&42i64, None), "0000000000000000042");
        assert_eq!(part(&-42i32, None), "-9999999958");
        assert_eq!(part(&i64::MIN, None), "-0776627963145224192");
        assert_eq!(part(&u64::MAX, None), "18446744073709551615");
        let mut out = String::new();
        7u32.write_part(
            &mut out,
            Place {
                width: 3,
                stop: None,
            },
        )
        .unwrap();
        assert_eq!(out, "007");
        let err = 1000u32
            .write_part(
                &mut out,
                Place {
                    width: 3,
                    stop: None,
                },
            )
            .unwrap_err();
        assert_eq!(err, "1000 does not fit in 3 digits");
    }

    #[test]
    fn numbers_with_a_fraction() {
        let dec = |s: &str| part(&s.parse::<Decimal>().unwrap(), None);
        assert_eq!(dec("12.5"), "P502125");
        assert_eq!(dec("-12.5"), "N497874~");
        assert_eq!(dec("0"), "P000");
        assert_eq!(dec("0.000"), "P000");
        assert_eq!(dec("1200"), "P50412");
        assert_eq!(dec("0.05"), "P4995");
        assert_eq!(part(&12.5f64, None), "P502125");
        assert_eq!(part(&-0.0f64, None), "P000");
        assert_eq!(part(&-12.5f64, None), "N497874~");
        let mut out = String::new();
        assert!(
            f64::NAN
                .write_part(
                    &mut out,
                    Place {
                        width: 0,
                        stop: None
                    }
                )
                .is_err()
        );
        let huge: Decimal = "1e600".parse().unwrap();
        assert!(
            huge.write_part(
                &mut out,
                Place {
                    width: 0,
                    stop: None
                }
            )
            .is_err()
        );
    }

    #[test]
    fn a_failing_part_names_the_attribute_and_the_part() {
        let far = DateTime::from_timestamp(300_000_000_000, 0).unwrap();
        let issue = ORDER.format(&[&far, &"x".to_owned()]).unwrap_err();
        assert_eq!(issue.path(), "SK");
        assert!(
            issue.reason.starts_with(
                "part `placed_at` of the key template \"ORDER#{placed_at}#{order_id}\": "
            ),
            "{}",
            issue.reason
        );
    }

    #[test]
    fn a_sparse_template_needs_every_part() {
        const GSI: Template = Template {
            attribute: "GSI1PK",
            pieces: &[Piece::Text("ST#"), Piece::Part(PartSpec::new("state"))],
        };
        let mut item = Item::new();
        put_sparse(&mut item, &GSI, &[None]).unwrap();
        assert!(item.is_empty());
        put_sparse(&mut item, &GSI, &[Some(&"open")]).unwrap();
        assert_eq!(item["GSI1PK"], AttributeValue::S("ST#open".into()));
    }
}
