//! Typed conditions and filters through attribute handles.
//!
//! Generated models carry one handle per field (`GameScore::TOP_SCORE`), an [`Attr`] that knows
//! its model, its attribute (a marker type) and its codec. Operations exist for every handle,
//! but each one states what it needs of the attribute's type as a trait bound, so misuse is a
//! compile error with a message written for the user: `begins_with` on a number, `contains` on
//! a date, comparing a string field with a number.
//!
//! A [`Cond`] remembers, in its type, which top-level attributes it reads. Queries use that to
//! reject, at compile time, filters on the key attributes of the queried index (DynamoDB
//! refuses them).

use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use crate::AttributeValue;
use crate::codec::{self, Codec, EncodeIssue};
use crate::expr::{AttributeType, Comparison, Condition, Operand, Path};

/// A value that can stand for a value of the attribute stored with codec `C`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of this attribute's type",
    label = "expected a value of the attribute's Rust type",
    note = "the attribute is stored with `{C}`; pass a value of its Rust type (for string attributes a `&str` works too)"
)]
pub trait IntoValue<C: Codec> {
    /// Converts into the attribute's Rust value.
    fn into_value(self) -> C::Value;
}

macro_rules! values {
    ($($codec:ty: $($value:ty),+;)*) => {
        $($(
            impl IntoValue<$codec> for $value {
                fn into_value(self) -> <$codec as Codec>::Value {
                    self.into()
                }
            }
        )+)*
    };
}

// One impl per accepted Rust type (rather than a blanket impl over `C::Value`), so that a value
// of the wrong type is reported with the message above instead of a type-projection mismatch.
values! {
    codec::Str: String, &str, &String, Box<str>;
    codec::I64: i64;
    codec::I32: i32;
    codec::U32: u32;
    codec::U64: u64;
    codec::F64: f64;
    codec::Dec: crate::Decimal, i64;
    codec::Bool: bool;
    codec::Bytes: Vec<u8>, &[u8];
    codec::Uuid: uuid::Uuid;
    codec::Json: crate::json::Value, serde_json::Value;
    codec::DateTimeRfc3339: chrono::DateTime<chrono::Utc>;
    codec::DateTimeEpoch: chrono::DateTime<chrono::Utc>;
    codec::DateTimeEpochMillis: chrono::DateTime<chrono::Utc>;
    codec::DateTimeEpochSeconds: chrono::DateTime<chrono::Utc>;
    codec::DateIso: chrono::NaiveDate;
    codec::DateEpoch: chrono::NaiveDate;
}

impl IntoValue<codec::Dec> for &crate::Decimal {
    fn into_value(self) -> crate::Decimal {
        self.clone()
    }
}

impl<E: crate::StringEnum> IntoValue<codec::Enum<E>> for E {
    fn into_value(self) -> E {
        self
    }
}

impl<T: crate::Document> IntoValue<codec::Doc<T>> for T {
    fn into_value(self) -> T {
        self
    }
}

impl<C: Codec, V: IntoValue<C>> IntoValue<codec::List<C>> for Vec<V> {
    fn into_value(self) -> Vec<C::Value> {
        self.into_iter().map(IntoValue::into_value).collect()
    }
}

impl<C: Codec, V: IntoValue<C>> IntoValue<codec::Set<C>> for std::collections::BTreeSet<V>
where
    C::Value: Ord,
{
    fn into_value(self) -> std::collections::BTreeSet<C::Value> {
        self.into_iter().map(IntoValue::into_value).collect()
    }
}

impl<C: Codec, V: IntoValue<C>> IntoValue<codec::Map<C>> for std::collections::BTreeMap<String, V> {
    fn into_value(self) -> std::collections::BTreeMap<String, C::Value> {
        self.into_iter().map(|(k, v)| (k, v.into_value())).collect()
    }
}

/// Encodes a value for an expression; the empty set (stored as absent) becomes `NULL`.
pub(crate) fn encode<C: Codec>(value: impl IntoValue<C>) -> Result<AttributeValue, EncodeIssue> {
    codec::encode_present::<C>(&value.into_value())
}

