//! The semantic IR: what the generated code declares, named and documented, with the facts that
//! decide which traits and methods it gets.
//!
//! It holds no Rust syntax: `render/rust.rs` spells types, codecs, literals and expressions from
//! these facts, and the templates lay out the items around them.

use crate::checked::{Billing, DefaultValue, IndexKind, Presence, Projection, Throughput};
use crate::ty::{Scalar, Ty};

/// Every schema, ready to render.
#[derive(Debug, Clone)]
pub(crate) struct Ir {
    /// One entry per schema file, in input order.
    pub tables: Vec<TableIr>,
    /// The generic marker types of `mod.rs`'s `markers` module, one per name, shared by the
    /// models: `top_score<GameScore>` is attribute `top_score` of `GameScore`, which is how the
    /// compiler's messages show it.
    pub markers: Vec<MarkerIr>,
    /// The name of that module.
    pub markers_module: String,
}

/// Doc text, one entry per `#[doc]` line, without the leading space; `""` is a blank line.
pub(crate) type Doc = Vec<String>;

/// One schema file: a table, its model and its nested types.
#[derive(Debug, Clone)]
pub(crate) struct TableIr {
    /// The schema path shown in the header, relative to its input.
    pub source: String,
    /// The module name.
    pub module: String,
    /// The modules of the folders the schema file is in, outermost first.
    pub folders: Vec<String>,
    /// The output file name, such as `game_score.rs` (`shop/order.rs` in a folder).
    pub file_name: String,
    /// The DynamoDB table name.
    pub table_name: String,
    /// The model type name.
    pub model: String,
    /// The key type name.
    pub key: String,
    /// Doc of the model.
    pub doc: Doc,
    /// Doc of the module.
    pub module_doc: Doc,
    /// Doc of the key struct.
    pub key_doc: Doc,
    /// Doc of the `attr` module.
    pub attr_module_doc: Doc,
    /// Doc of the `index` module.
    pub index_module_doc: Doc,
    /// Every field, in schema order.
    pub fields: Vec<FieldIr>,
    /// How the table is billed.
    pub billing: Billing,
    /// The ways to query: the table's primary key first, then each index in schema order.
    pub indexes: Vec<IndexIr>,
    /// Nested types.
    pub types: Vec<DocTypeIr>,
    /// Enums.
    pub enums: Vec<EnumIr>,
    /// Whether it is a model, an entity of a shared table, or a shared table.
    pub kind: TableKind,
}

/// What a schema file declares.
#[derive(Debug, Clone)]
pub(crate) enum TableKind {
    /// A table and the one model that maps it.
    Model,
    /// A table of several entities: its schema and its collections, no model.
    Shared {
        /// The attribute naming each item's entity.
        discriminator: String,
        /// Its collections.
        collections: Vec<CollectionIr>,
    },
    /// An entity of a shared table.
    Entity {
        /// The table's discriminator attribute.
        discriminator: String,
        /// The entity's name, stored there.
        name: String,
        /// The module path of the table's file.
        table_module: String,
    },
}

/// A collection: entities read together from one partition of an index.
#[derive(Debug, Clone)]
pub(crate) struct CollectionIr {
    /// The enum of its items (`CustomerOrders`).
    pub name: String,
    /// Doc of the enum.
    pub doc: Doc,
    /// Doc of its query.
    pub query_doc: Doc,
    /// The index it reads (`None`: the table's primary key).
    pub index: Option<String>,
    /// Its entities, in schema order.
    pub variants: Vec<MemberIr>,
    /// The first entity's way to query the index, whose hash key every entity shares.
    pub entry: Option<IndexIr>,
    /// The path from the shared table's module to the first entity's module.
    pub entry_module: String,
}

/// An entity of a collection: a variant of its enum.
#[derive(Debug, Clone)]
pub(crate) struct MemberIr {
    /// The variant name: the model name.
    pub rust: String,
    /// The path from the shared table's module to the model.
    pub path: String,
    /// The entity's name, stored in the discriminator.
    pub entity: String,
}

impl TableIr {
    /// Whether it is a shared table, with no model of its own.
    pub(crate) fn is_shared(&self) -> bool {
        matches!(self.kind, TableKind::Shared { .. })
    }

