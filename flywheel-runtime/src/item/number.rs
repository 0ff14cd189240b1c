//! DynamoDB's limits on numbers, checked on the text of a number before anything is built from
//! it.
//!
//! A DynamoDB number has at most 38 significant digits and a magnitude from 1E-130 to
//! 9.99…E+125 (or is zero). DynamoDB never returns anything else, so a number outside those
//! limits in a response is refused at once: parsing `1E+999999999` into an exact decimal and
//! printing it would build a billion digits.

/// The most significant digits a DynamoDB number may have.
pub const MAX_DIGITS: usize = 38;
/// The exponent of the leading digit of the smallest non-zero DynamoDB number (1E-130).
pub const MIN_EXPONENT: i64 = -130;
/// The exponent of the leading digit of the largest DynamoDB number (9.99…E+125).
pub const MAX_EXPONENT: i64 = 125;

/// Why a text is not a DynamoDB number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberIssue {
    /// Not a number at all.
    Syntax,
    /// More than 38 significant digits.
    TooPrecise,
    /// A magnitude outside 1E-130 ..= 9.99E+125.
    OutOfRange,
}

impl NumberIssue {
    /// What a number must be, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            NumberIssue::Syntax => "is not a number",
            NumberIssue::TooPrecise => "has more than 38 significant digits",
            NumberIssue::OutOfRange => {
                "is outside the range of DynamoDB numbers (1E-130 to 9.99E+125 in magnitude)"
            }
        }
    }
}

/// What a valid number text holds: its significant digits and the exponent of the leading one
/// (`None` for zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Significant digits, from the first non-zero digit to the last.
    pub digits: usize,
    /// The power of ten of the leading significant digit; `None` when the number is zero.
    pub exponent: Option<i64>,
}

/// Checks `text` in one pass over its bytes: an optional sign, digits with an optional point,
/// an optional exponent; at most 38 significant digits; a magnitude DynamoDB can hold.
pub fn check(text: &str) -> Result<Shape, NumberIssue> {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    // Position (in digits before the point, counting from the left) of the first and last
    // non-zero digits.
    let mut seen_digit = false;
    let mut int_digits: i64 = 0;
    let mut first_nonzero: Option<i64> = None;
    let mut last_nonzero: i64 = 0;
    let mut position: i64 = 0; // index of the current digit among all digits
    let mut point = false;
    while i < bytes.len() {
        match bytes[i] {
            b'0'..=b'9' => {
                seen_digit = true;
                if bytes[i] != b'0' {
                    first_nonzero.get_or_insert(position);
                    last_nonzero = position;
                }
                if !point {
                    int_digits += 1;
                }
                position += 1;
            }
            b'.' if !point => point = true,
            b'e' | b'E' => break,
            _ => return Err(NumberIssue::Syntax),
        }
        i += 1;
    }
    if !seen_digit {
        return Err(NumberIssue::Syntax);
    }
    let mut exponent: i64 = 0;
    if i < bytes.len() {
        // An exponent: `e`, an optional sign, at least one digit.
        i += 1;
        let negative = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        if i == bytes.len() {
            return Err(NumberIssue::Syntax);
        }
        let mut huge = false;
        for &b in &bytes[i..] {
            if !b.is_ascii_digit() {
                return Err(NumberIssue::Syntax);
            }
            // Saturates far beyond any limit instead of overflowing.
            exponent = exponent * 10 + i64::from(b - b'0');
            if exponent > 1_000_000 {
                huge = true;
                exponent = 1_000_000;
            }
        }
        if negative {
            exponent = -exponent;
        }
        if huge && first_nonzero.is_some() {
            return Err(NumberIssue::OutOfRange);
        }
    }
    let Some(first) = first_nonzero else {
        return Ok(Shape {
            digits: 0,
            exponent: None,
        });
    };
    let digits = (last_nonzero - first + 1) as usize;
    if digits > MAX_DIGITS {
        return Err(NumberIssue::TooPrecise);
    }
    // The leading digit sits `int_digits - 1 - first` places left of the units.
    let lead = int_digits - 1 - first + exponent;
    if !(MIN_EXPONENT..=MAX_EXPONENT).contains(&lead) {
        return Err(NumberIssue::OutOfRange);
    }
    Ok(Shape {
        digits,
        exponent: Some(lead),
    })
}

/// The text flywheel writes for an exact decimal: plain digits (`123.45`, `0.001`) for
/// magnitudes from 1E-7 to below 1E+40, exponent notation beyond (`1E-130`,
/// `9.99E+125`), so that no number is spelled with dozens of zeros. Trailing zeros are dropped.
pub fn text(value: &crate::Decimal) -> String {
    normalized_text(value.normalized())
}