/// Codecs whose values DynamoDB orders: strings, numbers and binary (`<`, `>`, `BETWEEN`).
#[diagnostic::on_unimplemented(
    message = "attribute `{A}` cannot be compared with `<`, `<=`, `>`, `>=` or `between`",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB orders only strings, numbers and binary data; use `eq`, `ne` or `in_` for other types"
)]
pub trait Ordered<A>: Codec {}

/// Codecs whose values have prefixes: strings and binary (`begins_with`).
#[diagnostic::on_unimplemented(
    message = "`begins_with` needs a string or binary attribute, and `{A}` is not one",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's begins_with works on strings and binary data only"
)]
pub trait Prefixed<A>: Codec {}

/// Codecs whose values contain elements: strings (substrings), sets and lists (`contains`).
#[diagnostic::on_unimplemented(
    message = "`contains` needs a string, set or list attribute, and `{A}` is not one",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's contains looks for a substring of a string or an element of a set or list"
)]
pub trait Containing<A>: Codec {
    /// What `contains` looks for.
    type Element: Codec;
}

/// Codecs whose values have a size: strings, binary, sets, lists, maps and documents (`size`).
#[diagnostic::on_unimplemented(
    message = "`size` needs a string, binary, set, list or map attribute, and `{A}` is not one",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's size() measures strings, binary data, sets, lists and maps"
)]
pub trait HasSize<A>: Codec {}

macro_rules! marks {
    ($trait:ident: $($codec:ty),* $(,)?) => { $(impl<A> $trait<A> for $codec {})* };
}

marks!(Ordered: codec::Str, codec::I64, codec::I32, codec::U32, codec::U64, codec::F64, codec::Dec,
    codec::Bytes, codec::Uuid, codec::DateTimeRfc3339, codec::DateTimeEpoch, codec::DateTimeEpochMillis,
    codec::DateTimeEpochSeconds, codec::DateIso, codec::DateEpoch);
impl<A, E: crate::StringEnum> Ordered<A> for codec::Enum<E> {}
marks!(Prefixed: codec::Str, codec::Bytes);
marks!(HasSize: codec::Str, codec::Bytes, codec::Json);
impl<A, C: Codec> HasSize<A> for codec::List<C> {}
impl<A, C: Codec> HasSize<A> for codec::Map<C> {}
impl<A, C: Codec> HasSize<A> for codec::Set<C> where C::Value: Ord {}
impl<A, T: crate::Document> HasSize<A> for codec::Doc<T> {}

impl<A> Containing<A> for codec::Str {
    type Element = codec::Str;
}
impl<A, C: Codec> Containing<A> for codec::List<C> {
    type Element = C;
}
impl<A, C: Codec> Containing<A> for codec::Set<C>
where
    C::Value: Ord,
{
    type Element = C;
}

/// The empty list of attributes a condition reads.
#[derive(Debug, Clone, Copy)]
pub struct Nil;

/// A list of attributes a condition reads: `H` then the rest `T`.
#[derive(Debug, Clone, Copy)]
pub struct Cons<H, T>(PhantomData<(H, T)>);

/// Type-level concatenation of attribute lists, for combining conditions.
pub trait Concat<Other> {
    /// `Self` followed by `Other`.
    type Output;
}

impl<O> Concat<O> for Nil {
    type Output = O;
}

impl<H, T: Concat<O>, O> Concat<O> for Cons<H, T> {
    type Output = Cons<H, T::Output>;
}

/// Implemented (by generated code) for every attribute a query of index `I` may filter on:
/// every attribute the index holds except its own keys.
#[diagnostic::on_unimplemented(
    message = "a query of `{I}` cannot filter on attribute `{Self}`",
    label = "this filter reads a key of the index, or an attribute the index does not hold",
    note = "DynamoDB rejects filters on the key attributes of the queried index (put those in the key condition: the hash key argument, or `range_eq`, `range_gt`, `range_between`, ...), and a global index that does not project an attribute has nothing to filter on (query the table or an index that holds it)"
)]
pub trait Filterable<I> {}

/// Every attribute of the list may be filtered on in a query of index `I`.
pub trait AllFilterable<I> {}