    /// The collections of a shared table.
    pub(crate) fn collections(&self) -> &[CollectionIr] {
        match &self.kind {
            TableKind::Shared { collections, .. } => collections,
            _ => &[],
        }
    }

    /// The discriminator attribute of a shared table or an entity.
    pub(crate) fn discriminator(&self) -> &str {
        match &self.kind {
            TableKind::Shared { discriminator, .. } | TableKind::Entity { discriminator, .. } => {
                discriminator
            }
            TableKind::Model => "",
        }
    }

    /// Whether it is an entity of a shared table.
    pub(crate) fn is_entity(&self) -> bool {
        matches!(self.kind, TableKind::Entity { .. })
    }
    /// The path of its module from `mod.rs`: its folders' modules, then its own.
    pub(crate) fn module_path(&self) -> String {
        let mut path = self.folders.clone();
        path.push(self.module.clone());
        path.join("::")
    }

    /// The table's primary key, as a query entry point.
    pub(crate) fn primary(&self) -> &IndexIr {
        &self.indexes[0]
    }

    /// The secondary indexes.
    pub(crate) fn secondary(&self) -> &[IndexIr] {
        &self.indexes[1..]
    }

    /// The key attributes as stored: the hash key, then the range key.
    pub(crate) fn key_attributes(&self) -> Vec<&FieldIr> {
        [KeyRole::Hash, KeyRole::Range]
            .into_iter()
            .filter_map(|role| self.fields.iter().find(|f| f.key == Some(role)))
            .collect()
    }

    /// The fields of the key struct: the key attributes, where a computed one is given by its
    /// parts (each once, in order).
    pub(crate) fn key_fields(&self) -> Vec<&FieldIr> {
        let mut out: Vec<&FieldIr> = Vec::new();
        for key in self.key_attributes() {
            match &key.template {
                Some(t) => {
                    for part in t.parts() {
                        let field = self.fields.iter().find(|f| f.attr == part.attr);
                        if let Some(field) = field
                            && !out.iter().any(|f| f.attr == field.attr)
                        {
                            out.push(field);
                        }
                    }
                }
                None => out.push(key),
            }
        }
        out
    }

    /// Whether a key attribute is computed, so that the key struct holds parts.
    pub(crate) fn has_computed_key(&self) -> bool {
        self.key_attributes().iter().any(|f| f.template.is_some())
    }

    /// The fields of the struct: every attribute but the computed ones.
    pub(crate) fn struct_fields(&self) -> Vec<&FieldIr> {
        self.fields.iter().filter(|f| f.is_stored_field()).collect()
    }

    /// The computed attributes.
    pub(crate) fn computed(&self) -> Vec<&FieldIr> {
        self.fields
            .iter()
            .filter(|f| f.template.is_some())
            .collect()
    }

    /// What `new` takes: the key, then every other field without a default.
    pub(crate) fn new_params(&self) -> Vec<&FieldIr> {
        let mut params = self.key_fields();
        params.extend(
            self.fields.iter().filter(|f| {
                f.key.is_none() && !f.key_part && f.is_stored_field() && f.is_required()
            }),
        );
        params
    }

    /// Whether the key struct can implement `Eq` and `Hash`.
    pub(crate) fn key_is_eq(&self) -> bool {
        self.key_fields().iter().all(|f| f.ty.is_eq())
    }

    /// Whether the model has schema defaults to write (`write_defaults`).
    pub(crate) fn writes_defaults(&self) -> bool {
        self.fields.iter().any(|f| f.default_to_write().is_some())
    }

    /// The time-to-live field.
    pub(crate) fn ttl(&self) -> Option<&FieldIr> {
        self.fields.iter().find(|f| f.ttl)
    }

    /// The version field.
    pub(crate) fn version(&self) -> Option<&FieldIr> {
        self.fields.iter().find(|f| f.version)
    }

    /// The attribute markers of the table's keys and the parts of its computed keys.
    pub(crate) fn key_markers(&self) -> Vec<&str> {
        let fields = self.fields.iter().filter(|f| f.key.is_some() || f.key_part);
        fields.map(|f| f.marker.as_str()).collect()
    }

    /// Whether an attribute is unique (`unique = true`), guarded by uniqueness items.
    pub(crate) fn has_unique(&self) -> bool {
        self.fields.iter().any(|f| f.unique)
    }