/// [`text`] of a decimal already normalized (without trailing zeros).
pub fn normalized_text(normalized: crate::Decimal) -> String {
    let (digits, scale) = normalized.into_bigint_and_exponent();
    let digits = digits.to_string();
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits.as_str()),
    };
    if digits == "0" {
        return "0".to_owned();
    }
    // The value is digits × 10^-scale; its leading digit stands for 10^lead.
    let lead = digits.len() as i64 - 1 - scale;
    if (-7..40).contains(&lead) {
        let mut out = String::with_capacity(digits.len() + 10);
        out.push_str(sign);
        if scale <= 0 {
            out.push_str(digits);
            out.extend(std::iter::repeat_n('0', (-scale) as usize));
        } else if (scale as usize) < digits.len() {
            let (int, frac) = digits.split_at(digits.len() - scale as usize);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', scale as usize - digits.len()));
            out.push_str(digits);
        }
        return out;
    }
    let (first, rest) = digits.split_at(1);
    let point = if rest.is_empty() { "" } else { "." };
    let exponent_sign = if lead < 0 { "-" } else { "+" };
    format!("{sign}{first}{point}{rest}E{exponent_sign}{}", lead.abs())
}

/// Whether a float is within DynamoDB's range: zero, or a finite magnitude from 1E-130 to
/// below 1E+126.
pub fn f64_fits(value: f64) -> bool {
    value == 0.0 || (1e-130..1e126).contains(&value.abs())
}

/// [`check`], answered at once for what DynamoDB mostly returns: a number of at most 38
/// characters without an exponent has at most 38 digits and a magnitude DynamoDB holds (its
/// syntax is left to the parser that reads it next).
#[inline]
pub fn check_fast(text: &str) -> Result<(), NumberIssue> {
    if text.len() <= MAX_DIGITS && !text.bytes().any(|b| b | 0x20 == b'e') {
        return Ok(());
    }
    check(text).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(digits: usize, exponent: i64) -> Result<Shape, NumberIssue> {
        Ok(Shape {
            digits,
            exponent: Some(exponent),
        })
    }

    #[test]
    fn numbers_are_measured_from_their_text() {
        assert_eq!(
            check("0"),
            Ok(Shape {
                digits: 0,
                exponent: None
            })
        );
        assert_eq!(
            check("-0.000"),
            Ok(Shape {
                digits: 0,
                exponent: None
            })
        );
        assert_eq!(
            check("0E+999999999999"),
            Ok(Shape {
                digits: 0,
                exponent: None
            })
        );
        assert_eq!(check("1"), shape(1, 0));
        assert_eq!(check("-12.50"), shape(3, 1));
        assert_eq!(check("0.001"), shape(1, -3));
        assert_eq!(check(".5"), shape(1, -1));
        assert_eq!(check("5."), shape(1, 0));
        assert_eq!(check("1E+3"), shape(1, 3));
        assert_eq!(check("1.5e-3"), shape(2, -3));
        assert_eq!(check("100"), shape(1, 2));
        assert_eq!(
            check("9.9999999999999999999999999999999999999E+125"),
            shape(38, 125)
        );
        assert_eq!(check("1E-130"), shape(1, -130));
        assert_eq!(
            check("12345678901234567890123456789012345678"),
            shape(38, 37)
        );
    }

    #[test]
    fn numbers_are_written_without_runs_of_zeros() {
        let t = |s: &str| text(&s.parse().unwrap());
        assert_eq!(t("0.000"), "0");
        assert_eq!(t("12.50"), "12.5");
        assert_eq!(t("-0.001"), "-0.001");
        assert_eq!(t("1000"), "1000");
        assert_eq!(t("1E+39"), "1000000000000000000000000000000000000000");
        assert_eq!(t("1E+40"), "1E+40");
        assert_eq!(t("-1E-130"), "-1E-130");
        assert_eq!(t("1.5E-8"), "1.5E-8");
        assert_eq!(
            t("9.9999999999999999999999999999999999999E+125"),
            "9.9999999999999999999999999999999999999E+125"
        );
        for s in ["1E+40", "-1E-130", "1.5E-8", "123.45", "7"] {
            assert_eq!(check(&t(s)).unwrap(), check(s).unwrap(), "{s}");
        }
    }

    #[test]
    fn what_dynamodb_cannot_hold_is_refused() {
        for text in [
            "", "-", ".", "e5", "1e", "1e+", "1..2", "1.2.3", "0x10", "1_000", " 1", "NaN", "inf",
        ] {
            assert_eq!(check(text), Err(NumberIssue::Syntax), "{text:?}");
        }
        assert_eq!(check("1E+126"), Err(NumberIssue::OutOfRange));
        assert_eq!(check("1E-131"), Err(NumberIssue::OutOfRange));
        assert_eq!(check("1E+999999999"), Err(NumberIssue::OutOfRange));
        assert_eq!(
            check("1E+99999999999999999999999"),
            Err(NumberIssue::OutOfRange)
        );
        assert_eq!(check("-1E-999999999"), Err(NumberIssue::OutOfRange));
        assert_eq!(
            check(
                "1.2345678901234567890123456789012345678 9"
                    .replace(' ', "")
                    .as_str()
            ),
            Err(NumberIssue::TooPrecise)
        );
        // The 38 digits of the closest double to 0.1 are a number DynamoDB holds.
        assert_eq!(
            check("0.10000000000000000555111512312578270212"),
            shape(38, -1)
        );
    }
}