/// Implemented (by generated code) for every attribute that a global index with a KEYS_ONLY
/// or INCLUDE projection holds: what `select` may read from it.
#[diagnostic::on_unimplemented(
    message = "`{I}` does not hold attribute `{Self}`, so a query of it cannot select it",
    label = "an attribute the index does not project",
    note = "a global secondary index holds only the table's keys, its own keys and the attributes it projects; select from the table, or from an index that projects the attribute"
)]
pub trait Selectable<I> {}

impl<I, A: Selectable<I>, O> Selectable<I> for Part<A, O> {}

impl<I> AllFilterable<I> for Nil {}

impl<I, H: Filterable<I>, T: AllFilterable<I>> AllFilterable<I> for Cons<H, T> {}

/// A typed condition on items of model `M` that reads the attributes listed in `S`.
#[must_use = "a condition does nothing until it is given to a query, scan or write"]
pub struct Cond<M, S> {
    condition: Result<Condition, EncodeIssue>,
    _types: PhantomData<fn() -> (M, S)>,
}

impl<M, S> std::fmt::Debug for Cond<M, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Cond").field(&self.condition).finish()
    }
}

impl<M, S> Clone for Cond<M, S> {
    fn clone(&self) -> Self {
        Cond {
            condition: self.condition.clone(),
            _types: PhantomData,
        }
    }
}

/// The model of the handles a condition or a selection is built from is the model the
/// operation reads or writes: the bound of every method that takes a [`Cond`] or a selection,
/// so that another model's handles get this message rather than a mismatch of types.
#[diagnostic::on_unimplemented(
    message = "attributes of `{Self}` are used on `{M}`",
    label = "built from the attribute handles of `{Self}`",
    note = "use the handles of `{M}` (`{M}::ATTRIBUTE`), the model this operation reads or writes"
)]
pub trait SameModel<M> {}

impl<M> SameModel<M> for M {}

impl<M, S> Cond<M, S> {
    fn new(condition: Result<Condition, EncodeIssue>) -> Self {
        Cond {
            condition,
            _types: PhantomData,
        }
    }

    /// The same condition, typed as one of `M2`, for which [`SameModel`] has proved `M` and
    /// `M2` one model.
    pub(crate) fn of<M2>(self) -> Cond<M2, S>
    where
        M: SameModel<M2>,
    {
        Cond::new(self.condition)
    }

    /// The untyped condition, or the value that could not be encoded.
    pub fn into_condition(self) -> Result<Condition, EncodeIssue> {
        self.condition
    }

    /// The untyped condition, or the typed error for the value that could not be encoded.
    pub(crate) fn checked(self) -> crate::Result<Condition>
    where
        M: crate::Model,
    {
        self.condition
            .map_err(|issue| crate::Error::Encode(crate::EncodeError::new(&M::SCHEMA, issue)))
    }

    /// Both conditions hold.
    pub fn and<M2, S2>(self, other: Cond<M2, S2>) -> Cond<M, <S as Concat<S2>>::Output>
    where
        M2: SameModel<M>,
        S: Concat<S2>,
    {
        Cond::new(self.condition.and_then(|a| Ok(a.and(other.condition?))))
    }

    /// At least one of the conditions holds.
    pub fn or<M2, S2>(self, other: Cond<M2, S2>) -> Cond<M, <S as Concat<S2>>::Output>
    where
        M2: SameModel<M>,
        S: Concat<S2>,
    {
        Cond::new(self.condition.and_then(|a| Ok(a.or(other.condition?))))
    }

    /// The condition does not hold.
    pub fn negate(self) -> Cond<M, S> {
        Cond::new(self.condition.map(Condition::negate))
    }
}

impl<M, S: Concat<S2>, M2: SameModel<M>, S2> BitAnd<Cond<M2, S2>> for Cond<M, S> {
    type Output = Cond<M, S::Output>;

    fn bitand(self, rhs: Cond<M2, S2>) -> Self::Output {
        self.and(rhs)
    }
}

impl<M, S: Concat<S2>, M2: SameModel<M>, S2> BitOr<Cond<M2, S2>> for Cond<M, S> {
    type Output = Cond<M, S::Output>;

    fn bitor(self, rhs: Cond<M2, S2>) -> Self::Output {
        self.or(rhs)
    }
}

impl<M, S> Not for Cond<M, S> {
    type Output = Cond<M, S>;

