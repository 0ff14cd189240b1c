//! Checked tables to the IR the templates print.

use crate::checked::{
    Billing, CheckedTable, Enum, Field, Index, IndexKind, Key, Presence, Projection, Throughput,
};
use crate::ir::{
    DocTypeIr, EnumIr, FieldIr, IndexIr, Ir, ParamIr, ProjectionIr, TableIr, VariantIr, doc_lines,
};
use crate::naming;
use crate::render::rust::{Rust, default_fn, lit};
use crate::ty::{Scalar, Ty};

const RT: &str = "::flywheel_runtime";

/// The IR of every checked table, in input order.
pub(crate) fn lower(tables: &[CheckedTable]) -> Ir {
    Ir {
        tables: tables.iter().map(table).collect(),
    }
}

fn table(t: &CheckedTable) -> TableIr {
    let rs = Rust::new(RT);
    let model = &t.model.value;
    let table_name = &t.table_name.value;
    let fields = &t.fields;
    let hash = t.hash.field;
    let range = t.range.map(|r| r.field);
    let key_fields: Vec<&Field> = std::iter::once(hash)
        .chain(range)
        .map(|i| &fields[i])
        .collect();
    let key_derives = if key_fields.iter().all(|f| f.ty.is_eq()) {
        "Debug, Clone, PartialEq, Eq, Hash"
    } else {
        "Debug, Clone, PartialEq"
    }
    .to_owned();
    let key_field_irs: Vec<FieldIr> = key_fields
        .iter()
        .zip(["hash key", "range key"])
        .map(|(f, role)| field_ir(&rs, f, true, role))
        .collect();
    let mut params: Vec<ParamIr> = key_fields.iter().map(|f| param(&rs, f)).collect();
    params.extend(
        fields
            .iter()
            .enumerate()
            .filter(|(i, f)| *i != hash && Some(*i) != range && f.presence == Presence::Required)
            .map(|(_, f)| param(&rs, f)),
    );
    let mut field_irs: Vec<FieldIr> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let role = if i == hash {
                "hash key"
            } else if Some(i) == range {
                "range key"
            } else if t.ttl == Some(i) {
                "time to live"
            } else if t.version == Some(i) {
                "version"
            } else {
                ""
            };
            field_ir(&rs, f, i == hash || Some(i) == range, role)
        })
        .collect();
    if let Some(version) = t.version {
        // flywheel writes the version itself; an update may neither set nor remove it.
        field_irs[version].updatable = false;
        field_irs[version].removable = false;
    }

    let mut doc = match &t.doc {
        Some(d) => doc_lines(d),
        None => doc_lines(&format!("An item of the DynamoDB table `{table_name}`.")),
    };
    doc.push(lit(""));
    let mut summary = format!(
        "Table `{table_name}`: hash key `{}`",
        fields[hash].attr.value
    );
    if let Some(r) = range {
        summary.push_str(&format!(", range key `{}`", fields[r].attr.value));
    }
    summary.push('.');
    doc.extend(doc_lines(&summary));
    let module_doc = doc_lines(&format!(
        "The `{model}` model of table `{table_name}`, generated from `{}`.",
        t.source
    ));

    let index_irs = index_irs(&rs, model, fields, t.hash, t.range, &t.indexes);
    let schema = schema_literal(t);
    let types = t
        .types
        .iter()
        .map(|n| doc_type_ir(&rs, &n.name.value, &n.fields, n.doc.as_deref()))
        .collect();
    let new_many_args = params.len() > 7;
    let writes_defaults = field_irs.iter().any(|f| f.default_put.is_some());
    TableIr {
        source: t.source.clone(),
        file_name: format!("{}.rs", t.file_stem),
        key_doc: lit(&format!(" The primary key of [`{model}`].")),
        key_params: key_fields.iter().map(|f| param(&rs, f)).collect(),
        module: t.module.clone(),
        model: model.clone(),
        key: format!("{model}Key"),
        doc,
        module_doc,
        fields: field_irs,
        key_fields: key_field_irs,
        key_derives,
        new_params: params,
        new_many_args,
        writes_defaults,
        schema,
        types,
        indexes: index_irs,
        serde: false,
        attr_module_doc: lit(&format!(
            " Marker types of the attributes of `{model}`, used in the types of its attribute handles."
        )),
        index_module_doc: lit(&format!(
            " Marker types of the ways to query `{model}`: its table and each index."
        )),
        enums: t.enums.iter().map(enum_ir).collect(),
    }
}

