//! The traits generated code implements.

use crate::error::{DecodeIssue, EncodeIssue};
use crate::schema::TableSchema;
use crate::{DecodeError, EncodeError, Item};

/// A model: one DynamoDB table mapped to one Rust struct.
///
/// Implemented by generated code; the [`Engine`](crate::Engine) operations are generic over it.
pub trait Model: Sized + Send + Sync + 'static {
    /// The key type: the table's hash key and range key.
    type Key: ModelKey<Model = Self>;

    /// Everything flywheel knows about the table.
    const SCHEMA: TableSchema;

    /// The key of this item.
    fn key(&self) -> Self::Key;

    /// Converts the item to its DynamoDB attributes.
    fn to_item(&self) -> Result<Item, EncodeError>;

    /// Reads an item from its DynamoDB attributes; undeclared attributes are ignored.
    fn from_item(item: Item) -> Result<Self, DecodeError>;

    /// Stores the schema default of every top-level field that has one (`default = ...`): what
    /// the field reads as when the item lacks it. A tracked model that was never saved writes
    /// these only where the stored item has nothing, and increments start from them.
    fn write_defaults(item: &mut Item) -> Result<(), EncodeIssue> {
        let _ = item;
        Ok(())
    }
}

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

    /// Converts the key to the DynamoDB key attributes.
    fn to_item(&self) -> Result<Item, EncodeError>;
}

/// A nested document type from `[types.Name]`, stored as a map.
pub trait Document: Sized {
    /// The type name, for messages.
    const NAME: &'static str;

    /// Converts the value to a map of attributes.
    fn to_map(&self) -> Result<Item, EncodeIssue>;

    /// Reads the value from a map of attributes.
    fn from_map(map: Item) -> Result<Self, DecodeIssue>;

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