    fn not(self) -> Self::Output {
        self.negate()
    }
}

/// A handle on a field of a nested document type `T` stored with codec `C`
/// (`Address::CITY`), used to reach into document attributes with [`Attr::field`].
///
/// `O` is [`Optional`] when the field may be absent (so an update may remove it) and
/// [`Required`] otherwise.
pub struct Field<T, C, O = Required> {
    name: &'static str,
    _types: Tag<T, C, O>,
}

/// Marks a nested field that may be absent.
#[derive(Debug, Clone, Copy)]
pub struct Optional;

/// Marks a nested field that is always present.
#[derive(Debug, Clone, Copy)]
pub struct Required;

/// A part of attribute `A` (a nested field, list element or map entry); `O` tells whether the
/// part may be absent. Filters on parts are allowed wherever filters on `A` are.
#[derive(Debug, Clone, Copy)]
pub struct Part<A, O>(PhantomData<(A, O)>);

impl<I, A: Filterable<I>, O> Filterable<I> for Part<A, O> {}

impl<T, C, O> Field<T, C, O> {
    /// The handle on the field stored as `name`.
    pub const fn new(name: &'static str) -> Self {
        Field {
            name,
            _types: PhantomData,
        }
    }

    /// The stored name of the field.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<T, C, O> Clone for Field<T, C, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, C, O> Copy for Field<T, C, O> {}

impl<T, C, O> std::fmt::Debug for Field<T, C, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field({})", self.name)
    }
}

/// Ties a handle to its model, attribute marker and codec without owning any of them.
type Tag<M, A, C> = PhantomData<fn() -> (M, A, C)>;

/// A handle on (a part of) attribute `A` of model `M`, whose value is stored with codec `C`.
pub struct Attr<M, A, C> {
    name: &'static str,
    rest: Vec<crate::expr::PathElement>,
    /// The stored schema default of the nested field this handle ends at, if it has one.
    nested_default: Option<AttributeValue>,
    _types: Tag<M, A, C>,
}

impl<M, A, C> Clone for Attr<M, A, C> {
    fn clone(&self) -> Self {
        Attr {
            name: self.name,
            rest: self.rest.clone(),
            nested_default: self.nested_default.clone(),
            _types: PhantomData,
        }
    }
}

impl<M, A, C> std::fmt::Debug for Attr<M, A, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attr")
            .field("name", &self.name)
            .field("rest", &self.rest)
            .finish()
    }
}

type One<M, A> = Cond<M, Cons<A, Nil>>;

#[allow(clippy::should_implement_trait)]
impl<M, A, C: Codec> Attr<M, A, C> {
    /// The handle on the top-level attribute stored as `name`.
    pub const fn new(name: &'static str) -> Self {
        Attr {
            name,
            rest: Vec::new(),
            nested_default: None,
            _types: PhantomData,
        }
    }

    /// The stored schema default of what this handle points at (`None` when there is none):
    /// what an absent value reads as, so that increments start from it.
    pub(crate) fn default_value(&self) -> Result<Option<AttributeValue>, EncodeIssue>
    where
        M: crate::Model,
    {
        if self.rest.is_empty() {
            let mut defaults = crate::Item::new();
            M::write_defaults(&mut defaults)?;
            Ok(defaults.remove(self.name))
        } else {
            Ok(self.nested_default.clone())
        }
    }

    /// The stored name of the top-level attribute.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The document path this handle points at.
    pub fn path(&self) -> Path {
        let mut path = Path::attr(self.name);
        for element in &self.rest {
            path = match element {
                crate::expr::PathElement::Name(n) => path.field(n.clone()),
                crate::expr::PathElement::Index(i) => path.index(*i),
            };
        }
        path
    }

    fn step<A2, C2>(mut self, element: crate::expr::PathElement) -> Attr<M, A2, C2> {
        self.rest.push(element);
        Attr {
            name: self.name,
            rest: self.rest,
            nested_default: None,
            _types: PhantomData,
        }
    }

    fn compare(self, op: Comparison, value: impl IntoValue<C>) -> One<M, A> {
        let path = self.path();
        Cond::new(
            encode::<C>(value)
                .map(|v| Condition::Compare(Operand::Path(path), op, Operand::Value(v))),
        )
    }