fn enum_ir(e: &Enum) -> EnumIr {
    EnumIr {
        name: e.name.clone(),
        name_lit: lit(&e.name),
        doc: match &e.doc {
            Some(d) => doc_lines(d),
            None => doc_lines(&format!("The values of the enum `{}`.", e.name)),
        },
        variants: e
            .variants
            .iter()
            .map(|v| {
                let mut doc = match &v.doc {
                    Some(d) => {
                        let mut lines = doc_lines(d);
                        lines.push(lit(""));
                        lines
                    }
                    None => Vec::new(),
                };
                doc.extend(doc_lines(&format!(
                    "Stored as `{}`.",
                    v.value.replace('`', "'")
                )));
                VariantIr {
                    rust: v.rust.clone(),
                    value_lit: lit(&v.value),
                    doc,
                }
            })
            .collect(),
    }
}

fn describe_type(f: &Field) -> String {
    f.ty_text.split_whitespace().collect::<Vec<_>>().join("")
}

fn field_ir(rs: &Rust<'_>, f: &Field, is_key: bool, role: &str) -> FieldIr {
    let codec = rs.codec(&f.ty);
    let attr = lit(&f.attr.value);
    let mut doc = match &f.doc {
        Some(d) => {
            let mut lines = doc_lines(d);
            lines.push(lit(""));
            lines
        }
        None => Vec::new(),
    };
    let role = if role.is_empty() {
        String::new()
    } else {
        format!(", {role}")
    };
    doc.extend(doc_lines(&format!(
        "Attribute `{}`: `{}`{role}.",
        f.attr.value.replace('`', "'"),
        describe_type(f)
    )));
    let inner = rs.ty(&f.ty);
    let (rust_type, encode, decode, init) = match &f.presence {
        Presence::Optional => (
            format!("::core::option::Option<{inner}>"),
            format!(
                "{RT}::codec::put_opt::<{codec}>(&mut item, {attr}, self.{}.as_ref())?;",
                f.rust
            ),
            format!("{RT}::codec::take_opt::<{codec}>(&mut item, {attr})?"),
            "::core::option::Option::None".to_owned(),
        ),
        Presence::Required => (
            inner,
            format!(
                "{RT}::codec::put::<{codec}>(&mut item, {attr}, &self.{})?;",
                f.rust
            ),
            if is_key {
                format!("{RT}::codec::take_key::<{codec}>(&item, {attr})?")
            } else {
                format!("{RT}::codec::take::<{codec}>(&mut item, {attr})?")
            },
            format!("{}.into()", f.rust),
        ),
        Presence::Default(value) => {
            let expr = rs.default_value(value, &f.ty);
            (
                inner,
                format!(
                    "{RT}::codec::put::<{codec}>(&mut item, {attr}, &self.{})?;",
                    f.rust
                ),
                format!(
                    "{RT}::codec::take_or::<{codec}>(&mut item, {attr}, {})?",
                    default_fn(&expr)
                ),
                expr,
            )
        }
    };
    // Sets default to empty, which stores nothing.
    let default_put = match &f.presence {
        Presence::Default(value) if !f.ty.is_set() => Some(format!(
            "{RT}::codec::put::<{codec}>(item, {attr}, &{})?;",
            rs.default_value(value, &f.ty)
        )),
        _ => None,
    };
    let base = f.rust.trim_start_matches("r#");
    let may_be_absent = f.presence == Presence::Optional || f.ty.is_set();
    FieldIr {
        is_key,
        rust: f.rust.clone(),
        doc,
        rust_type,
        encode,
        decode,
        init,
        default_put,
        handle: naming::constant_name(base),
        marker: naming::marker_name(base),
        codec,
        attr_lit: attr,
        marker_doc: lit(&format!(
            " Marks attribute `{}` in the types of handles and conditions.",
            f.attr.value.replace('`', "'")
        )),
        updatable: !is_key,
        removable: !is_key && may_be_absent,
        presence: format!(
            "{RT}::filter::{}",
            if may_be_absent {
                "Optional"
            } else {
                "Required"
            }
        ),
        handle_doc: lit(&format!(
            " Handle on attribute `{}`, for conditions, filters and updates.",
            f.attr.value.replace('`', "'")
        )),
    }
}

