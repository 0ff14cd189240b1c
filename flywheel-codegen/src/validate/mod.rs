//! Every semantic rule of the schema language, collecting all errors of all files, and the
//! construction of the [`Ir`] from schemas that pass.

mod default;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Reporter, SourceFile, Span, did_you_mean};
use crate::ir::{
    DateFormat, DateTimeFormat, DocTypeIr, EnumIr, FieldIr, IndexIr, Ir, ParamIr, ProjectionIr,
    Scalar, TableIr, Ty, VariantIr, doc_lines, lit,
};
use crate::load::Input;
use crate::naming;
use crate::schema::types::{TypeExpr, parse_type};
use crate::schema::{
    RawBilling, RawEnum, RawField, RawIndex, RawProjection, RawSchema, RawTable, RawThroughput,
    RawType, Sp, parse_file,
};

use default::default_expr;

const PRIMITIVES: &[&str] = &[
    "string", "int", "i64", "i32", "u32", "u64", "float", "decimal", "bool", "bytes", "datetime",
    "date", "uuid", "json",
];
const GENERICS: &[&str] = &["list", "map", "set"];
const MAX_LOCAL_INDEXES: usize = 5;
const MAX_GLOBAL_INDEXES: usize = 20;
const MAX_PROJECTED_ATTRIBUTES: usize = 100;
const RT: &str = "::flywheel_runtime";

/// Validates every input and builds the IR, or returns every diagnostic found.
pub fn validate(inputs: &[Input]) -> Result<Ir, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut tables = Vec::new();
    let mut seen_models: HashMap<String, (Arc<SourceFile>, Span)> = HashMap::new();
    let mut seen_tables: HashMap<String, (Arc<SourceFile>, Span)> = HashMap::new();
    let mut seen_modules: HashMap<String, Arc<SourceFile>> = HashMap::new();
    for input in inputs {
        let Some(raw) = parse_file(&input.file, &mut diags) else {
            continue;
        };
        let mut v = FileValidator {
            report: Reporter::new(&input.file, &mut diags),
            invalid_attrs: BTreeSet::new(),
        };
        let Some(checked) = v.file(input, &raw) else {
            continue;
        };
        let mut cross = |seen: &mut HashMap<String, (Arc<SourceFile>, Span)>,
                         name: &str,
                         span: Span,
                         what: &str,
                         help: &str| {
            if let Some((other_file, other_span)) = seen.get(name) {
                let (line, col) = crate::diagnostic::line_col(&other_file.text, other_span.start);
                diags.push(
                    Diagnostic::error(
                        &input.file,
                        span,
                        format!("two schemas declare the {what} `{name}`"),
                        format!("{what} declared again here"),
                    )
                    .help(format!(
                        "it is also declared at {}:{line}:{col}; {help}",
                        other_file.path
                    )),
                );
            } else {
                seen.insert(name.to_owned(), (input.file.clone(), span));
            }
        };
        cross(
            &mut seen_models,
            &checked.ir.model,
            checked.model_span.clone(),
            "model",
            "give one of them another `model` name",
        );
        cross(
            &mut seen_tables,
            &checked.table_name,
            checked.table_name_span.clone(),
            "table",
            "give one of them another table `name`",
        );
        if let Some(other) = seen_modules.get(&checked.ir.module) {
            diags.push(
                Diagnostic::error(
                    &input.file,
                    0..0,
                    format!("two schema files map to the module `{}`", checked.ir.module),
                    "this file",
                )
                .help(format!(
                    "{} maps to the same module; rename one of the files",
                    other.path
                )),
            );
        } else {
            seen_modules.insert(checked.ir.module.clone(), input.file.clone());
        }
        tables.push(checked.ir);
    }
    if diags.is_empty() {
        Ok(Ir { tables })
    } else {
        Err(diags)
    }
}

struct Checked {
    ir: TableIr,
    model_span: Span,
    table_name: String,
    table_name_span: Span,
}

/// A field with its type resolved.
#[derive(Clone)]
struct Field {
    attr: Sp<String>,
    rust: String,
    rust_span: Span,
    ty: Ty,
    ty_text: String,
    ty_span: Span,
    doc: Option<String>,
    presence: Presence,
    default_span: Option<Span>,
    required_span: Option<Span>,
}

#[derive(Clone)]
enum Presence {
    Required,
    Optional,
    Default(String),
}

struct Scope {
    types: BTreeSet<String>,
    enums: BTreeMap<String, Vec<(String, String)>>,
}

struct FileValidator<'a> {
    report: Reporter<'a>,
    /// Attributes declared in `[fields]` with an error already reported: references to them
    /// are not reported again as undeclared.
    invalid_attrs: BTreeSet<String>,
}

