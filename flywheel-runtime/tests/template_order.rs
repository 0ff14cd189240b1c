//! Key templates sort like their parts: for random values, the byte order of two formatted
//! keys (DynamoDB's order for strings) equals the order of their parts compared as a tuple,
//! and two keys are equal only when their parts are (no key is ambiguous).

use std::cmp::Ordering;

use flywheel_runtime::Decimal;
use flywheel_runtime::chrono::{DateTime, NaiveDate, Utc};
use flywheel_runtime::template::{Part, PartSpec, Piece, Template};
use proptest::prelude::*;

/// `E#{a}{separator}{b}`: `a` is followed by the separator (its stop), `b` ends the template.
fn template(separator: &'static str) -> Template {
    let pieces: &'static [Piece] = Box::leak(
        vec![
            Piece::Text("E#"),
            Piece::Part(PartSpec::new("a")),
            Piece::Text(separator),
            Piece::Part(PartSpec::new("b")),
        ]
        .into_boxed_slice(),
    );
    Template {
        attribute: "SK",
        pieces,
    }
}

fn key(template: &Template, a: &dyn Part, b: &dyn Part) -> String {
    template
        .format(&[a, b])
        .expect("every generated value fits")
}

/// Asserts that the keys of `(a1, b1)` and `(a2, b2)` compare as the tuples do.
fn same_order<A: Part, B: Part>(
    separator: &'static str,
    (a1, b1): (&A, &B),
    (a2, b2): (&A, &B),
    expected: Ordering,
) -> Result<(), TestCaseError> {
    let template = template(separator);
    let k1 = key(&template, a1, b1);
    let k2 = key(&template, a2, b2);
    prop_assert_eq!(
        k1.as_bytes().cmp(k2.as_bytes()),
        expected,
        "keys {:?} and {:?}",
        k1,
        k2
    );
    Ok(())
}

/// Any datetime chrono holds within the years a template can write.
fn datetime() -> impl Strategy<Value = DateTime<Utc>> {
    // 0000-01-01 to 9999-12-31, with nanoseconds.
    (-62_167_219_200i64..253_402_300_799, 0u32..1_000_000_000)
        .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
}

fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<i64>(), -30i64..30).prop_map(|(m, scale)| Decimal::new(m.into(), scale)),
        // Close values, where only late digits differ.
        (-1000i64..1000, 0i64..4).prop_map(|(m, scale)| Decimal::new(m.into(), scale)),
    ]
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("#"),
        Just("#ITEM#"),
        Just(" "),
        Just("-"),
        Just("."),
        Just("/")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(2000)
    })]

    #[test]
    fn strings_sort_as_text(
        sep in separator(),
        a1 in any::<String>(), b1 in any::<String>(),
        a2 in any::<String>(), b2 in any::<String>(),
    ) {
        // Rust compares strings byte by byte, as DynamoDB does.
        let expected = (&a1, &b1).cmp(&(&a2, &b2));
        same_order(sep, (&a1, &b1), (&a2, &b2), expected)?;
    }

    #[test]
    fn strings_with_shared_beginnings(
        sep in separator(),
        stem in "[a-c#$ ]{0,3}",
        t1 in "[\\x00-\\x30a#$]{0,3}", t2 in "[\\x00-\\x30a#$]{0,3}",
        b1 in "[a#$]{0,2}", b2 in "[a#$]{0,2}",
    ) {
        // Random unicode rarely shares a beginning; these differ just after one, in the
        // characters that sort around the separators and their escapes.
        let (a1, a2) = (format!("{stem}{t1}"), format!("{stem}{t2}"));
        let expected = (&a1, &b1).cmp(&(&a2, &b2));
        same_order(sep, (&a1, &b1), (&a2, &b2), expected)?;
    }

    #[test]
    fn integers_sort_as_numbers(
        a1 in any::<i64>(), b1 in any::<i32>(), a2 in any::<i64>(), b2 in any::<i32>(),
    ) {
        same_order("#", (&a1, &b1), (&a2, &b2), (a1, b1).cmp(&(a2, b2)))?;
        let (u1, u2) = (a1 as u64, a2 as u64);
        same_order("", (&u1, &(b1 as u32)), (&u2, &(b2 as u32)), (u1, b1 as u32).cmp(&(u2, b2 as u32)))?;
    }

    #[test]
    fn small_integers_sort_as_numbers(a1 in -3i64..3, a2 in -3i64..3, b1 in any::<String>(), b2 in any::<String>()) {
        same_order("#", (&a1, &b1), (&a2, &b2), (a1, &b1).cmp(&(a2, &b2)))?;
    }

    #[test]
    fn decimals_sort_as_numbers(sep in separator(), a1 in decimal(), a2 in decimal(), b1 in decimal(), b2 in decimal()) {
        let expected = (&a1, &b1).cmp(&(&a2, &b2));
        same_order(sep, (&a1, &b1), (&a2, &b2), expected)?;
    }

    #[test]
    fn decimals_that_extend_another(m in -99i64..99, scale in 0i64..3, digit in 0i64..9, b1 in decimal(), b2 in decimal()) {
        // One more digit after the same digits: -0.5 and -0.51, 0.5 and 0.51.
        let a1 = Decimal::new(m.into(), scale);
        let a2 = Decimal::new((m * 10 + m.signum() * digit).into(), scale + 1);
        let expected = (&a1, &b1).cmp(&(&a2, &b2));
        same_order("#", (&a1, &b1), (&a2, &b2), expected)?;
        same_order(".", (&a2, &b1), (&a1, &b2), (&a2, &b1).cmp(&(&a1, &b2)))?;
    }

    #[test]
    fn floats_sort_as_numbers(a1 in any::<f64>(), a2 in any::<f64>(), b1 in -2.0f64..2.0, b2 in -2.0f64..2.0) {
        prop_assume!(a1.is_finite() && a2.is_finite());
        let expected = (a1, b1).partial_cmp(&(a2, b2)).unwrap();
        same_order("#", (&a1, &b1), (&a2, &b2), expected)?;
    }

    #[test]
    fn datetimes_sort_in_time(a1 in datetime(), a2 in datetime(), b1 in any::<String>(), b2 in any::<String>()) {
        let expected = (a1, &b1).cmp(&(a2, &b2));
        same_order("#", (&a1, &b1), (&a2, &b2), expected)?;
        // Fixed width: nothing needs to follow.
        same_order("", (&a1, &b1), (&a2, &b2), expected)?;
    }

    #[test]
    fn datetimes_are_written_as_their_rfc3339_text(at in datetime()) {
        const AT: Template = Template {
            attribute: "SK",
            pieces: &[Piece::Part(PartSpec::new("at"))],
        };
        let template = AT;
        let written = template.format(&[&at]).unwrap();
        prop_assert_eq!(written, at.to_rfc3339_opts(flywheel_runtime::chrono::SecondsFormat::Nanos, true));
    }

    #[test]
    fn dates_uuids_and_booleans(
        d1 in -719_528i64..2_932_896, d2 in -719_528i64..2_932_896,
        u1 in any::<u128>(), u2 in any::<u128>(),
        f1 in any::<bool>(), f2 in any::<bool>(),
    ) {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let (d1, d2) = (epoch + chrono_days(d1), epoch + chrono_days(d2));
        let (u1, u2) = (flywheel_runtime::uuid::Uuid::from_u128(u1), flywheel_runtime::uuid::Uuid::from_u128(u2));
        same_order("", (&d1, &u1), (&d2, &u2), (d1, u1).cmp(&(d2, u2)))?;
        same_order("#", (&f1, &u1), (&f2, &u2), (f1, u1).cmp(&(f2, u2)))?;
    }
}

fn chrono_days(days: i64) -> flywheel_runtime::chrono::Duration {
    flywheel_runtime::chrono::Duration::days(days)
}

#[test]
fn text_that_looks_like_the_separator_makes_different_keys() {
    let template = template("#");
    let one = key(&template, &"x#y", &"z");
    let other = key(&template, &"x", &"y#z");
    assert_ne!(one, other);
    assert_eq!(one, "E#x$23y#z");
    assert_eq!(other, "E#x#y#z");
}