    /// The attribute markers of the other computed attributes and the unique ones, which updates
    /// cannot write.
    pub(crate) fn computed_markers(&self) -> Vec<&str> {
        let fields = self.fields.iter().filter(|f| {
            f.key.is_none() && !f.key_part && !f.version && (f.template.is_some() || f.unique)
        });
        fields.map(|f| f.marker.as_str()).collect()
    }

    /// The attribute markers of the fields updates may write.
    pub(crate) fn updatable_markers(&self) -> Vec<&str> {
        let fields = self.fields.iter().filter(|f| f.updatable());
        fields.map(|f| f.marker.as_str()).collect()
    }

    /// The attribute markers of the fields updates may remove.
    pub(crate) fn removable_markers(&self) -> Vec<&str> {
        let fields = self.fields.iter().filter(|f| f.removable());
        fields.map(|f| f.marker.as_str()).collect()
    }

    /// The query entry point of the index `name`.
    #[cfg(test)]
    pub(crate) fn index(&self, name: &str) -> Option<&IndexIr> {
        self.secondary()
            .iter()
            .find(|i| i.name.as_deref() == Some(name))
    }

    /// The field of the attribute `attr`.
    #[cfg(test)]
    pub(crate) fn field(&self, attr: &str) -> Option<&FieldIr> {
        self.fields.iter().find(|f| f.attr == attr)
    }
}

/// A generic marker type of `mod.rs`, named after an attribute or an index of the schemas.
#[derive(Debug, Clone)]
pub(crate) struct MarkerIr {
    /// The type name.
    pub name: String,
    /// Its doc.
    pub doc: Doc,
}

/// Which key of the table an attribute is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRole {
    /// The hash (partition) key.
    Hash,
    /// The range (sort) key.
    Range,
}

/// One field of a model, projection or nested type.
#[derive(Debug, Clone)]
pub(crate) struct FieldIr {
    /// The stored attribute name.
    pub attr: String,
    /// The Rust field name.
    pub rust: String,
    /// Its type.
    pub ty: Ty,
    /// Whether it always has a value, may be absent, or has a default.
    pub presence: Presence,
    /// Which key of the table it is, if it is one.
    pub key: Option<KeyRole>,
    /// Whether it is a part of a computed key of the table, which gives the key: updates
    /// cannot change it, and the key struct holds it.
    pub key_part: bool,
    /// For a computed attribute, its template: it is written from its parts and is not a field
    /// of the struct.
    pub template: Option<TemplateIr>,
    /// Whether no two items of the entity hold the same value (`unique = true`): a uniqueness
    /// item guards it, so updates cannot change it.
    pub unique: bool,
    /// Whether it is the table's time to live.
    pub ttl: bool,
    /// Whether it is the table's version, which flywheel writes itself.
    pub version: bool,
    /// Doc of the field.
    pub doc: Doc,
    /// The name of its attribute-handle constant (`TOP_SCORE`).
    pub handle: String,
    /// Doc of its handle.
    pub handle_doc: Doc,
    /// The name of its attribute marker type (`TopScore`), an alias of `name_marker`.
    pub marker: String,
    /// The generic marker of its name in the `markers` module (`top_score`).
    pub name_marker: String,
    /// Doc of its marker type.
    pub marker_doc: Doc,
}

impl FieldIr {
    /// Whether `new` takes it: no default, never absent.
    pub(crate) fn is_required(&self) -> bool {
        self.presence == Presence::Required
    }

    /// Whether it is an `Option`.
    pub(crate) fn is_optional(&self) -> bool {
        self.presence == Presence::Optional
    }

    /// Whether an item may lack it: optional fields, and sets (DynamoDB stores no empty set).
    pub(crate) fn may_be_absent(&self) -> bool {
        self.is_optional() || self.ty.is_set()
    }

    /// Whether updates may write it: not a key or a part of one, not the version, not
    /// computed.
    pub(crate) fn updatable(&self) -> bool {
        self.key.is_none()
            && !self.key_part
            && !self.version
            && self.template.is_none()
            && !self.unique
    }

    /// Whether it is a field of the struct: every attribute but the computed ones.
    pub(crate) fn is_stored_field(&self) -> bool {
        self.template.is_none()
    }