/// `s` as the inside of a TOML basic string, for help lines that show TOML to write.
fn toml_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => "\\\"".to_owned(),
            '\\' => "\\\\".to_owned(),
            c if c.is_control() => format!("\\u{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

fn valid_table_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

impl FileValidator<'_> {
    fn file(&mut self, input: &Input, raw: &RawSchema) -> Option<Checked> {
        let errors_before = self.report.count();
        // A missing `[table]` was reported by the parser.
        let table = raw.table.clone().unwrap_or_default();

        // Model, key and module names.
        let (model, model_span) = match &table.model {
            Some(m) => {
                if !naming::is_type_name(&m.value) {
                    let help = match naming::type_name(&m.value) {
                        Some(s) if s != m.value => format!("a model name is a Rust type name in UpperCamelCase, such as `{s}`"),
                        _ => "a model name is a Rust type name in UpperCamelCase, such as `GameScore`".to_owned(),
                    };
                    self.report.error(
                        m.span.clone(),
                        format!("`{}` is not a valid Rust type name", m.value),
                        "invalid model name",
                        help,
                    );
                }
                (m.value.clone(), m.span.clone())
            }
            None => match naming::type_name(&input.stem) {
                Some(name) => (name, table.span.clone()),
                None => {
                    self.report.error(
                        table.span.clone(),
                        format!("the file name `{}` gives no valid model name", input.stem),
                        "no `model` here",
                        "set `model = \"MyModel\"` in `[table]`",
                    );
                    ("Invalid".to_owned(), table.span.clone())
                }
            },
        };
        let key_name = format!("{model}Key");
        let module = naming::snake(&input.stem);
        if !naming::is_ascii_ident(&module) {
            self.report.error(
                0..0,
                format!(
                    "the file name `{}` gives no valid Rust module name",
                    input.stem
                ),
                "this file",
                "rename the file to a snake_case name such as `game_score.toml`",
            );
        }
        let module = naming::escape(&module);

        // Table name.
        let (table_name, table_name_span) = match &table.name {
            Some(n) => (n.value.clone(), n.span.clone()),
            None => (model.clone(), model_span.clone()),
        };
        if !valid_table_name(&table_name) {
            self.report.error(
                table_name_span.clone(),
                format!("`{table_name}` is not a valid DynamoDB table name"),
                "invalid table name",
                "table names have 3 to 255 characters from a-z, A-Z, 0-9, `_`, `-` and `.`",
            );
        }

        // Type names: the model, its key, nested types and enums share one namespace.
        let mut type_names: HashMap<String, Span> = HashMap::new();
        type_names.insert(model.clone(), model_span.clone());
        let mut declare = |v: &mut Self, name: &Sp<String>, what: &str| {
            if !naming::is_type_name(&name.value) {
                let help = match naming::type_name(&name.value) {
                    Some(s) if s != name.value => {
                        format!("{what} names are Rust type names in UpperCamelCase, such as `{s}`")
                    }
                    _ => format!("{what} names are Rust type names in UpperCamelCase"),
                };
                v.report.error(
                    name.span.clone(),
                    format!("`{}` is not a valid Rust type name", name.value),
                    format!("invalid {what} name"),
                    help,
                );
            }
            if name.value == key_name {
                v.report.error(
                    name.span.clone(),
                    format!("`{}` is the name of the generated key type", name.value),
                    "taken by the model's key",
                    format!("rename the {what}"),
                );
            } else if let Some(other) = type_names.get(&name.value) {
                let d = Diagnostic::error(
                    v.report.file(),
                    name.span.clone(),
                    format!("the name `{}` is declared twice", name.value),
                    "declared again here",
                )
                .also(other.clone(), "first declared here")
                .help(format!("rename the {what}"));
                v.report.push(d);
            } else {
                type_names.insert(name.value.clone(), name.span.clone());
            }
        };
        for t in &raw.types {
            declare(self, &t.name, "type");
        }
        for e in &raw.enums {
            declare(self, &e.name, "enum");
        }

        let enums: Vec<EnumIr> = raw.enums.iter().map(|e| self.enumeration(e)).collect();
        let scope = Scope {
            types: raw.types.iter().map(|t| t.name.value.clone()).collect(),
            enums: raw
                .enums
                .iter()
                .zip(&enums)
                .map(|(raw, ir)| {
                    let pairs = raw
                        .values
                        .iter()
                        .zip(&ir.variants)
                        .map(|(v, variant)| (v.value.value.clone(), variant.rust.clone()))
                        .collect();
                    (raw.name.value.clone(), pairs)
                })
                .collect(),
        };

        // Nested types.
        let mut nested: Vec<(Sp<String>, Vec<Field>)> = Vec::new();
        for t in &raw.types {
            // A type without fields was reported by the parser.
            let fields = self.fields(&t.fields, &scope, None);
            nested.push((t.name.clone(), fields));
        }
        self.check_recursion(&nested);

        // Model fields.
        let ttl_attr = table.ttl.as_ref().map(|t| t.value.as_str());
        let mut fields = self.fields(&raw.fields, &scope, ttl_attr);
        self.invalid_attrs = raw
            .fields
            .iter()
            .map(|f| f.name.value.clone())
            .filter(|name| !fields.iter().any(|f| f.attr.value == *name))
            .collect();
        // A missing or empty `[fields]` was reported by the parser.

        // Keys.
        // A missing `hash_key` was reported by the parser.
        let hash = self.key_ref(&table.hash_key, &fields, "hash key");
        let range = self.key_ref(&table.range_key, &fields, "range key");
        if let (Some(h), Some(r)) = (hash, range)
            && h == r
        {
            let span = table
                .range_key
                .as_ref()
                .map(|r| r.span.clone())
                .unwrap_or_default();
            self.report.error(
                span,
                "the range key is the hash key",
                "same attribute as `hash_key`",
                "choose another attribute as the range key, or remove `range_key`",
            );
        }
        for (i, f) in fields.iter_mut().enumerate() {
            if Some(i) == hash || Some(i) == range {
                if let Some(span) = &f.default_span {
                    self.report.error(
                        span.clone(),
                        format!("key attribute `{}` cannot have a default", f.attr.value),
                        "default on a key",
                        "remove `default`: key values are always given explicitly",
                    );
                }
                if let Some(span) = &f.required_span {
                    let explicit_false = matches!(f.presence, Presence::Optional);
                    if explicit_false {
                        self.report.error(
                            span.clone(),
                            format!("key attribute `{}` cannot be optional", f.attr.value),
                            "keys are always required",
                            "remove `required = false`",
                        );
                    }
                }
                f.presence = Presence::Required;
            }
        }

        // Billing.
        let provisioned = match &table.billing {
            Some(Sp {
                value: RawBilling::Provisioned(t),
                ..
            }) => {
                self.check_throughput(t);
                true
            }
            _ => false,
        };

        // TTL and version.
        if let Some(ttl) = &table.ttl
            && let Some(i) = self.attr_ref(ttl, &fields, "`ttl`")
        {
            let f = &fields[i];
            let ok = matches!(f.ty, Ty::DateTime(_)) || f.ty.is_integer();
            if !ok {
                self.report.push(
                        Diagnostic::error(self.report.file(), ttl.span.clone(), format!("the time-to-live attribute `{}` has type `{}`", ttl.value, f.ty_text), "not a datetime or integer")
                            .also(f.ty_span.clone(), "declared here")
                            .help("DynamoDB expires items by a number of seconds: use a `datetime` or an integer field"),
                    );
            }
            if Some(i) == hash || Some(i) == range {
                self.report.error(
                    ttl.span.clone(),
                    "a key attribute cannot be the time to live",
                    "key attribute",
                    "use a separate `datetime` field for the expiry time",
                );
            }
        }
        if let Some(version) = &table.version
            && let Some(i) = self.attr_ref(version, &fields, "`version`")
        {
            let f = &fields[i];
            if !matches!(f.ty, Ty::I64) {
                self.report.push(
                    Diagnostic::error(
                        self.report.file(),
                        version.span.clone(),
                        format!(
                            "the version attribute `{}` has type `{}`",
                            version.value, f.ty_text
                        ),
                        "not `int`",
                    )
                    .also(f.ty_span.clone(), "declared here")
                    .help("a version attribute counts writes in an `i64`: declare it as `int`"),
                );
            }
            // One shape: `i64`, never optional, 0 for "not created yet" (an item stored without
            // the attribute reads as 0 too), so `Saved::version` can be assigned to it.
            match (&f.presence, &f.default_span, &f.required_span) {
                (Presence::Default(expr), Some(span), _) if expr != "0i64" => self.report.push(
                    Diagnostic::error(
                        self.report.file(),
                        span.clone(),
                        format!("the version attribute `{}` has a default other than 0", version.value),
                        "not 0",
                    )
                    .help("a version field starts at 0, which means \"not created yet\": drop the `default`"),
                ),
                (Presence::Required, _, Some(span)) => self.report.push(
                    Diagnostic::error(
                        self.report.file(),
                        span.clone(),
                        format!("the version attribute `{}` is marked `required`", version.value),
                        "not needed",
                    )
                    .help("a version field is never optional: it starts at 0 and an item stored without it reads as 0; drop `required`"),
                ),
                _ => {}
            }
            if matches!(f.presence, Presence::Optional) {
                fields[i].presence = Presence::Default("0i64".into());
            }
            if Some(i) == hash || Some(i) == range {
                self.report.error(
                    version.span.clone(),
                    "a key attribute cannot be the version",
                    "key attribute",
                    "use a separate `int` field for the version",
                );
            }
        }

        // Indexes.
        let indexes = self.indexes(
            &raw.indexes,
            &fields,
            hash,
            range,
            provisioned,
            raw.table.is_some(),
        );

        self.check_entry_names(&raw.indexes, &model, &type_names);

        if self.report.count() > errors_before {
            return None;
        }
        let (hash, range) = (hash?, range);

        // Build the IR.
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
            .map(|(f, role)| field_ir(f, true, role))
            .collect();
        let mut params: Vec<ParamIr> = key_fields.iter().map(|f| param(f)).collect();
        params.extend(
            fields
                .iter()
                .enumerate()
                .filter(|(i, f)| {
                    Some(*i) != Some(hash)
                        && Some(*i) != range
                        && matches!(f.presence, Presence::Required)
                })
                .map(|(_, f)| param(f)),
        );
        let field_irs: Vec<FieldIr> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let role = if i == hash {
                    "hash key"
                } else if Some(i) == range {
                    "range key"
                } else if table.ttl.as_ref().is_some_and(|t| t.value == f.attr.value) {
                    "time to live"
                } else if table
                    .version
                    .as_ref()
                    .is_some_and(|t| t.value == f.attr.value)
                {
                    "version"
                } else {
                    ""
                };
                field_ir(f, i == hash || Some(i) == range, role)
            })
            .collect();

        let mut field_irs = field_irs;
        if let Some(version) = &table.version {
            for (f, ir) in fields.iter().zip(field_irs.iter_mut()) {
                if f.attr.value == version.value {
                    // flywheel writes the version itself; an update may neither set nor remove it.
                    ir.updatable = false;
                    ir.removable = false;
                }
            }
        }

        let mut doc = match &table.doc {
            Some(d) => doc_lines(&d.value),
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
            input.source
        ));

        let index_irs = index_irs(&model, &fields, hash, range, &indexes);
        let schema = schema_literal(
            &table_name,
            &model,
            &fields,
            hash,
            range,
            &indexes,
            &table,
            provisioned,
        );
        let types = nested
            .iter()
            .zip(&raw.types)
            .map(|((name, fields), raw)| doc_type_ir(name, fields, raw))
            .collect();
        let new_many_args = params.len() > 7;
        let writes_defaults = field_irs.iter().any(|f| f.default_put.is_some());
        Some(Checked {
            ir: TableIr {
                source: input.source.clone(),
                file_name: format!("{}.rs", naming::snake(&input.stem)),
                key_doc: lit(&format!(" The primary key of [`{model}`].")),
                key_params: key_fields.iter().map(|f| param(f)).collect(),
                module,
                model: model.clone(),
                key: key_name,
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
                enums,
            },
            model_span,
            table_name,
            table_name_span,
        })
    }

    /// Index entry points and projection structs need distinct Rust names.
    fn check_entry_names(
        &mut self,
        indexes: &[RawIndex],
        model: &str,
        type_names: &HashMap<String, Span>,
    ) {
        let mut markers: HashMap<String, Span> = HashMap::new();
        let mut methods: HashMap<String, Span> = HashMap::new();
        for index in indexes {
            let name = &index.name;
            let marker = marker_name(&name.value);
            let method = format!("query_{}", naming::snake(&name.value));
            if !naming::is_ascii_ident(&marker) || !naming::is_ascii_ident(&method) {
                self.report.error(
                    name.span.clone(),
                    format!(
                        "the index name `{}` gives no Rust name for its query method",
                        name.value
                    ),
                    "no Rust name",
                    "use letters, digits and `_` in index names, such as `ByEmail`",
                );
                continue;
            }
            for (map, key, what) in [
                (&mut markers, marker.clone(), "marker type"),
                (&mut methods, method.clone(), "query method"),
            ] {
                if let Some(first) = map.get(&key) {
                    let d = Diagnostic::error(
                        self.report.file(),
                        name.span.clone(),
                        format!("two indexes map to the {what} `{key}`"),
                        "maps to the same Rust name",
                    )
                    .also(first.clone(), "this one too")
                    .help("rename one of the indexes");
                    self.report.push(d);
                } else {
                    map.insert(key, name.span.clone());
                }
            }
            if marker == "Table" {
                self.report.error(
                    name.span.clone(),
                    "an index cannot be named `Table`",
                    "reserved for the table's own key",
                    "rename the index",
                );
            }
            let projection = format!("{model}{marker}Item");
            if let Some(other) = type_names.get(&projection) {
                let d = Diagnostic::error(
                    self.report.file(),
                    other.clone(),
                    format!(
                        "`{projection}` is the name of the item type generated for index `{}`",
                        name.value
                    ),
                    "taken by a generated type",
                )
                .also(name.span.clone(), "the index")
                .help("rename the type or the index");
                self.report.push(d);
            }
        }
    }

    fn enumeration(&mut self, e: &RawEnum) -> EnumIr {
        let mut values: HashMap<&str, Span> = HashMap::new();
        let mut variants: HashMap<String, Span> = HashMap::new();
        let mut out = Vec::new();
        // An enum without values was reported by the parser.
        for v in &e.values {
            if v.value.value.is_empty() {
                self.report.error(v.value.span.clone(), "an enum value cannot be empty", "empty string", "DynamoDB cannot store an empty string in a key, and an enum may be one: give the value a name");
                continue;
            }
            if let Some(first) = values.get(v.value.value.as_str()) {
                let d = Diagnostic::error(
                    self.report.file(),
                    v.value.span.clone(),
                    format!("the value \"{}\" is listed twice", v.value.value),
                    "listed again here",
                )
                .also(first.clone(), "first listed here")
                .help("remove one of them");
                self.report.push(d);
                continue;
            }
            values.insert(&v.value.value, v.value.span.clone());
            let (rust, span) = match &v.rust_name {
                Some(r) => {
                    if !naming::is_type_name(&r.value) {
                        self.report.error(
                            r.span.clone(),
                            format!("`{}` is not a valid variant name", r.value),
                            "invalid Rust name",
                            "variant names are UpperCamelCase identifiers such as `First`",
                        );
                    }
                    (r.value.clone(), r.span.clone())
                }
                None => match naming::type_name(&v.value.value) {
                    Some(name) => (name, v.value.span.clone()),
                    None => {
                        self.report.error(
                            v.value.span.clone(),
                            format!(
                                "the value \"{}\" gives no valid Rust variant name",
                                v.value.value
                            ),
                            "no variant name",
                            format!(
                                "write `{{ value = \"{}\", rust_name = \"SomeName\" }}`",
                                toml_escape(&v.value.value)
                            ),
                        );
                        continue;
                    }
                },
            };
            if let Some(first) = variants.get(&rust) {
                let d = Diagnostic::error(
                    self.report.file(),
                    span.clone(),
                    format!(
                        "two values of `{}` map to the variant `{rust}`",
                        e.name.value
                    ),
                    "maps to the same variant",
                )
                .also(first.clone(), "this one too")
                .help(format!(
                    "write `{{ value = \"{}\", rust_name = \"OtherName\" }}` for one of them",
                    toml_escape(&v.value.value)
                ));
                self.report.push(d);
                continue;
            }
            variants.insert(rust.clone(), span);
            let mut doc = match &v.doc {
                Some(d) => {
                    let mut lines = doc_lines(&d.value);
                    lines.push(lit(""));
                    lines
                }
                None => Vec::new(),
            };
            doc.extend(doc_lines(&format!(
                "Stored as `{}`.",
                v.value.value.replace('`', "'")
            )));
            out.push(VariantIr {
                rust,
                value_lit: lit(&v.value.value),
                doc,
            });
        }
        EnumIr {
            name: e.name.value.clone(),
            name_lit: lit(&e.name.value),
            doc: match &e.doc {
                Some(d) => doc_lines(&d.value),
                None => doc_lines(&format!("The values of the enum `{}`.", e.name.value)),
            },
            variants: out,
        }
    }

    fn fields(&mut self, raw: &[RawField], scope: &Scope, ttl: Option<&str>) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut rust_names: HashMap<String, Span> = HashMap::new();
        for f in raw {
            let Some(field) = self.field(f, scope, ttl) else {
                continue;
            };
            if let Some(first) = rust_names.get(&field.rust) {
                let d = Diagnostic::error(
                    self.report.file(),
                    field.rust_span.clone(),
                    format!("two attributes map to the Rust field `{}`", field.rust),
                    "maps to the same Rust name",
                )
                .also(first.clone(), "this one too")
                .help("give one of them another `rust_name`");
                self.report.push(d);
                continue;
            }
            rust_names.insert(field.rust.clone(), field.rust_span.clone());
            out.push(field);
        }
        out
    }

    fn field(&mut self, f: &RawField, scope: &Scope, ttl: Option<&str>) -> Option<Field> {
        if f.name.value.is_empty() {
            self.report.error(
                f.name.span.clone(),
                "an attribute name cannot be empty",
                "empty name",
                "give the attribute a name",
            );
            return None;
        }
        let (rust, rust_span) = match &f.rust_name {
            Some(r) => {
                if !naming::is_ascii_ident(&r.value) {
                    self.report.error(
                        r.span.clone(),
                        format!("`{}` is not a valid Rust field name", r.value),
                        "invalid Rust name",
                        "field names are snake_case identifiers such as `display_name`",
                    );
                    return None;
                }
                (naming::escape(&r.value), r.span.clone())
            }
            None => match naming::field_name(&f.name.value) {
                Some(name) => (name, f.name.span.clone()),
                None => {
                    self.report.error(
                        f.name.span.clone(),
                        format!(
                            "the attribute name `{}` gives no valid Rust field name",
                            f.name.value
                        ),
                        "no Rust name",
                        "add `rust_name = \"some_name\"` to the field",
                    );
                    return None;
                }
            },
        };
        let ty_sp = f.ty.as_ref()?;
        let expr = match parse_type(&ty_sp.value, &ty_sp.span, &self.report.file().text) {
            Ok(e) => e,
            Err(e) => {
                self.report.error(
                    e.span,
                    format!("invalid type `{}`: {}", ty_sp.value, e.message),
                    "here",
                    "write a type such as `string`, `list<int>` or `map<Address>`",
                );
                return None;
            }
        };
        let is_ttl = ttl == Some(f.name.value.as_str());
        let mut format_used = false;
        let ty = self.resolve(&expr, scope, f.format.as_ref(), is_ttl, &mut format_used)?;
        if let Some(format) = &f.format
            && !format_used
        {
            self.report.push(
                Diagnostic::error(
                    self.report.file(),
                    format.span.clone(),
                    format!("`format` does not apply to the type `{}`", ty_sp.value),
                    "no format here",
                )
                .also(ty_sp.span.clone(), "this type has no storage format")
                .help("`format` chooses how a `datetime` or `date` is stored; remove it"),
            );
        }
        let required = f.required.as_ref().map(|r| r.value);
        let presence = match (&f.default, &ty) {
            (Some(d), Ty::Set(_)) if matches!(&d.value, crate::schema::Literal::Array(items) if !items.is_empty()) =>
            {
                self.report.error(
                    d.span.clone(),
                    "a set field cannot have a non-empty default",
                    "a set that is emptied would read back as this default",
                    "DynamoDB stores no empty set, so an empty set is stored as absent, and an absent \
                     attribute reads as the default; drop the default (sets start empty) or use a list",
                );
                return None;
            }
            (Some(d), _) => match default_expr(d, &ty, &ty_sp.value, &scope.enums) {
                Ok(expr) => Presence::Default(expr),
                Err(bad) => {
                    self.report
                        .error(bad.span, bad.message, bad.label, bad.help);
                    return None;
                }
            },
            (None, Ty::Set(_)) => Presence::Default("::std::collections::BTreeSet::new()".into()),
            (None, _) if required == Some(true) => Presence::Required,
            (None, _) => Presence::Optional,
        };
        Some(Field {
            attr: f.name.clone(),
            rust,
            rust_span,
            ty,
            ty_text: ty_sp.value.clone(),
            ty_span: ty_sp.span.clone(),
            doc: f.doc.as_ref().map(|d| d.value.clone()),
            presence,
            default_span: f.default.as_ref().map(|d| d.span.clone()),
            required_span: f.required.as_ref().map(|r| r.span.clone()),
        })
    }

    fn resolve(
        &mut self,
        e: &TypeExpr,
        scope: &Scope,
        format: Option<&Sp<String>>,
        is_ttl: bool,
        format_used: &mut bool,
    ) -> Option<Ty> {
        let name = e.name.as_str();
        if GENERICS.contains(&name) {
            let example = if name == "map" {
                "map<int>"
            } else {
                &format!("{name}<string>")
            };
            if e.args.is_empty() {
                self.report.error(
                    e.span.clone(),
                    format!("`{name}` needs the type of its elements"),
                    "missing `<...>`",
                    format!("write `{example}`"),
                );
                return None;
            }
            if e.args.len() > 1 {
                let help = if name == "map" {
                    "map keys are always strings: write only the value type, such as `map<int>`"
                        .to_owned()
                } else {
                    format!("`{name}` takes one type, such as `{example}`")
                };
                self.report.error(
                    e.args[1].span.clone(),
                    format!("`{name}` takes one type parameter"),
                    "extra type parameter",
                    help,
                );
                return None;
            }
            let inner = self.resolve(&e.args[0], scope, format, is_ttl, format_used)?;
            return match name {
                "list" => Some(Ty::List(Box::new(inner))),
                "map" => Some(Ty::Map(Box::new(inner))),
                _ => {
                    let ok = inner.scalar().is_some() && !matches!(inner, Ty::F64);
                    if !ok {
                        let help = if matches!(inner, Ty::F64) {
                            "floats cannot be compared exactly; use `set<decimal>`".to_owned()
                        } else {
                            "sets hold strings, numbers or binary data; use a `list` for other elements".to_owned()
                        };
                        self.report.error(
                            e.args[0].span.clone(),
                            format!("`{}` cannot be a set element", e.args[0].name),
                            "not a set element type",
                            help,
                        );
                        return None;
                    }
                    Some(Ty::Set(Box::new(inner)))
                }
            };
        }
        if !e.args.is_empty() {
            self.report.error(
                e.span.clone(),
                format!("`{name}` takes no type parameters"),
                "unexpected `<...>`",
                format!("write just `{name}`"),
            );
            return None;
        }
        let ty = match name {
            "string" => Ty::Str,
            "int" | "i64" => Ty::I64,
            "i32" => Ty::I32,
            "u32" => Ty::U32,
            "u64" => Ty::U64,
            "float" => Ty::F64,
            "decimal" => Ty::Decimal,
            "bool" => Ty::Bool,
            "bytes" => Ty::Bytes,
            "uuid" => Ty::Uuid,
            "json" => Ty::Json,
            "datetime" => {
                *format_used = format.is_some();
                let f = match format.map(|f| f.value.as_str()) {
                    None if is_ttl => DateTimeFormat::EpochSeconds,
                    None | Some("rfc3339") => DateTimeFormat::Rfc3339,
                    Some("epoch") => DateTimeFormat::Epoch,
                    Some("epoch_millis") => DateTimeFormat::EpochMillis,
                    Some(other) => {
                        let f = format.expect("matched Some");
                        let options = ["rfc3339", "epoch", "epoch_millis"];
                        let help = match did_you_mean(other, options) {
                            Some(m) => format!("did you mean `{m}`?"),
                            None => {
                                format!("a `datetime` is stored as one of: {}", options.join(", "))
                            }
                        };
                        self.report.error(
                            f.span.clone(),
                            format!("unknown datetime format `{other}`"),
                            "not a datetime format",
                            help,
                        );
                        return None;
                    }
                };
                if is_ttl && f != DateTimeFormat::EpochSeconds {
                    let span = format.map_or(e.span.clone(), |f| f.span.clone());
                    self.report.error(
                        span,
                        "the time-to-live attribute is always stored as whole epoch seconds",
                        "a format on the TTL field",
                        "remove `format`: DynamoDB reads expiry times only as epoch seconds",
                    );
                    return None;
                }
                Ty::DateTime(f)
            }
            "date" => {
                *format_used = format.is_some();
                match format.map(|f| f.value.as_str()) {
                    None | Some("iso") => Ty::Date(DateFormat::Iso),
                    Some("epoch") => Ty::Date(DateFormat::Epoch),
                    Some(other) => {
                        let f = format.expect("matched Some");
                        let options = ["iso", "epoch"];
                        let help = match did_you_mean(other, options) {
                            Some(m) => format!("did you mean `{m}`?"),
                            None => format!("a `date` is stored as one of: {}", options.join(", ")),
                        };
                        self.report.error(
                            f.span.clone(),
                            format!("unknown date format `{other}`"),
                            "not a date format",
                            help,
                        );
                        return None;
                    }
                }
            }
            _ if scope.types.contains(name) => Ty::Nested(name.to_owned()),
            _ if scope.enums.contains_key(name) => Ty::Enum(name.to_owned()),
            _ => {
                let candidates = PRIMITIVES
                    .iter()
                    .chain(GENERICS)
                    .copied()
                    .chain(scope.types.iter().map(String::as_str))
                    .chain(scope.enums.keys().map(String::as_str));
                let help = match did_you_mean(name, candidates) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => "use a built-in type (string, int, i32, u32, u64, float, decimal, bool, bytes, datetime, date, uuid, json, list<T>, map<T>, set<T>) or declare it in `[types.NAME]` or `[enums.NAME]`".to_owned(),
                };
                self.report.error(
                    e.name_span.clone(),
                    format!("unknown type `{name}`"),
                    "not a known type",
                    help,
                );
                return None;
            }
        };
        Some(ty)
    }

    /// A nested type that holds itself other than through a list or map has infinite size.
    fn check_recursion(&mut self, types: &[(Sp<String>, Vec<Field>)]) {
        let direct: HashMap<&str, Vec<(&str, &Field)>> = types
            .iter()
            .map(|(name, fields)| {
                let edges = fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        Ty::Nested(target) => Some((target.as_str(), f)),
                        _ => None,
                    })
                    .collect();
                (name.value.as_str(), edges)
            })
            .collect();
        // The fields of every cycle reported: one error per cycle, not one per type on it.
        let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
        for (start, _) in types {
            // Depth-first search for a path of direct fields back to `start`.
            let mut stack: Vec<(&str, Vec<&Field>)> = vec![(start.value.as_str(), Vec::new())];
            let mut visited = BTreeSet::new();
            while let Some((node, path)) = stack.pop() {
                for (target, field) in direct.get(node).into_iter().flatten() {
                    let mut path = path.clone();
                    path.push(field);
                    if *target == start.value {
                        let mut cycle: Vec<usize> = path.iter().map(|f| f.ty_span.start).collect();
                        cycle.sort_unstable();
                        if !reported.insert(cycle) {
                            stack.clear();
                            break;
                        }
                        let first = path[0];
                        let via: Vec<&str> = path.iter().map(|f| f.attr.value.as_str()).collect();
                        self.report.error(
                            first.ty_span.clone(),
                            format!("the type `{}` contains itself (through `{}`), so it cannot be represented", start.value, via.join(".")),
                            "recursive without indirection",
                            format!("hold it in a list or map instead, such as `list<{}>`", start.value),
                        );
                        stack.clear();
                        break;
                    }
                    if visited.insert(*target) {
                        stack.push((target, path));
                    }
                }
            }
        }
    }

    fn attr_ref(&mut self, name: &Sp<String>, fields: &[Field], what: &str) -> Option<usize> {
        match fields.iter().position(|f| f.attr.value == name.value) {
            Some(i) => Some(i),
            None if self.invalid_attrs.contains(&name.value) => None,
            None => {
                let help =
                    match did_you_mean(&name.value, fields.iter().map(|f| f.attr.value.as_str())) {
                        Some(m) => format!("did you mean `{m}`?"),
                        None => format!("declare `{}` in `[fields]`", name.value),
                    };
                self.report.error(
                    name.span.clone(),
                    format!(
                        "{what} names `{}`, which is not a declared field",
                        name.value
                    ),
                    "unknown attribute",
                    help,
                );
                None
            }
        }
    }

    fn key_ref(
        &mut self,
        name: &Option<Sp<String>>,
        fields: &[Field],
        what: &str,
    ) -> Option<usize> {
        let name = name.as_ref()?;
        let i = self.attr_ref(name, fields, &format!("the {what}"))?;
        self.check_key_type(name, &fields[i], what)?;
        Some(i)
    }

    fn check_key_type(&mut self, name: &Sp<String>, f: &Field, what: &str) -> Option<()> {
        if f.ty.scalar().is_some() {
            return Some(());
        }
        let d = Diagnostic::error(self.report.file(), name.span.clone(), format!("the {what} `{}` has type `{}`, which DynamoDB cannot use as a key", name.value, f.ty_text), "not a scalar type")
            .also(f.ty_span.clone(), "declared here")
            .help("key attributes are stored as a string, number or binary: use string, an integer type, float, decimal, bytes, datetime, date, uuid or an enum");
        self.report.push(d);
        None
    }

    fn check_throughput(&mut self, t: &RawThroughput) {
        for v in [&t.read, &t.write] {
            if v.value < 1 {
                self.report.error(
                    v.span.clone(),
                    format!("capacity must be at least 1, not {}", v.value),
                    "below 1",
                    "DynamoDB needs at least 1 read and 1 write capacity unit",
                );
            } else if v.value > i128::from(i64::MAX) {
                self.report.error(
                    v.span.clone(),
                    "capacity is too large",
                    "out of range",
                    "use a realistic number of capacity units",
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn indexes(
        &mut self,
        raw: &[RawIndex],
        fields: &[Field],
        hash: Option<usize>,
        range: Option<usize>,
        provisioned: bool,
        has_table: bool,
    ) -> Vec<IndexChecked> {
        let mut out = Vec::new();
        let (mut locals, mut globals) = (0, 0);
        let mut projected: BTreeSet<String> = BTreeSet::new();
        let mut projected_span = None;
        for index in raw {
            let name = &index.name;
            if !valid_table_name(&name.value) {
                self.report.error(
                    name.span.clone(),
                    format!("`{}` is not a valid DynamoDB index name", name.value),
                    "invalid index name",
                    "index names have 3 to 255 characters from a-z, A-Z, 0-9, `_`, `-` and `.`",
                );
            }
            let local = match index.kind.as_ref().map(|k| k.value.as_str()) {
                None | Some("global") => false,
                Some("local") => true,
                Some(other) => {
                    let alias = match other.to_ascii_lowercase().as_str() {
                        "gsi" => Some("global"),
                        "lsi" => Some("local"),
                        _ => None,
                    };
                    let help = match (alias, did_you_mean(other, ["global", "local"])) {
                        (Some(kind), _) => format!("a {other} is written `kind = \"{kind}\"`"),
                        (None, Some(m)) => format!("did you mean `{m}`?"),
                        (None, None) => {
                            "write `kind = \"global\"` or `kind = \"local\"`".to_owned()
                        }
                    };
                    self.report.error(
                        index.kind.as_ref().expect("matched Some").span.clone(),
                        format!("unknown index kind `{other}`"),
                        "not an index kind",
                        help,
                    );
                    continue;
                }
            };
            let mut ok = true;
            let index_hash = if local {
                locals += 1;
                if locals == MAX_LOCAL_INDEXES + 1 {
                    self.report.error(
                        name.span.clone(),
                        format!("a table can have at most {MAX_LOCAL_INDEXES} local indexes"),
                        "one too many",
                        "turn some local indexes into global ones",
                    );
                }
                if has_table && range.is_none() && hash.is_some() {
                    self.report.error(
                        name.span.clone(),
                        format!(
                            "local index `{}` needs a table with a range key",
                            name.value
                        ),
                        "the table has no range key",
                        "add `range_key` to `[table]`, or make this index `kind = \"global\"`",
                    );
                    ok = false;
                }
                if let Some(t) = &index.throughput {
                    self.report.error(
                        t.span.clone(),
                        "a local index has no throughput of its own",
                        "throughput on a local index",
                        "local indexes use the table's capacity: remove `throughput`",
                    );
                }
                match (&index.hash_key, hash) {
                    (Some(h), Some(table_hash)) if h.value != fields[table_hash].attr.value => {
                        self.report.error(h.span.clone(), format!("local index `{}` must use the table's hash key `{}`", name.value, fields[table_hash].attr.value), "a different hash key", "remove `hash_key` (it defaults to the table's), or make this index `kind = \"global\"`");
                        None
                    }
                    (_, table_hash) => table_hash,
                }
            } else {
                globals += 1;
                if globals == MAX_GLOBAL_INDEXES + 1 {
                    self.report.error(
                        name.span.clone(),
                        format!("a table can have at most {MAX_GLOBAL_INDEXES} global indexes"),
                        "one too many",
                        "remove an index or combine access patterns",
                    );
                }
                if let Some(t) = &index.throughput {
                    if provisioned {
                        self.check_throughput(&t.value);
                    } else {
                        self.report.error(t.span.clone(), "index throughput needs provisioned billing", "throughput with on-demand billing", "remove `throughput`, or set `billing = { read = 5, write = 5 }` in `[table]`");
                    }
                }
                match &index.hash_key {
                    Some(h) => self
                        .attr_ref(
                            h,
                            fields,
                            &format!("the hash key of index `{}`", name.value),
                        )
                        .and_then(|i| {
                            self.check_key_type(h, &fields[i], "index hash key")
                                .map(|_| i)
                        }),
                    None => {
                        self.report.error(
                            name.span.clone(),
                            format!("global index `{}` has no `hash_key`", name.value),
                            "no hash key",
                            "add `hash_key = \"...\"` naming one of the fields",
                        );
                        None
                    }
                }
            };
            let index_range = match &index.range_key {
                Some(r) => {
                    let i = self
                        .attr_ref(
                            r,
                            fields,
                            &format!("the range key of index `{}`", name.value),
                        )
                        .and_then(|i| {
                            self.check_key_type(r, &fields[i], "index range key")
                                .map(|_| i)
                        });
                    if i.is_some() && i == index_hash {
                        self.report.error(
                            r.span.clone(),
                            "the index range key is its hash key",
                            "same attribute as the hash key",
                            "choose another attribute as the index range key",
                        );
                        ok = false;
                    }
                    if i.is_none() {
                        ok = false;
                    }
                    i
                }
                None => {
                    if local {
                        self.report.error(name.span.clone(), format!("local index `{}` has no `range_key`", name.value), "no range key", "a local index sorts the table's items by another attribute: add `range_key`");
                        ok = false;
                    }
                    None
                }
            };
            let key_attrs: BTreeSet<&str> = [hash, range, index_hash, index_range]
                .into_iter()
                .flatten()
                .map(|i| fields[i].attr.value.as_str())
                .collect();
            let projection = match index.projection.as_ref().map(|p| &p.value) {
                None | Some(RawProjection::All) => Projection::All,
                Some(RawProjection::KeysOnly) => Projection::KeysOnly,
                Some(RawProjection::Include(attrs)) => {
                    let span = index
                        .projection
                        .as_ref()
                        .expect("matched Some")
                        .span
                        .clone();
                    if attrs.is_empty() {
                        self.report.error(
                            span.clone(),
                            "an INCLUDE projection lists at least one attribute",
                            "empty list",
                            "list the attributes to project, or write `projection = \"keys_only\"`",
                        );
                    }
                    let mut seen = BTreeSet::new();
                    let mut names = Vec::new();
                    for a in attrs {
                        if self.attr_ref(a, fields, "the projection").is_none() {
                            continue;
                        }
                        if key_attrs.contains(a.value.as_str()) {
                            self.report.error(
                                a.span.clone(),
                                format!(
                                    "`{}` is a key attribute, which every index holds already",
                                    a.value
                                ),
                                "key attribute",
                                "remove it from the projection",
                            );
                        } else if !seen.insert(a.value.clone()) {
                            self.report.error(
                                a.span.clone(),
                                format!("`{}` is projected twice", a.value),
                                "listed twice",
                                "remove one of them",
                            );
                        } else {
                            projected.insert(a.value.clone());
                            projected_span.get_or_insert(span.clone());
                            names.push(a.value.clone());
                        }
                    }
                    Projection::Include(names)
                }
            };
            if ok && let Some(h) = index_hash {
                out.push(IndexChecked {
                    name: name.value.clone(),
                    local,
                    hash: h,
                    range: index_range,
                    projection,
                    throughput: index
                        .throughput
                        .as_ref()
                        .map(|t| (t.value.read.value, t.value.write.value)),
                });
            }
        }
        if projected.len() > MAX_PROJECTED_ATTRIBUTES {
            self.report.error(projected_span.unwrap_or_default(), format!("the indexes project {} distinct attributes; DynamoDB allows {MAX_PROJECTED_ATTRIBUTES}", projected.len()), "too many projected attributes", "project fewer attributes, or use `projection = \"all\"`");
        }
        out
    }
}

struct IndexChecked {
    name: String,
    local: bool,
    hash: usize,
    range: Option<usize>,
    projection: Projection,
    throughput: Option<(i128, i128)>,
}

enum Projection {
    All,
    KeysOnly,
    Include(Vec<String>),
}

fn describe_type(f: &Field) -> String {
    f.ty_text.split_whitespace().collect::<Vec<_>>().join("")
}

fn field_ir(f: &Field, is_key: bool, role: &str) -> FieldIr {
    let codec = f.ty.codec();
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
    let inner = f.ty.rust_type();
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
        Presence::Default(expr) => (
            inner,
            format!(
                "{RT}::codec::put::<{codec}>(&mut item, {attr}, &self.{})?;",
                f.rust
            ),
            format!(
                "{RT}::codec::take_or::<{codec}>(&mut item, {attr}, {})?",
                default_fn(expr)
            ),
            expr.clone(),
        ),
    };
    // Sets default to empty, which stores nothing.
    let default_put = match &f.presence {
        Presence::Default(expr) if !matches!(f.ty, Ty::Set(_)) => Some(format!(
            "{RT}::codec::put::<{codec}>(item, {attr}, &{expr})?;"
        )),
        _ => None,
    };
    let base = f.rust.trim_start_matches("r#");
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
        marker: marker_name(base),
        codec,
        attr_lit: attr,
        marker_doc: lit(&format!(
            " Marks attribute `{}` in the types of handles and conditions.",
            f.attr.value.replace('`', "'")
        )),
        updatable: !is_key,
        removable: !is_key
            && (matches!(f.presence, Presence::Optional) || matches!(f.ty, Ty::Set(_))),
        presence: format!(
            "{RT}::filter::{}",
            if matches!(f.presence, Presence::Optional) || matches!(f.ty, Ty::Set(_)) {
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

/// The default as a function: a plain constructor path (`Vec::new`) where the expression is
/// just a call of it, a closure otherwise.
fn default_fn(expr: &str) -> String {
    match expr.strip_suffix("()") {
        Some(path) if !path.contains(['(', ' ', '!']) => path.to_owned(),
        _ => format!("|| {expr}"),
    }
}

/// The marker type of an attribute or index: UpperCamelCase, never a keyword.
fn marker_name(base: &str) -> String {
    let camel = heck::ToUpperCamelCase::to_upper_camel_case(base);
    if naming::is_keyword(&camel) {
        format!("{camel}_")
    } else {
        camel
    }
}

/// The query entry points: the table, then each index in schema order.
fn index_irs(
    model: &str,
    fields: &[Field],
    hash: usize,
    range: Option<usize>,
    indexes: &[IndexChecked],
) -> Vec<IndexIr> {
    let mut out = Vec::new();
    let entries = std::iter::once((None, hash, range, &Projection::All, false)).chain(
        indexes.iter().map(|i| {
            (
                Some(i.name.as_str()),
                i.hash,
                i.range,
                &i.projection,
                !i.local,
            )
        }),
    );
    for (name, index_hash, index_range, projection, global) in entries {
        let marker = name.map_or_else(|| "Table".to_owned(), marker_name);
        let method = name.map_or_else(
            || "query".to_owned(),
            |n| format!("query_{}", naming::snake(n)),
        );
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
                        let mut f_ir = field_ir(f, is_table_key, "");
                        if keys.contains(&Some(i)) && !is_table_key {
                            f_ir = field_ir(
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
                let struct_name = format!("{model}{marker}Item");
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
            hash_codec: hash_field.ty.codec(),
            hash_lit: lit(&hash_field.attr.value),
            range_codec: range_field.map_or_else(|| format!("{RT}::index::NoRangeKey"), |r| r.ty.codec()),
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
                .map(|(_, f)| marker_name(f.rust.trim_start_matches("r#")))
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

fn param(f: &Field) -> ParamIr {
    ParamIr {
        rust: f.rust.clone(),
        rust_type: format!("impl ::core::convert::Into<{}>", f.ty.rust_type()),
    }
}

fn doc_type_ir(name: &Sp<String>, fields: &[Field], raw: &RawType) -> DocTypeIr {
    let params: Vec<ParamIr> = fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Required))
        .map(param)
        .collect();
    let derives = if fields.iter().all(|f| f.ty.is_eq()) {
        "Debug, Clone, PartialEq, Eq, Hash"
    } else {
        "Debug, Clone, PartialEq"
    };
    let field_irs: Vec<FieldIr> = fields.iter().map(|f| field_ir(f, false, "")).collect();
    DocTypeIr {
        name: name.value.clone(),
        name_lit: lit(&name.value),
        writes_defaults: field_irs.iter().any(|f| f.default_put.is_some()),
        doc: match &raw.doc {
            Some(d) => doc_lines(&d.value),
            None => doc_lines(&format!(
                "The nested document type `{}`, stored as a map.",
                name.value
            )),
        },
        fields: field_irs,
        derives: derives.to_owned(),
        new_many_args: params.len() > 7,
        has_default: params.is_empty(),
        new_params: params,
    }
}

fn key_attribute(f: &Field) -> String {
    let scalar = match f.ty.scalar().expect("keys were checked to be scalars") {
        Scalar::S => "S",
        Scalar::N => "N",
        Scalar::B => "B",
    };
    format!(
        "{RT}::schema::KeyAttribute {{ name: {}, scalar: {RT}::schema::ScalarType::{scalar} }}",
        lit(&f.attr.value)
    )
}

fn option(value: Option<String>) -> String {
    match value {
        Some(v) => format!("::core::option::Option::Some({v})"),
        None => "::core::option::Option::None".to_owned(),
    }
}

fn throughput(read: i128, write: i128) -> String {
    format!("{RT}::schema::Throughput {{ read: {read}, write: {write} }}")
}

#[allow(clippy::too_many_arguments)]
fn schema_literal(
    table_name: &str,
    model: &str,
    fields: &[Field],
    hash: usize,
    range: Option<usize>,
    indexes: &[IndexChecked],
    table: &RawTable,
    _provisioned: bool,
) -> String {
    let indexes: Vec<String> = indexes
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
                if i.local { "Local" } else { "Global" },
                key_attribute(&fields[i.hash]),
                option(i.range.map(|r| key_attribute(&fields[r]))),
                option(i.throughput.map(|(r, w)| throughput(r, w))),
            )
        })
        .collect();
    let billing = match &table.billing {
        Some(Sp {
            value: RawBilling::Provisioned(t),
            ..
        }) => format!(
            "{RT}::schema::Billing::Provisioned({})",
            throughput(t.read.value, t.write.value)
        ),
        _ => format!("{RT}::schema::Billing::OnDemand"),
    };
    format!(
        "{RT}::schema::TableSchema {{ name: {}, model: {}, hash_key: {}, range_key: {}, indexes: &[{}], billing: {billing}, ttl: {}, version: {}, attributes: &[{}] }}",
        lit(table_name),
        lit(model),
        key_attribute(&fields[hash]),
        option(range.map(|r| key_attribute(&fields[r]))),
        indexes.join(", "),
        option(table.ttl.as_ref().map(|t| lit(&t.value))),
        option(table.version.as_ref().map(|t| lit(&t.value))),
        fields
            .iter()
            .map(|f| lit(&f.attr.value))
            .collect::<Vec<_>>()
            .join(", "),
    )
}
