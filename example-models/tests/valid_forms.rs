//! The valid forms of everything the compile-fail cases in `tests/ui` reject. They are plain
//! code of this test binary, so they compile with the workspace's build rather than in the
//! compile-fail suite's own copy of every dependency; running them builds requests without
//! sending any.

#[path = "valid/computed_keys.rs"]
mod computed_keys;
#[path = "valid/range_between_and_filters.rs"]
mod range_between_and_filters;
#[path = "valid/schema_facts.rs"]
mod schema_facts;
#[path = "valid/several_attributes.rs"]
mod several_attributes;
#[path = "valid/valid_queries.rs"]
mod valid_queries;
#[path = "valid/valid_updates.rs"]
mod valid_updates;

#[test]
fn valid_forms_compile() {
    computed_keys::compiles();
    range_between_and_filters::compiles();
    schema_facts::compiles();
    several_attributes::compiles();
    valid_queries::compiles();
    valid_updates::compiles();
}