    /// Whether updates may remove it.
    pub(crate) fn removable(&self) -> bool {
        self.updatable() && self.may_be_absent()
    }

    /// The schema default `write_defaults` stores. Sets default to empty, which stores nothing.
    pub(crate) fn default_to_write(&self) -> Option<&DefaultValue> {
        match &self.presence {
            Presence::Default(value) if !self.ty.is_set() => Some(value),
            _ => None,
        }
    }
}

/// A computed attribute's template: the runtime's `Template`, with the parts as fields.
#[derive(Debug, Clone)]
pub(crate) struct TemplateIr {
    /// The pieces, in order.
    pub pieces: Vec<PieceIr>,
    /// The template as written, for docs: `ORDER#{placed_at}#{order_id}`.
    pub source: String,
}

impl TemplateIr {
    /// The parts, in order.
    pub(crate) fn parts(&self) -> Vec<&PartIr> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                PieceIr::Part(part) => Some(part),
                PieceIr::Text(_) => None,
            })
            .collect()
    }

    /// Whether a part may be absent, so that the attribute is written only when none is (a
    /// sparse index key).
    pub(crate) fn is_sparse(&self) -> bool {
        self.parts().iter().any(|p| p.optional)
    }
}

/// A piece of a template.
#[derive(Debug, Clone)]
pub(crate) enum PieceIr {
    /// Text written as it is.
    Text(String),
    /// A field of the model.
    Part(PartIr),
}

/// A part of a template: a field of the model.
#[derive(Debug, Clone)]
pub(crate) struct PartIr {
    /// The stored attribute name.
    pub attr: String,
    /// The Rust field name.
    pub rust: String,
    /// Its type.
    pub ty: Ty,
    /// Whether the field is an `Option`.
    pub optional: bool,
    /// The declared digits of an integer part; 0 for the type's own width.
    pub width: u8,
    /// The marker of its attribute (`PlacedAt`).
    pub marker: String,
}

/// A key attribute of the table or an index.
#[derive(Debug, Clone)]
pub(crate) struct KeyIr {
    /// The stored attribute name.
    pub attr: String,
    /// The Rust name of its field, which names the query parameter.
    pub rust: String,
    /// Its type.
    pub ty: Ty,
    /// The scalar it is stored as.
    pub scalar: Scalar,
    /// For a computed key, its template: queries take its parts.
    pub template: Option<TemplateIr>,
    /// The name of its template's constant, for a computed key.
    pub template_const: String,
    /// For a key of several attributes (a global index's multi-attribute key), every one of
    /// them in key-schema order; the fields above are then the first one's. Empty for a key
    /// of one attribute.
    pub attributes: Vec<KeyAttributeIr>,
}

/// One attribute of a key of several attributes.
#[derive(Debug, Clone)]
pub(crate) struct KeyAttributeIr {
    /// The stored attribute name.
    pub attr: String,
    /// The Rust name of its field, which names the query parameter.
    pub rust: String,
    /// Its type.
    pub ty: Ty,
    /// The scalar it is stored as.
    pub scalar: Scalar,
    /// The marker of its attribute.
    pub marker: String,
}

impl KeyIr {
    /// The parts of a computed key, none for a plain one.
    pub(crate) fn parts(&self) -> Vec<&PartIr> {
        self.template
            .as_ref()
            .map(TemplateIr::parts)
            .unwrap_or_default()
    }

    /// The markers of what range-key conditions name in order: the parts of a computed key,
    /// or the attributes of a key of several.
    pub(crate) fn part_markers(&self) -> Vec<&str> {
        if self.is_several() {
            self.attributes.iter().map(|a| a.marker.as_str()).collect()
        } else {
            self.parts().iter().map(|p| p.marker.as_str()).collect()
        }
    }

    /// Whether the key is several attributes.
    pub(crate) fn is_several(&self) -> bool {
        !self.attributes.is_empty()
    }

    /// Whether queries name its parts (of a template, or its attributes) rather than take it
    /// whole.
    pub(crate) fn has_parts(&self) -> bool {
        self.template.is_some() || self.is_several()
    }