/// The query entry points: the table, then each index in schema order.
fn index_irs(
    rs: &Rust<'_>,
    model: &str,
    fields: &[Field],
    hash: Key,
    range: Option<Key>,
    indexes: &[Index],
) -> Vec<IndexIr> {
    let (hash, range) = (hash.field, range.map(|r| r.field));
    let mut out = Vec::new();
    let entries = std::iter::once((None, hash, range, &Projection::All, false)).chain(
        indexes.iter().map(|i| {
            (
                Some(i.name.as_str()),
                i.hash.field,
                i.range.map(|r| r.field),
                &i.projection,
                i.kind == IndexKind::Global,
            )
        }),
    );
    for (name, index_hash, index_range, projection, global) in entries {
        let marker = name.map_or_else(|| "Table".to_owned(), naming::marker_name);
        let method = name.map_or_else(|| "query".to_owned(), naming::query_method);
        let hash_field = &fields[index_hash];
        let range_field = index_range.map(|r| &fields[r]);
        let what = match name {
            Some(n) => format!(
                "the {} index `{n}`",
                if global { "global" } else { "local" }
            ),
            None => "the table's primary key".to_owned(),
        };
        let mut doc = doc_lines(&format!(
            "Queries {what}: the items whose hash key `{}` equals the argument{}.",
            hash_field.attr.value,
            match range_field {
                Some(r) => format!(", in order of range key `{}`", r.attr.value),
                None => String::new(),
            }
        ));
        let projection_ir = match projection {
            Projection::All => None,
            Projection::KeysOnly | Projection::Include(_) => {
                let included: Vec<&str> = match projection {
                    Projection::Include(names) => names.iter().map(String::as_str).collect(),
                    _ => Vec::new(),
                };
                let keys = [Some(hash), range, Some(index_hash), index_range];
                let projected: Vec<FieldIr> = fields
                    .iter()
                    .enumerate()
                    .filter(|(i, f)| {
                        keys.contains(&Some(*i)) || included.contains(&f.attr.value.as_str())
                    })
                    .map(|(i, f)| {
                        let is_table_key = i == hash || Some(i) == range;
                        // Index keys are present in every item of the index.
                        let mut f_ir = field_ir(rs, f, is_table_key, "");
                        if keys.contains(&Some(i)) && !is_table_key {
                            f_ir = field_ir(
                                rs,
                                &Field {
                                    presence: Presence::Required,
                                    ..f.clone()
                                },
                                false,
                                "",
                            );
                        }
                        f_ir
                    })
                    .collect();
                let struct_name = naming::projection_item(model, &marker);
                doc.push(lit(""));
                doc.extend(doc_lines(&format!(
                    "The index holds only some attributes, so the query returns [`{struct_name}`]; `fetch_full` reads the whole items."
                )));
                Some(ProjectionIr {
                    doc: doc_lines(&format!(
                        "An item of {what} of [`{model}`]: only the attributes the index holds ({}).",
                        projected_names(fields, &projected)
                    )),
                    name: struct_name,
                    fields: projected,
                })
            }
        };
        let key_positions = [Some(index_hash), index_range];
        out.push(IndexIr {
            doc,
            method,
            name_opt: option(name.map(lit)),
            hash_param: hash_field.rust.clone(),
            hash_codec: rs.codec(&hash_field.ty),
            hash_lit: lit(&hash_field.attr.value),
            range_codec: range_field.map_or_else(|| format!("{RT}::index::NoRangeKey"), |r| rs.codec(&r.ty)),
            range_opt: option(range_field.map(|r| lit(&r.attr.value))),
            has_range: range_field.is_some(),
            prefix_range: range_field.is_some_and(|r| matches!(r.ty, Ty::Str | Ty::Bytes)),
            consistent: !global,
            item: projection_ir.as_ref().map_or_else(|| model.to_owned(), |p| p.name.clone()),
            // Filters may read what the index holds, except its own keys. A local index reads
            // unprojected attributes from the table; a global one cannot.
            not_keys: fields
                .iter()
                .enumerate()
                .filter(|(i, _)| !key_positions.contains(&Some(*i)))
                .filter(|(i, f)| {
                    !global
                        || matches!(projection, Projection::All)
                        || *i == hash
                        || Some(*i) == range
                        || matches!(projection, Projection::Include(names) if names.contains(&f.attr.value))
                })
                .map(|(_, f)| naming::marker_name(f.rust.trim_start_matches("r#")))
                .collect(),
            projection: projection_ir,
            marker,
        });
    }
    out
}

