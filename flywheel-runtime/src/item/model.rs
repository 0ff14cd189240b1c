//! The traits generated code implements.

use crate::error::{DecodeIssue, EncodeIssue};
use crate::schema::TableSchema;
use crate::{DecodeError, EncodeError, Item};

/// A model: one DynamoDB table mapped to one Rust struct.
///
/// Implemented by generated code; the [`Engine`](crate::Engine) operations are generic over it.
/// Every model is also [`Whole`] (generated with [`whole!`](crate::whole)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model of a table",
    label = "not a model",
    note = "models are the structs generated for the tables of the schemas; an index item (what a query of a KEYS_ONLY or INCLUDE index returns) holds only the attributes its index projects: read the whole item (`fetch_full`, or `engine.get(item.key())`)"
)]
pub trait Model: Sized + Send + Sync + 'static + Whole<Model = Self> {
    /// The key type: the table's hash key and range key.
    type Key: ModelKey<Model = Self>;

    /// Everything flywheel knows about the table.
    const SCHEMA: TableSchema;

    /// The key of this item.
    fn key(&self) -> Self::Key;

    /// Stores every field into `item`, one attribute each (generated: a line per field).
    fn write_fields(&self, item: &mut Item) -> Result<(), EncodeIssue>;

    /// Reads every field out of `item`, taking the attributes it reads (generated: a line per
    /// field). Key attributes are read in place, so that `item` can name the item in an error.
    fn read_fields(item: &mut Item) -> Result<Self, DecodeIssue>;

    /// Converts the item to its DynamoDB attributes; an error names the table and key.
    #[inline]
    fn to_item(&self) -> Result<Item, EncodeError> {
        let mut item = Item::with_capacity(Self::SCHEMA.attributes.len() + 1);
        match self.write_fields(&mut item) {
            Ok(()) => {
                if let Some(entity) = Self::SCHEMA.entity {
                    item.insert(
                        entity.attribute.to_owned(),
                        crate::AttributeValue::S(entity.name.to_owned()),
                    );
                }
                Ok(item)
            }
            Err(issue) => Err(EncodeError::new(&Self::SCHEMA, issue)),
        }
    }

    /// Reads an item from its DynamoDB attributes; undeclared attributes are ignored. An error
    /// names the table, the key and the attribute.
    #[inline]
    fn from_item(mut item: Item) -> Result<Self, DecodeError> {
        // An item of another entity of the table is an error, never read as this one.
        if let Some(entity) = Self::SCHEMA.entity
            && let Err(issue) = entity.check(&item)
        {
            return Err(DecodeError::new(&Self::SCHEMA, &item, issue));
        }
        Self::read_fields(&mut item).map_err(|issue| DecodeError::new(&Self::SCHEMA, &item, issue))
    }

    /// Stores the schema default of every top-level field that has one (`default = ...`): what
    /// the field reads as when the item lacks it. A tracked model that was never saved writes
    /// these only where the stored item has nothing, and increments start from them.
    fn write_defaults(item: &mut Item) -> Result<(), EncodeIssue> {
        let _ = item;
        Ok(())
    }
}

/// What can be written or deleted as a whole item: a model (the bound of the operations that
/// take one, such as [`Engine::save`](crate::Engine::save)). Generated code implements it for
/// each model through [`whole!`](crate::whole): with no impl for every [`Model`] at once,
/// anything else gets this message and no error that would follow from it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model, so it cannot be written or deleted as an item",
    label = "not a model of a table",
    note = "an index item (what a query of a KEYS_ONLY or INCLUDE index returns) holds only the attributes its index projects, and writing it would lose the others: read the whole item (`fetch_full`, or `engine.get(item.key())`) and write that"
)]
pub trait Whole {
    /// The model.
    type Model: Model;

    /// The model itself.
    fn whole(&self) -> &Self::Model;
}

/// A model whose schema declares a version attribute (`version = "..."` in `[table]`): the
/// operations that check a version (`if_version`) exist only for these. Implemented by
/// generated code.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no version attribute, so its writes cannot check a version",
    label = "a version check on a model without a version attribute",
    note = "declare one with `version = \"<attribute>\"` in the schema's `[table]`, or use `condition(...)` on an attribute of `{Self}`"
)]
pub trait Versioned: Model {}

/// A model whose schema declares no version attribute: what a batch write may put as it is,
/// since batch writes cannot check a version. Implemented by generated code.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has a version attribute, which a batch write cannot check",
    label = "a versioned model put by a batch write",
    note = "call `overwrite_versions()` on the batch to write `{Self}` unconditionally (the stored version is read over), or write it in a transaction, which checks versions"
)]
pub trait Unversioned: Model {}