    /// Its attribute names for docs: `` `a` `` or `` `a`, `b` ``.
    pub(crate) fn names(&self) -> String {
        if self.attributes.is_empty() {
            return format!("`{}`", self.attr);
        }
        let names: Vec<String> = self
            .attributes
            .iter()
            .map(|a| format!("`{}`", a.attr))
            .collect();
        names.join(", ")
    }

    /// What a query's arguments are for the key in docs: `` `a` equals `` or
    /// `` `a`, `b` equal ``.
    pub(crate) fn describe(&self) -> String {
        if self.attributes.is_empty() {
            format!("`{}` equals", self.attr)
        } else {
            format!("attributes {} equal", self.names())
        }
    }
}

/// One way to query a model: the table's primary key or a secondary index.
#[derive(Debug, Clone)]
pub(crate) struct IndexIr {
    /// The index name; `None` for the table's primary key.
    pub name: Option<String>,
    /// Local or global; `None` for the table's primary key.
    pub kind: Option<IndexKind>,
    /// The marker type (`Table`, `GameTitleIndex`), an alias of `name_marker`.
    pub marker: String,
    /// The generic marker of its name in the `markers` module (`Table`, `GameTitleIndex`).
    pub name_marker: String,
    /// The query entry point (`query`, `query_game_title_index`).
    pub method: String,
    /// Doc of the marker and the entry point.
    pub doc: Doc,
    /// The hash key.
    pub hash: KeyIr,
    /// The range key.
    pub range: Option<KeyIr>,
    /// The attributes it holds.
    pub projection: Projection,
    /// Its own capacity.
    pub throughput: Option<Throughput>,
    /// The type a query returns: the model or the projection struct.
    pub item: String,
    /// Markers of the attributes a filter on a query may read: what the index holds, except
    /// its own keys.
    pub filterable: Vec<String>,
    /// Markers of the attributes `select` may read, for a global index that holds only some
    /// (`None`: it holds every attribute).
    pub selectable: Option<Vec<String>>,
    /// Whether a query can leave out expired items: the table has a time to live, and the
    /// index holds it.
    pub expiring: bool,
    /// The struct a KEYS_ONLY or INCLUDE index returns.
    pub projection_struct: Option<ProjectionIr>,
}

impl IndexIr {
    /// Whether queries may read consistently: the table and local indexes.
    pub(crate) fn consistent(&self) -> bool {
        self.kind != Some(IndexKind::Global)
    }

    /// Whether range-key prefix conditions apply: a range key stored as a string or binary
    /// data (strings, bytes, and the text forms of datetimes, dates, uuids and enums).
    pub(crate) fn prefix_range(&self) -> bool {
        self.range
            .as_ref()
            .is_some_and(|r| !r.is_several() && matches!(r.scalar, Scalar::S | Scalar::B))
    }

    /// Whether the range key is several attributes.
    pub(crate) fn range_several(&self) -> bool {
        self.range.as_ref().is_some_and(KeyIr::is_several)
    }

    /// The template constant of a computed range key.
    pub(crate) fn range_template(&self) -> Option<&str> {
        let range = self.range.as_ref()?;
        range
            .template
            .as_ref()
            .map(|_| range.template_const.as_str())
    }

    /// The attribute of the range key.
    #[cfg(test)]
    pub(crate) fn range_attr(&self) -> Option<&str> {
        self.range.as_ref().map(|r| r.attr.as_str())
    }
}

/// The struct a KEYS_ONLY or INCLUDE index returns.
#[derive(Debug, Clone)]
pub(crate) struct ProjectionIr {
    /// The struct name.
    pub name: String,
    /// Doc of the struct.
    pub doc: Doc,
    /// The projected fields, in schema order; the index keys are required.
    pub fields: Vec<FieldIr>,
}

/// A nested document type.
#[derive(Debug, Clone)]
pub(crate) struct DocTypeIr {
    /// The type name.
    pub name: String,
    /// Doc of the type.
    pub doc: Doc,
    /// Fields, in schema order.
    pub fields: Vec<FieldIr>,
}

impl DocTypeIr {
    /// What `new` takes: every field without a default.
    pub(crate) fn new_params(&self) -> Vec<&FieldIr> {
        self.fields.iter().filter(|f| f.is_required()).collect()
    }