fn projected_names(fields: &[Field], projected: &[FieldIr]) -> String {
    fields
        .iter()
        .filter(|f| projected.iter().any(|p| p.rust == f.rust))
        .map(|f| format!("`{}`", f.attr.value.replace('`', "'")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn param(rs: &Rust<'_>, f: &Field) -> ParamIr {
    ParamIr {
        rust: f.rust.clone(),
        rust_type: format!("impl ::core::convert::Into<{}>", rs.ty(&f.ty)),
    }
}

fn doc_type_ir(rs: &Rust<'_>, name: &str, fields: &[Field], doc: Option<&str>) -> DocTypeIr {
    let params: Vec<ParamIr> = fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .map(|f| param(rs, f))
        .collect();
    let derives = if fields.iter().all(|f| f.ty.is_eq()) {
        "Debug, Clone, PartialEq, Eq, Hash"
    } else {
        "Debug, Clone, PartialEq"
    };
    let field_irs: Vec<FieldIr> = fields.iter().map(|f| field_ir(rs, f, false, "")).collect();
    DocTypeIr {
        name: name.to_owned(),
        name_lit: lit(name),
        writes_defaults: field_irs.iter().any(|f| f.default_put.is_some()),
        doc: match doc {
            Some(d) => doc_lines(d),
            None => doc_lines(&format!(
                "The nested document type `{name}`, stored as a map."
            )),
        },
        fields: field_irs,
        derives: derives.to_owned(),
        new_many_args: params.len() > 7,
        has_default: params.is_empty(),
        new_params: params,
    }
}

fn key_attribute(name: &str, scalar: Scalar) -> String {
    let scalar = match scalar {
        Scalar::S => "S",
        Scalar::N => "N",
        Scalar::B => "B",
    };
    format!(
        "{RT}::schema::KeyAttribute {{ name: {}, scalar: {RT}::schema::ScalarType::{scalar} }}",
        lit(name)
    )
}

fn option(value: Option<String>) -> String {
    match value {
        Some(v) => format!("::core::option::Option::Some({v})"),
        None => "::core::option::Option::None".to_owned(),
    }
}

fn throughput(t: Throughput) -> String {
    format!(
        "{RT}::schema::Throughput {{ read: {}, write: {} }}",
        t.read, t.write
    )
}

fn schema_literal(t: &CheckedTable) -> String {
    let fields = &t.fields;
    let key = |k: Key| key_attribute(&fields[k.field].attr.value, k.scalar);
    let indexes: Vec<String> = t
        .indexes
        .iter()
        .map(|i| {
            let projection = match &i.projection {
                Projection::All => format!("{RT}::schema::Projection::All"),
                Projection::KeysOnly => format!("{RT}::schema::Projection::KeysOnly"),
                Projection::Include(names) => format!(
                    "{RT}::schema::Projection::Include(&[{}])",
                    names.iter().map(|n| lit(n)).collect::<Vec<_>>().join(", ")
                ),
            };
            format!(
                "{RT}::schema::IndexSchema {{ name: {}, kind: {RT}::schema::IndexKind::{}, hash_key: {}, range_key: {}, projection: {projection}, throughput: {} }}",
                lit(&i.name),
                if i.kind == IndexKind::Local { "Local" } else { "Global" },
                key(i.hash),
                option(i.range.map(key)),
                option(i.throughput.map(throughput)),
            )
        })
        .collect();
    let billing = match t.billing {
        Billing::Provisioned(tp) => {
            format!("{RT}::schema::Billing::Provisioned({})", throughput(tp))
        }
        Billing::OnDemand => format!("{RT}::schema::Billing::OnDemand"),
    };
    format!(
        "{RT}::schema::TableSchema {{ name: {}, model: {}, hash_key: {}, range_key: {}, indexes: &[{}], billing: {billing}, ttl: {}, version: {}, attributes: &[{}] }}",
        lit(&t.table_name.value),
        lit(&t.model.value),
        key(t.hash),
        option(t.range.map(key)),
        indexes.join(", "),
        option(t.ttl.map(|i| lit(&fields[i].attr.value))),
        option(t.version.map(|i| lit(&fields[i].attr.value))),
        fields
            .iter()
            .map(|f| lit(&f.attr.value))
            .collect::<Vec<_>>()
            .join(", "),
    )
}