    /// The attribute equals `value`.
    pub fn eq(self, value: impl IntoValue<C>) -> One<M, A> {
        self.compare(Comparison::Eq, value)
    }

    /// The attribute differs from `value` (or is absent).
    pub fn ne(self, value: impl IntoValue<C>) -> One<M, A> {
        self.compare(Comparison::Ne, value)
    }

    /// The attribute is less than `value`.
    pub fn lt(self, value: impl IntoValue<C>) -> One<M, A>
    where
        C: Ordered<A>,
    {
        self.compare(Comparison::Lt, value)
    }

    /// The attribute is at most `value`.
    pub fn le(self, value: impl IntoValue<C>) -> One<M, A>
    where
        C: Ordered<A>,
    {
        self.compare(Comparison::Le, value)
    }

    /// The attribute is greater than `value`.
    pub fn gt(self, value: impl IntoValue<C>) -> One<M, A>
    where
        C: Ordered<A>,
    {
        self.compare(Comparison::Gt, value)
    }

    /// The attribute is at least `value`.
    pub fn ge(self, value: impl IntoValue<C>) -> One<M, A>
    where
        C: Ordered<A>,
    {
        self.compare(Comparison::Ge, value)
    }

    /// The attribute lies between `low` and `high`, both included.
    pub fn between(self, low: impl IntoValue<C>, high: impl IntoValue<C>) -> One<M, A>
    where
        C: Ordered<A>,
    {
        let path = self.path();
        Cond::new((|| {
            Ok(Condition::Between(
                Operand::Path(path),
                Operand::Value(encode::<C>(low)?),
                Operand::Value(encode::<C>(high)?),
            ))
        })())
    }

    /// The attribute equals one of `values`.
    pub fn in_<V: IntoValue<C>>(self, values: impl IntoIterator<Item = V>) -> One<M, A> {
        let path = self.path();
        Cond::new((|| {
            let options = values
                .into_iter()
                .map(|v| encode::<C>(v).map(Operand::Value))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Condition::In(Operand::Path(path), options))
        })())
    }

    /// The attribute starts with `prefix` (strings and binary data).
    pub fn begins_with(self, prefix: impl IntoValue<C>) -> One<M, A>
    where
        C: Prefixed<A>,
    {
        let path = self.path();
        Cond::new(encode::<C>(prefix).map(|v| Condition::BeginsWith(path, v)))
    }

    /// The string contains the substring, or the set or list contains the element.
    pub fn contains(self, element: impl IntoValue<<C as Containing<A>>::Element>) -> One<M, A>
    where
        C: Containing<A>,
    {
        let path = self.path();
        let element = encode::<<C as Containing<A>>::Element>(element);
        Cond::new(element.map(|v| Condition::Contains(path, v)))
    }

    /// The attribute is present.
    pub fn exists(self) -> One<M, A> {
        Cond::new(Ok(Condition::Exists(self.path())))
    }

    /// The attribute is absent.
    pub fn not_exists(self) -> One<M, A> {
        Cond::new(Ok(Condition::NotExists(self.path())))
    }

    /// The attribute is stored with DynamoDB type `ty`.
    pub fn attribute_type(self, ty: AttributeType) -> One<M, A> {
        Cond::new(Ok(Condition::AttributeType(self.path(), ty)))
    }

    /// The size of the attribute (length of a string or binary, number of elements of a set,
    /// list or map), to compare.
    pub fn size(self) -> Size<M, A>
    where
        C: HasSize<A>,
    {
        Size {
            path: self.path(),
            _types: PhantomData,
        }
    }
}

/// Codecs whose values hold elements at positions: lists (the bound of [`Attr::index`]).
#[diagnostic::on_unimplemented(
    message = "`index` gives a position in a list, and attribute `{A}` is not one",
    label = "a position in a value stored with `{Self}`",
    note = "DynamoDB's document paths have positions (`[0]`) in lists only: a set has no order (test its elements with `contains`), and the entries of a map have names (`entry(\"name\")`)"
)]
pub trait Positioned<A>: Codec {
    /// The codec of an element.
    type Element: Codec;
}