    /// Whether it can implement `Eq` and `Hash`.
    pub(crate) fn is_eq(&self) -> bool {
        self.fields.iter().all(|f| f.ty.is_eq())
    }

    /// Whether `new` takes nothing, so `Default` is implemented too.
    pub(crate) fn has_default(&self) -> bool {
        self.new_params().is_empty()
    }

    /// Whether it has schema defaults to write (`write_defaults`).
    pub(crate) fn writes_defaults(&self) -> bool {
        self.fields.iter().any(|f| f.default_to_write().is_some())
    }
}

/// An enum.
#[derive(Debug, Clone)]
pub(crate) struct EnumIr {
    /// The enum name.
    pub name: String,
    /// Doc of the enum.
    pub doc: Doc,
    /// Variants, in schema order.
    pub variants: Vec<VariantIr>,
}

/// An enum variant.
#[derive(Debug, Clone)]
pub(crate) struct VariantIr {
    /// The variant name.
    pub rust: String,
    /// The stored value.
    pub value: String,
    /// Doc of the variant.
    pub doc: Doc,
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::load::Input;

    /// The IR of one schema file, which must be valid.
    /// The IR of `schema`, as the file `thing.toml`.
    fn lowered_ir(schema: &str) -> Ir {
        let input = Input {
            file: Arc::new(SourceFile {
                path: "thing.toml".into(),
                text: schema.into(),
            }),
            source: "thing.toml".into(),
            stem: "thing".into(),
            folders: Vec::new(),
        };
        let checked = crate::validate::validate(&[input])
            .unwrap_or_else(|diags| panic!("the schema is rejected: {diags:?}"));
        crate::lower::lower(&checked)
    }

    fn lowered(schema: &str) -> TableIr {
        lowered_ir(schema).tables.remove(0)
    }

    const GAME: &str = r#"
        [table]
        name = "Games"
        hash_key = "player"
        range_key = "game"
        version = "version"
        ttl = "expires"

        [fields]
        game = "string"
        player = "string"
        nickname = "string"
        score = { type = "int", required = true }
        level = { type = "i32", default = 1 }
        tags = "set<string>"
        version = "int"
        expires = "datetime"
        region = "string"

        [indexes.ByScore]
        hash_key = "region"
        range_key = "score"
        projection = "keys_only"

        [indexes.ByLevel]
        kind = "local"
        range_key = "level"
        projection = ["nickname"]
    "#;

    #[test]
    fn fields_know_whether_they_are_optional_required_or_defaulted() {
        let t = lowered(GAME);
        let field = |attr: &str| t.field(attr).unwrap();
        assert!(field("nickname").is_optional());
        assert!(!field("nickname").is_required());
        assert!(field("score").is_required());
        assert_eq!(
            field("level").presence,
            Presence::Default(DefaultValue::Integer(1))
        );
        assert_eq!(
            field("level").default_to_write(),
            Some(&DefaultValue::Integer(1))
        );
        // Sets start empty, which is stored as nothing: no default to write, and removable.
        let tags = field("tags");
        assert_eq!(
            tags.presence,
            Presence::Default(DefaultValue::Set(Vec::new()))
        );
        assert_eq!(tags.default_to_write(), None);
        assert!(tags.may_be_absent() && tags.removable());
        // Keys are required even when the schema does not say so.
        assert!(field("player").is_required() && field("game").is_required());
    }

    #[test]
    fn roles_decide_what_updates_may_touch() {
        let t = lowered(GAME);
        assert_eq!(t.version().map(|f| f.attr.as_str()), Some("version"));
        assert_eq!(t.ttl().map(|f| f.attr.as_str()), Some("expires"));
        let version = t.field("version").unwrap();
        assert_eq!(
            version.presence,
            Presence::Default(DefaultValue::Integer(0)),
            "a version starts at 0"
        );
        assert!(!version.updatable() && !version.removable());
        assert!(!t.field("player").unwrap().updatable());
        assert!(t.field("nickname").unwrap().removable());
        assert!(t.field("score").unwrap().updatable() && !t.field("score").unwrap().removable());
    }

