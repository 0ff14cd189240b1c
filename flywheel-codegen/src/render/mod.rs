//! IR to Rust text through the askama templates.

pub(crate) mod rust;

use askama::Template;

use crate::ir::{Ir, TableIr};
use crate::render::rust::lit;

#[derive(Template)]
#[template(path = "table.rs", escape = "none")]
struct TableTemplate<'a> {
    t: &'a TableIr,
}

/// The per-table module in the template's view: the table plus what `mod.rs` needs.
struct ModEntry<'a> {
    module: &'a str,
    model: &'a str,
    key: &'a str,
    module_doc: &'a [String],
    file_name_lit: String,
}

#[derive(Template)]
#[template(path = "mod.rs", escape = "none")]
struct ModTemplate<'a> {
    tables: Vec<ModEntry<'a>>,
    include: bool,
}

/// The unformatted text of one table's module.
pub fn table(t: &TableIr) -> Result<String, askama::Error> {
    TableTemplate { t }.render()
}

/// The unformatted text of `mod.rs`; `include` writes inline modules that `include!` their
/// files (build-script mode) instead of `mod name;` declarations.
pub fn module_tree(ir: &Ir, include: bool) -> Result<String, askama::Error> {
    ModTemplate {
        tables: ir
            .tables
            .iter()
            .map(|t| ModEntry {
                module: &t.module,
                model: &t.model,
                key: &t.key,
                module_doc: &t.module_doc,
                file_name_lit: lit(&t.file_name),
            })
            .collect(),
        include,
    }
    .render()
}