impl<A, C: Codec> Positioned<A> for codec::List<C> {
    type Element = C;
}

/// Codecs whose values hold named entries: maps (the bound of [`Attr::entry`]).
#[diagnostic::on_unimplemented(
    message = "`entry` names an entry of a map, and attribute `{A}` is not one",
    label = "a named entry in a value stored with `{Self}`",
    note = "DynamoDB's document paths name entries (`.name`) in maps only: the elements of a list have positions (`index(0)`), a set has neither (test its elements with `contains`), and a nested document's fields have handles (`field(Type::FIELD)`)"
)]
pub trait Keyed<A>: Codec {
    /// The codec of an entry.
    type Entry: Codec;
}

impl<A, C: Codec> Keyed<A> for codec::Map<C> {
    type Entry = C;
}

impl<M, A, C: Codec> Attr<M, A, C> {
    /// The element at `index` of the list.
    pub fn index<E: Codec>(self, index: usize) -> Attr<M, Part<A, Optional>, E>
    where
        C: Positioned<A, Element = E>,
    {
        self.step(crate::expr::PathElement::Index(index))
    }

    /// The entry `key` of the map.
    pub fn entry<E: Codec>(self, key: impl Into<String>) -> Attr<M, Part<A, Optional>, E>
    where
        C: Keyed<A, Entry = E>,
    {
        self.step(crate::expr::PathElement::Name(key.into().into()))
    }
}

impl<M, A, T: crate::Document> Attr<M, A, codec::Doc<T>> {
    /// The field `field` of the nested document.
    pub fn field<C: Codec, O>(self, field: Field<T, C, O>) -> Attr<M, Part<A, O>, C> {
        let mut defaults = crate::Item::new();
        // A default that cannot be stored is reported when it is used as one.
        let default = T::write_defaults(&mut defaults)
            .ok()
            .and_then(|()| defaults.remove(field.name));
        let mut attr = self.step(crate::expr::PathElement::Name(field.name.into()));
        attr.nested_default = default;
        attr
    }
}

impl<M, A> Attr<M, A, codec::Json> {
    /// The entry `key` of the JSON object.
    pub fn key(self, key: impl Into<String>) -> Attr<M, Part<A, Optional>, codec::Json> {
        self.step(crate::expr::PathElement::Name(key.into().into()))
    }

    /// The element at `index` of the JSON array.
    pub fn at(self, index: usize) -> Attr<M, Part<A, Optional>, codec::Json> {
        self.step(crate::expr::PathElement::Index(index))
    }
}

/// The size of an attribute, to compare with a number.
pub struct Size<M, A> {
    path: Path,
    _types: PhantomData<fn() -> (M, A)>,
}

impl<M, A> Size<M, A> {
    fn compare(self, op: Comparison, n: u64) -> One<M, A> {
        Cond::new(Ok(Condition::Compare(
            Operand::Size(self.path),
            op,
            Operand::Value(AttributeValue::N(n.to_string())),
        )))
    }

    /// The size equals `n`.
    pub fn eq(self, n: u64) -> One<M, A> {
        self.compare(Comparison::Eq, n)
    }

    /// The size differs from `n`.
    pub fn ne(self, n: u64) -> One<M, A> {
        self.compare(Comparison::Ne, n)
    }

    /// The size is less than `n`.
    pub fn lt(self, n: u64) -> One<M, A> {
        self.compare(Comparison::Lt, n)
    }

    /// The size is at most `n`.
    pub fn le(self, n: u64) -> One<M, A> {
        self.compare(Comparison::Le, n)
    }

    /// The size is greater than `n`.
    pub fn gt(self, n: u64) -> One<M, A> {
        self.compare(Comparison::Gt, n)
    }

    /// The size is at least `n`.
    pub fn ge(self, n: u64) -> One<M, A> {
        self.compare(Comparison::Ge, n)
    }

    /// The size lies between `low` and `high`, both included.
    pub fn between(self, low: u64, high: u64) -> One<M, A> {
        Cond::new(Ok(Condition::Between(
            Operand::Size(self.path),
            Operand::Value(AttributeValue::N(low.to_string())),
            Operand::Value(AttributeValue::N(high.to_string())),
        )))
    }
}
