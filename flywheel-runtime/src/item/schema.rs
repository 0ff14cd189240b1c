//! Table metadata that generated models carry: keys, indexes, projections, billing, TTL, version.
//!
//! Everything here is `'static` and built in `const` context by generated code, so reading it
//! costs nothing at run time.

/// The scalar type a key attribute is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// A string (`S`).
    S,
    /// A number (`N`).
    N,
    /// Binary data (`B`).
    B,
}

impl ScalarType {
    /// The DynamoDB spelling: `S`, `N` or `B`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ScalarType::S => "S",
            ScalarType::N => "N",
            ScalarType::B => "B",
        }
    }
}

/// A key attribute: its stored name and scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyAttribute {
    /// The attribute name as stored in DynamoDB.
    pub name: &'static str,
    /// The scalar type it is stored as.
    pub scalar: ScalarType,
}

impl KeyAttribute {
    /// A string key attribute named `name`.
    pub const fn s(name: &'static str) -> KeyAttribute {
        KeyAttribute {
            name,
            scalar: ScalarType::S,
        }
    }

    /// A number key attribute named `name`.
    pub const fn n(name: &'static str) -> KeyAttribute {
        KeyAttribute {
            name,
            scalar: ScalarType::N,
        }
    }

    /// A binary key attribute named `name`.
    pub const fn b(name: &'static str) -> KeyAttribute {
        KeyAttribute {
            name,
            scalar: ScalarType::B,
        }
    }
}

/// Read and write capacity units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throughput {
    /// Read capacity units.
    pub read: i64,
    /// Write capacity units.
    pub write: i64,
}

/// How a table is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// Pay per request (on-demand).
    OnDemand,
    /// Provisioned capacity.
    Provisioned(Throughput),
}

/// Whether an index is local (shares the table's hash key) or global.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// A local secondary index.
    Local,
    /// A global secondary index.
    Global,
}

/// Which attributes an index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    /// Every attribute.
    All,
    /// Only the table and index keys.
    KeysOnly,
    /// The keys and the listed attributes.
    Include(&'static [&'static str]),
}

/// A secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSchema {
    /// The index name.
    pub name: &'static str,
    /// Local or global.
    pub kind: IndexKind,
    /// The attributes of the index hash key, in key-schema order: one, or up to four for a
    /// global index whose key is several attributes.
    pub hash_key: &'static [KeyAttribute],
    /// The attributes of the index range key, in key-schema order: none, one, or up to four
    /// for a global index.
    pub range_key: &'static [KeyAttribute],
    /// The attributes the index holds.
    pub projection: Projection,
    /// The capacity of a global index under provisioned billing; `None` uses the table's.
    pub throughput: Option<Throughput>,
}

/// Everything flywheel knows about one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSchema {
    /// The table name, without the engine's namespace.
    pub name: &'static str,
    /// The Rust model type that maps it.
    pub model: &'static str,
    /// The table hash key.
    pub hash_key: KeyAttribute,
    /// The table range key, if any.
    pub range_key: Option<KeyAttribute>,
    /// Secondary indexes, local and global.
    pub indexes: &'static [IndexSchema],
    /// How the table is billed.
    pub billing: Billing,
    /// The attribute holding the expiry time, if time to live is used.
    pub ttl: Option<&'static str>,
    /// The attribute holding the item version, if optimistic locking is used.
    pub version: Option<&'static str>,
    /// Every attribute the model stores, in schema order.
    pub attributes: &'static [&'static str],
    /// For an entity of a table shared by several, which one it is.
    pub entity: Option<Entity>,
    /// The attributes whose values no two items of the entity share (`unique = true`).
    pub unique: &'static [&'static str],
    /// The computed attributes that are not table keys (index keys), which updates keep in step
    /// with their parts.
    pub computed: &'static [crate::template::Template],
}

