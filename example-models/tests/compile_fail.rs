//! Mistakes the generated types reject at compile time, each with a message for the user. Their
//! valid forms are in `valid_forms.rs`.
//!
//! The suite builds its own copy of this crate's dependencies (the runtime and serde, checked
//! but not compiled to machine code), which is why this crate holds nothing else.

#[test]
fn misuse_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