    #[test]
    fn keys_come_hash_first_and_new_takes_the_key_then_the_required_fields() {
        let t = lowered(GAME);
        let attrs = |fields: Vec<&FieldIr>| -> Vec<String> {
            fields.into_iter().map(|f| f.attr.clone()).collect()
        };
        assert_eq!(attrs(t.key_fields()), ["player", "game"]);
        assert_eq!(attrs(t.new_params()), ["player", "game", "score"]);
        assert_eq!(t.primary().hash.attr, "player");
        assert_eq!(t.primary().range_attr(), Some("game"));
        assert!(t.primary().consistent());
        assert!(t.key_is_eq());
        assert!(t.writes_defaults());
    }

    #[test]
    fn indexes_know_their_keys_projection_and_what_filters_may_read() {
        let t = lowered(GAME);
        let by_score = t.index("ByScore").unwrap();
        assert_eq!(by_score.kind, Some(IndexKind::Global));
        assert_eq!(by_score.hash.attr, "region");
        assert_eq!(by_score.hash.scalar, Scalar::S);
        assert_eq!(by_score.range_attr(), Some("score"));
        assert!(!by_score.consistent() && !by_score.prefix_range());
        assert_eq!(by_score.method, "query_by_score");
        // KEYS_ONLY: the table's keys and the index's, the index keys required.
        let item = by_score.projection_struct.as_ref().unwrap();
        assert_eq!(by_score.item, item.name);
        assert_eq!(item.name, "ThingByScoreItem");
        let projected: Vec<&str> = item.fields.iter().map(|f| f.attr.as_str()).collect();
        assert_eq!(projected, ["game", "player", "score", "region"]);
        assert!(item.fields.iter().all(FieldIr::is_required));
        // A global index holds only its projection: filters read the table keys only.
        assert_eq!(by_score.filterable, ["Game", "Player"]);

        let by_level = t.index("ByLevel").unwrap();
        assert_eq!(by_level.kind, Some(IndexKind::Local));
        assert_eq!(
            by_level.hash.attr, "player",
            "a local index has the table's hash key"
        );
        assert_eq!(by_level.range_attr(), Some("level"));
        assert!(by_level.consistent());
        assert_eq!(
            by_level.projection,
            Projection::Include(vec!["nickname".to_owned()])
        );
        // A local index reads unprojected attributes from the table.
        assert!(by_level.filterable.iter().any(|m| m == "Expires"));
        assert!(!by_level.filterable.iter().any(|m| m == "Level"));

        // `exclude_expired` needs the time to live: the table and the local index read it, the
        // KEYS_ONLY global index does not hold it.
        assert!(t.primary().expiring && by_level.expiring);
        assert!(!by_score.expiring);
    }

    #[test]
    fn range_keys_stored_as_text_have_prefix_conditions_and_numeric_ones_do_not() {
        let t = lowered(
            r#"
            [table]
            name = "Events"
            hash_key = "stream"
            range_key = "at"

            [fields]
            stream = "string"
            at = "datetime"
            day = "date"
            day_number = { type = "date", format = "epoch" }
            at_seconds = { type = "datetime", format = "epoch" }
            id = "uuid"

            [indexes.ByDay]
            hash_key = "stream"
            range_key = "day"

            [indexes.ByDayNumber]
            hash_key = "stream"
            range_key = "day_number"

            [indexes.BySeconds]
            hash_key = "stream"
            range_key = "at_seconds"

            [indexes.ById]
            hash_key = "stream"
            range_key = "id"
        "#,
        );
        // RFC 3339 datetimes, ISO dates and uuids are stored as text: "2024-05-01" is a prefix.
        assert!(t.primary().prefix_range());
        assert!(t.index("ByDay").unwrap().prefix_range());
        assert!(t.index("ById").unwrap().prefix_range());
        // Epoch dates and datetimes are numbers.
        assert!(!t.index("ByDayNumber").unwrap().prefix_range());
        assert!(!t.index("BySeconds").unwrap().prefix_range());
    }

