//! Mistakes the generated types reject at compile time, each with a message for the user; and
//! the valid forms, which compile.

#[test]
fn misuse_does_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
