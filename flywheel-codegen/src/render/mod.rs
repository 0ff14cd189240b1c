//! The IR to Rust text, through the askama templates: one file per table and `mod.rs`. The
//! options travel with the IR in the templates' context; `rust.rs` spells what they print.

pub(crate) mod rust;

use askama::Template;

use crate::ir::{Ir, TableIr};
use crate::options::Options;
use rust::Rust;

#[derive(Template)]
#[template(path = "table.rs", escape = "none")]
struct TableTemplate<'a> {
    t: &'a TableIr,
    rs: Rust<'a>,
    /// The runtime, as the file names it: the alias its `use` line gives the runtime path.
    rt: &'a str,
    runtime_path: &'a str,
    serde: bool,
    /// The path from a table's `attr` and `index` modules to the module of `mod.rs` that holds
    /// the generic markers (`super::super::markers`).
    markers: &'a str,
}

/// What a table's file calls the runtime: a `use` of the runtime path at its top gives it this
/// name, so that every item can name the runtime briefly. Generated type names are
/// UpperCamelCase, so no generated item takes the name.
const RUNTIME_ALIAS: &str = "rt";

#[derive(Template)]
#[template(path = "shared.rs", escape = "none")]
struct SharedTemplate<'a> {
    t: &'a TableIr,
    rs: Rust<'a>,
    rt: &'a str,
    runtime_path: &'a str,
}

#[derive(Template)]
#[template(path = "mod.rs", escape = "none")]
struct ModTemplate<'a> {
    tables: &'a [TableIr],
    ir: &'a Ir,
    include: bool,
    rs: Rust<'a>,
    rt: &'a str,
}

/// The unformatted text of one table's module.
pub(crate) fn table(
    t: &TableIr,
    markers: &str,
    options: &Options,
) -> Result<String, askama::Error> {
    if t.is_shared() {
        return SharedTemplate {
            t,
            rs: Rust::new(RUNTIME_ALIAS),
            rt: RUNTIME_ALIAS,
            runtime_path: &options.runtime_path,
        }
        .render();
    }
    // Out of `attr`, out of the table's module, out of each folder's module.
    let markers = format!("{}{markers}", "super::".repeat(2 + t.folders.len()));
    TableTemplate {
        t,
        rs: Rust::new(RUNTIME_ALIAS),
        rt: RUNTIME_ALIAS,
        runtime_path: &options.runtime_path,
        serde: options.serde,
        markers: &markers,
    }
    .render()
}

/// The unformatted text of `mod.rs`; `include` writes inline modules that `include!` their
/// files (build-script mode) instead of `mod name;` declarations.
pub(crate) fn module_tree(
    ir: &Ir,
    include: bool,
    options: &Options,
) -> Result<String, askama::Error> {
    ModTemplate {
        tables: &ir.tables,
        ir,
        include,
        rs: Rust::new(&options.runtime_path),
        rt: &options.runtime_path,
    }
    .render()
}