    #[test]
    fn keys_of_several_attributes_list_them_in_key_schema_order() {
        let t = lowered(
            r#"
            [table]
            name = "Matches"
            hash_key = "id"

            [fields]
            id = "string"
            tournament = "string"
            region = "string"
            round = "int"
            bracket = "string"
            note = "string"

            [indexes.ByTournament]
            hash_key = ["tournament", "region"]
            range_key = ["round", "bracket"]
            projection = "keys_only"

            [indexes.ByRegion]
            hash_key = ["region", "tournament"]

            [indexes.ByRound]
            hash_key = "tournament"
            range_key = ["round"]
        "#,
        );
        let attrs =
            |k: &KeyIr| -> Vec<String> { k.attributes.iter().map(|a| a.attr.clone()).collect() };
        let by_tournament = t.index("ByTournament").unwrap();
        assert_eq!(attrs(&by_tournament.hash), ["tournament", "region"]);
        let range = by_tournament.range.as_ref().unwrap();
        assert_eq!(attrs(range), ["round", "bracket"]);
        assert_eq!(range.part_markers(), ["Round", "Bracket"]);
        assert!(by_tournament.range_several() && !by_tournament.prefix_range());
        // Every key attribute is in the projection struct, required, and none is filterable.
        let item = by_tournament.projection_struct.as_ref().unwrap();
        for key in ["tournament", "region", "round", "bracket"] {
            let f = item.fields.iter().find(|f| f.attr == key).unwrap();
            assert!(f.is_required(), "{key} is required in the index item");
            assert!(
                !by_tournament
                    .filterable
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(key))
            );
        }
        // Several hash-key attributes and no range key; a list of one is one attribute.
        let by_region = t.index("ByRegion").unwrap();
        assert_eq!(attrs(&by_region.hash), ["region", "tournament"]);
        let filterable = &by_region.filterable;
        assert!(
            filterable.contains(&"Note".to_owned()) && filterable.contains(&"Round".to_owned())
        );
        assert!(
            !filterable.contains(&"Region".to_owned())
                && !filterable.contains(&"Tournament".to_owned())
        );
        assert!(by_region.range.is_none() && !by_region.range_several());
        let by_round = t.index("ByRound").unwrap();
        assert!(!by_round.hash.is_several() && !by_round.range_several());
        assert_eq!(by_round.range_attr(), Some("round"));
        assert_eq!(
            by_tournament.doc[0],
            "Queries the global index `ByTournament`: the items whose hash key attributes \
             `tournament`, `region` equal the arguments, in order of range key `round`, \
             `bracket`."
        );
    }

    #[test]
    fn markers_are_named_after_the_stored_names_once_per_crate() {
        let schema = r#"
            [table]
            name = "Games"
            hash_key = "player"

            [fields]
            player = "string"
            "hash-tag" = "string"
            ByScore = "int"
            type = "string"

            [indexes.ByScore]
            hash_key = "ByScore"
        "#;
        let ir = lowered_ir(schema);
        let t = &ir.tables[0];
        let marker = |attr: &str| t.field(attr).unwrap().name_marker.clone();
        // The stored name where it is an identifier, else the field's Rust name marked by `_`.
        assert_eq!(marker("player"), "player");
        assert_eq!(marker("hash-tag"), "hash_tag_");
        assert_eq!(marker("type"), "type_");
        // An index named like an attribute is told apart; the table is `Table`.
        assert_eq!(t.index("ByScore").unwrap().name_marker, "ByScoreIndex");
        assert_eq!(t.primary().name_marker, "Table");
        let names: Vec<&str> = ir.markers.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "ByScore",
                "hash_tag_",
                "player",
                "type_",
                "ByScoreIndex",
                "Table"
            ]
        );
        assert_eq!(ir.markers_module, "markers");
    }

    #[test]
    fn docs_are_text_and_say_each_role() {
        let t = lowered(GAME);
        assert_eq!(
            t.doc,
            [
                "An item of the DynamoDB table `Games`.",
                "",
                "Table `Games`: hash key `player`, range key `game`."
            ]
        );
        let last = |attr: &str| t.field(attr).unwrap().doc.last().unwrap().clone();
        assert_eq!(last("player"), "Attribute `player`: `string`, hash key.");
        assert_eq!(
            last("expires"),
            "Attribute `expires`: `datetime`, time to live."
        );
        assert_eq!(last("nickname"), "Attribute `nickname`: `string`.");
        let item = t
            .index("ByScore")
            .unwrap()
            .projection_struct
            .as_ref()
            .unwrap();
        assert_eq!(
            item.fields[1].doc,
            ["Attribute `player`: `string`."],
            "projection fields have no role line"
        );
    }
}