/// A model without unique attributes (no `unique = true` in its schema): what the writes
/// that cannot keep uniqueness items in step may write (batch writes, deletes by key in a
/// transaction, deletes of every item a query or scan reads). Implemented by generated code.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has unique attributes, whose uniqueness items this write cannot keep in step",
    label = "a write of a model with unique attributes that bypasses their uniqueness items",
    note = "the unique attributes of `{Self}` are guarded by items written with it: save, sync and delete_item it one at a time, or in a transaction (`create`, `put`, `update`, `delete_item`)"
)]
pub trait NoUnique: Model {}

/// A model whose schema declares a time to live (`ttl = "..."` in `[table]`): reads of it
/// can leave out expired items (`exclude_expired`). Implemented by generated code.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no time-to-live attribute, so no item of it expires",
    label = "`exclude_expired` on a model without a time to live",
    note = "declare one with `ttl = \"<attribute>\"` in the schema's `[table]`"
)]
pub trait Expiring: Model {}

/// The stored schema defaults of model `M`, by attribute name.
pub(crate) fn defaults_of<M: Model>() -> Result<Item, EncodeError> {
    let mut item = Item::new();
    M::write_defaults(&mut item).map_err(|issue| EncodeError::new(&M::SCHEMA, issue))?;
    Ok(item)
}

/// The primary key of a model.
pub trait ModelKey: Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The model this is the key of.
    type Model: Model<Key = Self>;

    /// Stores the key attributes into `item` (generated: a line per key attribute).
    fn write_fields(&self, item: &mut Item) -> Result<(), EncodeIssue>;

    /// Stores the parts of a computed key as their own attributes (generated for keys with
    /// templates): an update finds there the parts of index keys that are also key parts.
    fn write_parts(&self, item: &mut Item) -> Result<(), EncodeIssue> {
        let _ = item;
        Ok(())
    }

    /// Converts the key to the DynamoDB key attributes; an error names the table.
    #[inline]
    fn to_item(&self) -> Result<Item, EncodeError> {
        let mut item = Item::with_capacity(2);
        match self.write_fields(&mut item) {
            Ok(()) => Ok(item),
            Err(issue) => Err(EncodeError::new(&<Self::Model as Model>::SCHEMA, issue)),
        }
    }
}

/// A nested document type from `[types.Name]`, stored as a map.
pub trait Document: Sized {
    /// The type name, for messages.
    const NAME: &'static str;

    /// How many fields the type has.
    const FIELDS: usize;

    /// Stores every field into `map` (generated: a line per field).
    fn write_fields(&self, map: &mut Item) -> Result<(), EncodeIssue>;

    /// Reads every field out of `map` (generated: a line per field).
    fn read_fields(map: &mut Item) -> Result<Self, DecodeIssue>;

    /// Converts the value to a map of attributes.
    #[inline]
    fn to_map(&self) -> Result<Item, EncodeIssue> {
        let mut map = Item::with_capacity(Self::FIELDS);
        self.write_fields(&mut map)?;
        Ok(map)
    }

    /// Reads the value from a map of attributes.
    #[inline]
    fn from_map(mut map: Item) -> Result<Self, DecodeIssue> {
        Self::read_fields(&mut map)
    }

    /// Stores the schema default of every field that has one, like [`Model::write_defaults`].
    fn write_defaults(map: &mut Item) -> Result<(), EncodeIssue> {
        let _ = map;
        Ok(())
    }
}

/// An enum from `[enums.Name]`, stored as one of its value strings.
pub trait StringEnum: Sized + Copy + 'static {
    /// Every stored value, in schema order.
    const VALUES: &'static [&'static str];

    /// The stored value of this variant.
    fn as_str(&self) -> &'static str;

    /// The variant stored as `value`, if there is one.
    fn from_value(value: &str) -> Option<Self>;
}

/// A string that is not a value of an enum, from the enum's `FromStr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The enum's name.
    pub enum_name: &'static str,
    /// The string that was given.
    pub value: String,
}

impl UnknownValue {
    /// The error for `value` of enum `enum_name`.
    pub fn new(enum_name: &'static str, value: &str) -> UnknownValue {
        UnknownValue {
            enum_name,
            value: value.to_owned(),
        }
    }
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not a value of the enum {}",
            self.value, self.enum_name
        )
    }
}

impl std::error::Error for UnknownValue {}