/// An entity of a table of several: every item of it holds its name in the table's
/// discriminator attribute, which writes set and reads check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entity {
    /// The discriminator attribute of the table.
    pub attribute: &'static str,
    /// The entity's name, stored there.
    pub name: &'static str,
}

/// Which of the entities `names` an item of a shared table is (by its discriminator
/// `attribute`): the variant of a collection's enum to read it as. Another entity, or none, is
/// an error naming the table, the key and the attribute.
pub fn which_entity(
    table: &TableSchema,
    attribute: &str,
    names: &[&str],
    item: &crate::Item,
) -> Result<usize, crate::DecodeError> {
    let found = match item.get(attribute) {
        Some(crate::AttributeValue::S(name)) => names.iter().position(|n| n == name),
        _ => None,
    };
    found.ok_or_else(|| {
        let expected = format!(
            "one of the entities {} (S)",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let issue = match item.get(attribute) {
            Some(value) => crate::error::DecodeIssue::wrong(expected, value).at(attribute),
            None => crate::error::DecodeIssue {
                steps: vec![crate::error::PathStep::Name(attribute.to_owned())],
                expected: expected.into(),
                found: "no such attribute".into(),
            },
        };
        crate::DecodeError::new(table, item, issue)
    })
}

impl Entity {
    /// Checks that `item` is an item of this entity.
    pub fn check(&self, item: &crate::Item) -> Result<(), crate::error::DecodeIssue> {
        match item.get(self.attribute) {
            Some(crate::AttributeValue::S(name)) if name == self.name => Ok(()),
            Some(other) => Err(crate::error::DecodeIssue::wrong(
                format!("\"{}\", the entity read (S)", self.name),
                other,
            )
            .at(self.attribute)),
            None => Err(crate::error::DecodeIssue {
                steps: vec![crate::error::PathStep::Name(self.attribute.to_owned())],
                expected: format!("\"{}\", the entity read (S)", self.name).into(),
                found: "no such attribute".into(),
            }),
        }
    }
}

impl TableSchema {
    /// The table's key attribute names: hash key, then range key.
    pub fn key_attributes(&self) -> impl Iterator<Item = &'static str> + use<> {
        std::iter::once(self.hash_key.name).chain(self.range_key.map(|k| k.name))
    }

    /// The key attributes of `item` (a whole item or a key), as a key.
    pub fn key_of(&self, item: &crate::Item) -> crate::Item {
        self.key_attributes()
            .filter_map(|k| item.get(k).map(|v| (k.to_owned(), v.clone())))
            .collect()
    }

    /// The attributes of the hash key and of the range key of the table (`index` `None`) or of
    /// one of its indexes, each in key-schema order; `None` for an unknown index.
    pub fn keys_of(
        &'static self,
        index: Option<&str>,
    ) -> Option<(&'static [KeyAttribute], &'static [KeyAttribute])> {
        match index {
            Some(name) => self.index(name).map(|i| (i.hash_key, i.range_key)),
            None => Some((
                std::slice::from_ref(&self.hash_key),
                self.range_key.as_slice(),
            )),
        }
    }

    /// Every attribute used as a key of the table or an index, each once, in a stable order.
    pub fn key_definitions(&self) -> Vec<KeyAttribute> {
        let mut out: Vec<KeyAttribute> = Vec::new();
        let all = std::iter::once(self.hash_key).chain(self.range_key).chain(
            self.indexes
                .iter()
                .flat_map(|i| i.hash_key.iter().chain(i.range_key).copied()),
        );
        for key in all {
            if !out.iter().any(|k| k.name == key.name) {
                out.push(key);
            }
        }
        out
    }

    /// The index with this name.
    pub fn index(&self, name: &str) -> Option<&'static IndexSchema> {
        // `indexes` is 'static, so the reference outlives `self`.
        let indexes: &'static [IndexSchema] = self.indexes;
        indexes.iter().find(|i| i.name == name)
    }
}
