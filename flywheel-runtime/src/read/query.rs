//! Typed queries: one entry point per index, generated on the model
//! (`GameScore::query(userid)`, `GameScore::query_game_title_index(title)`).
//!
//! ```ignore
//! // With the models generated from the GameScore schema:
//! let top = GameScore::query_game_title_index("Galaxy Invaders")
//!     .range_gt(9000)
//!     .reverse()
//!     .first(&engine)
//!     .await?;
//! ```
//!
//! What DynamoDB would reject does not compile: a range-key condition on an index without a
//! range key, `range_begins_with` on a numeric range key, a consistent read of a global index,
//! a filter on a key attribute of the queried index, a value of the wrong type.

use std::marker::PhantomData;

use crate::AttributeValue;
use crate::codec::KeyPrefix;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::Comparison;
use crate::expr::{KeyCondition, RangeCondition};
use crate::filter::{AllFilterable, Attr, Cond, IntoValue, SameModel, encode};
use crate::index::{ConsistentIndex, FromItem, HasRangeKey, Index, PrefixRangeKey};
use crate::read::pages::{self, Spec};
use crate::read::{OfIndex, Read};
use crate::template::{Part, Template};

/// A query of index `I` returning `T` (the index's item type unless [`Query::select`] chose
/// attributes). Build it with the generated entry points, refine it, then run it with a
/// terminator: [`all`](Query::all), [`first`](Query::first), [`one`](Query::one),
/// [`stream`](Query::stream), [`page`](Query::page), [`count`](Query::count),
/// [`delete`](Query::delete).
///
/// `R` records whether the query has its range-key condition yet ([`Unranged`] or
/// [`Ranged`]): DynamoDB takes one condition on the range key, so a second `range_*` call does
/// not compile (both bounds go in one [`range_between`](Query::range_between)).
pub type Query<I, T = <I as Index>::Item, R = Unranged> = Read<OfIndex<I>, T, R>;

pub use crate::read::{RangeFree, Ranged, Unranged};

impl<I: Index> Query<I> {
    /// The query of index `I` for the items whose hash key is `hash`; called by generated code.
    pub fn new(hash: impl IntoValue<I::Hash>) -> Self {
        let mut spec = Spec::new(I::schema(), I::NAME);
        match encode::<I::Hash>(hash) {
            Ok(hash) => {
                spec.key = Some(KeyCondition {
                    hash: vec![(I::HASH_KEY, hash)],
                    range: Vec::new(),
                });
            }
            Err(issue) => spec.encode_failed(issue.at(I::HASH_KEY)),
        }
        Read::from_spec(spec)
    }

    /// The query of index `I`, whose hash key is several attributes, for the items whose
    /// attributes have `values` (one per attribute, in key-schema order, each written with
    /// [`key_value`]); called by generated code.
    pub fn with_hash<const N: usize>(
        values: [std::result::Result<AttributeValue, crate::codec::EncodeIssue>; N],
    ) -> Self {
        let mut spec = Spec::new(I::schema(), I::NAME);
        let (attrs, _) = index_keys::<I>();
        let mut hash = Vec::with_capacity(N);
        for (attr, value) in attrs.iter().zip(values) {
            match value {
                Ok(value) => hash.push((attr.name, value)),
                Err(issue) => {
                    spec.encode_failed(issue.at(attr.name));
                    return Read::from_spec(spec);
                }
            }
        }
        spec.key = Some(KeyCondition {
            hash,
            range: Vec::new(),
        });
        Read::from_spec(spec)
    }
}

/// The value of one attribute of a key of several attributes, as its codec `C` stores it (the
/// arguments of [`Query::with_hash`]).
pub fn key_value<C: crate::codec::Codec>(
    value: impl IntoValue<C>,
) -> std::result::Result<AttributeValue, crate::codec::EncodeIssue> {
    encode::<C>(value)
}

/// The attributes of the hash key and of the range key of index `I`.
fn index_keys<I: Index>() -> (
    &'static [crate::schema::KeyAttribute],
    &'static [crate::schema::KeyAttribute],
) {
    I::schema()
        .keys_of(I::NAME)
        .unwrap_or_else(|| unreachable!("the generated index `{:?}` is in its schema", I::NAME))
}

/// A prefix of the range key of index `I` (the argument of `range_begins_with`): text for
/// range keys stored as strings, bytes for binary ones. The bound of an index whose range key
/// is a number is `PrefixRangeKey`, whose message says so.
pub trait PrefixOf<I> {
    /// The prefix as the attribute value DynamoDB compares.
    fn into_prefix(self) -> AttributeValue;
}

impl<I: PrefixRangeKey, P: Into<<I::Range as KeyPrefix>::Prefix>> PrefixOf<I> for P {
    fn into_prefix(self) -> AttributeValue {
        <I::Range as KeyPrefix>::prefix(self.into())
    }
}

impl<I: Index, T: FromItem, R> Query<I, T, R> {
    fn range(
        mut self,
        condition: std::result::Result<RangeCondition, crate::codec::EncodeIssue>,
    ) -> Query<I, T, Ranged> {
        match condition {
            Ok(c) => self.set_range(c),
            Err(issue) => self
                .spec
                .encode_failed(issue.at(I::RANGE_KEY.unwrap_or_default())),
        }
        self.retype()
    }

    fn range_compare(self, op: Comparison, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged> {
        let condition = encode::<I::Range>(value).map(|v| RangeCondition::Compare(op, v));
        self.range(condition)
    }

    /// Only items whose range key equals `value`.
    pub fn range_eq(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Eq, value)
    }

    /// Only items whose range key is less than `value`.
    pub fn range_lt(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Lt, value)
    }

    /// Only items whose range key is at most `value`.
    pub fn range_le(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Le, value)
    }

    /// Only items whose range key is greater than `value`.
    pub fn range_gt(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Gt, value)
    }

    /// Only items whose range key is at least `value`.
    pub fn range_ge(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Ge, value)
    }

    /// Only items whose range key lies between `low` and `high`, both included.
    pub fn range_between(
        self,
        low: impl IntoValue<I::Range>,
        high: impl IntoValue<I::Range>,
    ) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        let condition = encode::<I::Range>(low)
            .and_then(|low| Ok(RangeCondition::Between(low, encode::<I::Range>(high)?)));
        self.range(condition)
    }

    /// Only items whose range key starts with `prefix`: range keys stored as strings (a prefix
    /// of their stored text: `"2024-05-01"` for the datetimes of a day) or binary data.
    pub fn range_begins_with(self, prefix: impl PrefixOf<I>) -> Query<I, T, Ranged>
    where
        R: RangeFree,
    {
        self.range(Ok(RangeCondition::BeginsWith(prefix.into_prefix())))
    }

    /// Only items for which `condition` holds (applied by DynamoDB after reading, so it costs
    /// the same read capacity). Several filters must all hold. Filters on the key attributes of
    /// the queried index do not compile.
    pub fn filter<CM, S>(mut self, condition: Cond<CM, S>) -> Self
    where
        CM: SameModel<I::Model>,
        S: AllFilterable<I>,
    {
        match condition.into_condition() {
            Ok(c) => self.spec.filters.push(c),
            Err(issue) => self.spec.encode_failed(issue),
        }
        self
    }

    /// Descending range-key order (flywheel's `desc`).
    pub fn reverse(mut self) -> Self {
        self.spec.reverse = true;
        self
    }

    /// Strongly consistent reads (the table and local indexes only).
    pub fn consistent(mut self) -> Self
    where
        I: ConsistentIndex,
    {
        self.spec.consistent = true;
        self
    }

    /// The first matching item in range-key order (see [`reverse`](Query::reverse)), if any.
    pub async fn first(&self, engine: &Engine) -> Result<Option<T>> {
        let mut spec = self.spec.clone();
        spec.limit(1);
        Ok(pages::all(&spec, engine).await?.into_iter().next())
    }

    /// The one matching item: [`Error::NotFound`] when there is none,
    /// [`Error::MoreThanOne`] when there are several (among the first [`limit`](Query::limit)
    /// items, when there is a limit).
    pub async fn one(&self, engine: &Engine) -> Result<T> {
        let mut spec = self.spec.clone();
        spec.limit(2);
        let mut items = pages::all::<T>(&spec, engine).await?;
        match items.len() {
            0 => Err(Error::NotFound {
                table: pages::describe(&self.spec, engine),
                key: self.describe_key(),
            }),
            1 => Ok(items.remove(0)),
            _ => Err(Error::MoreThanOne {
                table: pages::describe(&self.spec, engine),
            }),
        }
    }

    fn describe_key(&self) -> String {
        match &self.spec.key {
            Some(key) => format!(
                "{{{}}}",
                key.hash
                    .iter()
                    .map(|(attr, value)| format!("{attr} = {}", crate::error::render_value(value)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => String::new(),
        }
    }

    /// Makes `condition` the condition on the range key (of one attribute).
    fn set_range(&mut self, condition: RangeCondition) {
        if let (Some(key), Some(attr)) = (&mut self.spec.key, I::RANGE_KEY) {
            key.range = vec![(attr, condition)];
        }
    }
}

impl<I: Index, R> Query<I, I::Item, R> {
    /// Reads the whole items from the table for an index that holds only some attributes:
    /// queries the index, then fetches each page's items by key in batches. Items deleted in
    /// between are skipped.
    pub async fn fetch_full(&self, engine: &Engine) -> Result<Vec<I::Model>> {
        let mut spec = self.spec.clone();
        spec.select = None;
        let keys = pages::table_keys(&spec, engine).await?;
        let table = engine.table_name(spec.schema);
        let items = crate::batch::get_keys(engine, &table, keys, spec.consistent).await?;
        items
            .into_iter()
            .map(|item| engine.decode::<I::Model>(item))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Range keys of parts: computed range keys, and range keys of several attributes
// ---------------------------------------------------------------------------------------------

/// A query of an index whose range key has parts, whose next part to constrain is the
/// attribute `P`: [`eq`](Query::eq) on it moves to the part after it, and a comparison,
/// [`between`](Query::between) or [`begins_with`](Query::begins_with) ends the range-key
/// condition. The parts are those of a range key computed from a template (the condition
/// becomes one on its text), or the attributes of a global index's range key of several
/// attributes (each part's condition is one of the key condition).
pub struct Parts<P>(PhantomData<fn() -> P>);

/// A part of the range key of index `I`: of its template, or one of its attributes
/// (generated for each part, in order).
pub trait RangePart<I> {
    /// The state after equality on this part: [`Parts`] of the next part, or [`Ranged`] after
    /// the last.
    type Next;
    /// Its place among the template's parts, from 0.
    const NUMBER: usize;
}

/// The attribute a part condition names is the part the query `Q` is at (`Q` is
/// [`Parts`] of it).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the part of the range key this query constrains next",
    label = "not the next part",
    note = "the query is at `{Q}` (`Ranged`: its range-key condition is complete; `Unranged`: its range key is one plain attribute, so use `range_eq`, `range_gt`, ...); the parts of a computed range key, or the attributes of a range key of several, are constrained in order: `eq` on each leading part, then one comparison, `between` or `begins_with` on the next"
)]
pub trait NextPart<Q> {}

impl<P> NextPart<Parts<P>> for P {}

/// A value that a condition on a part of a range key compares with: written into the text of
/// a computed range key ([`Part`]), or stored by its codec as an attribute of a range key of
/// several attributes.
pub trait PartValue {
    /// The value as a template part; `None` for values no template holds (binary data).
    fn as_part(&self) -> Option<&dyn Part>;
}

impl<T: Part> PartValue for T {
    fn as_part(&self) -> Option<&dyn Part> {
        Some(self)
    }
}

impl PartValue for Vec<u8> {
    fn as_part(&self) -> Option<&dyn Part> {
        None
    }
}

impl<I: Index> Query<I> {
    /// The query of index `I` for the items whose computed hash key is `hash` written with
    /// `parts`; called by generated code.
    pub fn with_template(hash: &Template, parts: &[&dyn Part]) -> Self {
        let mut spec = Spec::new(I::schema(), I::NAME);
        match hash.format(parts) {
            Ok(text) => {
                spec.key = Some(KeyCondition {
                    hash: vec![(I::HASH_KEY, AttributeValue::S(text))],
                    range: Vec::new(),
                });
            }
            Err(issue) => spec.encode_failed(issue),
        }
        Read::from_spec(spec)
    }
}

impl<I: Index, T: FromItem, R> Query<I, T, R> {
    /// Makes the query read the items of several entities of a shared table (a collection),
    /// returned as `T2`, the generated enum with a variant per entity; called by generated
    /// code.
    pub fn of_entities<T2: FromItem>(mut self, names: &'static [&'static str]) -> Query<I, T2, R> {
        if let Some(entity) = I::schema().entity {
            // The entity's own filter gives way to one naming every entity of the collection.
            self.spec.filters.retain(|c| !matches!(c, crate::expr::Condition::Compare(crate::expr::Operand::Path(p), Comparison::Eq, _) if *p == crate::expr::Path::attr(entity.attribute)));
            self.spec.filters.push(crate::expr::Condition::In(
                crate::expr::Operand::Path(crate::expr::Path::attr(entity.attribute)),
                names
                    .iter()
                    .map(|n| crate::expr::Operand::Value(AttributeValue::S((*n).to_owned())))
                    .collect(),
            ));
        }
        self.retype()
    }

    /// Lets later conditions name the attributes of a range key of several attributes, in
    /// key-schema order; called by generated code.
    pub fn range_attributes<R2>(self) -> Query<I, T, R2> {
        self.retype()
    }

    /// Scopes the query to the range key computed from `range`: to its text before the first
    /// part (the items of this shape), and lets later conditions name its parts; called by
    /// generated code.
    pub fn range_template<R2>(mut self, range: &'static Template) -> Query<I, T, R2> {
        let mut prefix = String::new();
        let _ = range.write_prefix(&mut prefix, &[]);
        self.spec.range_template = Some(range);
        if !prefix.is_empty() {
            self.set_range(RangeCondition::BeginsWith(AttributeValue::S(prefix)));
        }
        self.retype()
    }
}

/// Where a part condition stands: the text of the range key before the part, the part as
/// written, and what follows it in the template.
struct Step {
    before: String,
    value: String,
    /// The first byte of the text after the part, if text follows it.
    stop: Option<u8>,
    /// Whether the part ends the template.
    last: bool,
    /// The text between the part and the next part (empty at the end).
    after: &'static str,
}

impl Step {
    /// `before` and the part.
    fn through(&self) -> String {
        format!("{}{}", self.before, self.value)
    }

    /// The least range key above every key whose part equals the value, and whether that very
    /// key is not one of them (to be left out).
    fn above_equal(&self) -> (String, bool) {
        match (self.stop, self.last) {
            (Some(stop), _) => (format!("{}{}", self.through(), char::from(stop + 1)), false),
            (None, true) => (self.through(), false),
            (None, false) => match successor(&self.through()) {
                Some(next) => (next, true),
                None => (self.through(), false),
            },
        }
    }
}

/// The least string above every string that starts with `text`, if there is one.
fn successor(text: &str) -> Option<String> {
    let mut chars: Vec<char> = text.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => Some('\u{E000}'),
            n => char::from_u32(n),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// A bound of a range-key condition: its text, and whether the key equal to it is left out.
type Bound = (String, bool);

/// `op` with `value`, stored by codec `C`: a condition on an attribute of a range key of
/// several attributes.
fn encode_attribute<C: crate::codec::Codec>(
    value: &C::Value,
    op: Comparison,
) -> std::result::Result<RangeCondition, crate::codec::EncodeIssue> {
    crate::codec::encode_present::<C>(value).map(|v| RangeCondition::Compare(op, v))
}

impl<I: Index, T: FromItem, R> Query<I, T, R> {
    fn step(&mut self, number: usize, value: &dyn PartValue) -> Option<Step> {
        let template = self.spec.range_template?;
        let Some(value) = value.as_part() else {
            self.spec
                .invalid("binary data is not a part of a key template, so it has no conditions");
            return None;
        };
        let before = match self.spec.key.as_ref().and_then(|k| k.range.first()) {
            Some((_, RangeCondition::BeginsWith(AttributeValue::S(prefix)))) => prefix.clone(),
            _ => String::new(),
        };
        let index = template.part_index(number)?;
        let place = template.place(index);
        let mut written = String::new();
        if let Err(issue) = template.write_part_at(index, value, &mut written) {
            self.spec.encode_failed(issue);
            return None;
        }
        let after = match template.pieces.get(index + 1) {
            Some(crate::template::Piece::Text(text)) => text,
            _ => "",
        };
        Some(Step {
            before,
            value: written,
            stop: place.stop,
            last: index + 1 == template.pieces.len(),
            after,
        })
    }

    /// The attribute `number` of the range key of several attributes.
    fn range_attribute(number: usize) -> &'static str {
        index_keys::<I>().1.get(number).map_or("", |k| k.name)
    }

    /// Adds `condition` on attribute `number` of a range key of several attributes, after the
    /// equalities on the attributes before it.
    fn push_attribute(
        &mut self,
        number: usize,
        condition: std::result::Result<RangeCondition, crate::codec::EncodeIssue>,
    ) {
        let attr = Self::range_attribute(number);
        match condition {
            Ok(condition) => {
                if let Some(key) = &mut self.spec.key {
                    key.range.push((attr, condition));
                }
            }
            Err(issue) => self.spec.encode_failed(issue.at(attr)),
        }
    }

    /// The condition for range keys between `low` and `high` (`None`: unbounded on that side).
    fn bounded(mut self, low: Option<Bound>, high: Option<Bound>) -> Query<I, T, Ranged> {
        let s = |text: String| AttributeValue::S(text);
        let mut exclude = Vec::new();
        let condition = match (low, high) {
            (Some((low, out_low)), Some((high, out_high))) => {
                if out_low {
                    exclude.push(s(low.clone()));
                }
                if out_high {
                    exclude.push(s(high.clone()));
                }
                Some(RangeCondition::Between(s(low), s(high)))
            }
            (Some((low, out)), None) => Some(RangeCondition::Compare(
                if out { Comparison::Gt } else { Comparison::Ge },
                s(low),
            )),
            (None, Some((high, out))) => Some(RangeCondition::Compare(
                if out { Comparison::Lt } else { Comparison::Le },
                s(high),
            )),
            (None, None) => None,
        };
        match condition {
            Some(condition) => self.set_range(condition),
            None => {
                if let Some(key) = &mut self.spec.key {
                    key.range.clear();
                }
            }
        }
        self.spec.exclude = exclude;
        self.retype()
    }

    /// The lower end of the part's range: the keys before it.
    fn floor(step: &Step) -> Option<Bound> {
        (!step.before.is_empty()).then(|| (step.before.clone(), false))
    }

    /// The upper end of the part's range: everything that starts with the keys before it.
    fn ceiling(step: &Step) -> Option<Bound> {
        successor(&step.before).map(|s| (s, false))
    }

    /// Only items whose part `part` equals `value`; the next condition names the part after
    /// it. On the last part, this is the whole range key.
    pub fn eq<M, A, C>(
        mut self,
        part: Attr<M, A, C>,
        value: impl Into<C::Value>,
    ) -> Query<I, T, A::Next>
    where
        A: NextPart<R> + RangePart<I>,
        C: crate::codec::Codec,
        C::Value: PartValue,
    {
        let _ = part;
        let value = value.into();
        if self.spec.range_template.is_none() {
            let condition = encode_attribute::<C>(&value, Comparison::Eq);
            self.push_attribute(A::NUMBER, condition);
            return self.retype();
        }
        if let Some(step) = self.step(A::NUMBER, &value) {
            let condition = if step.last {
                RangeCondition::Compare(Comparison::Eq, AttributeValue::S(step.through()))
            } else {
                RangeCondition::BeginsWith(AttributeValue::S(format!(
                    "{}{}",
                    step.through(),
                    step.after
                )))
            };
            self.set_range(condition);
        }
        self.retype()
    }

    fn compare<M, A, C>(
        mut self,
        part: Attr<M, A, C>,
        value: C::Value,
        op: Comparison,
    ) -> Query<I, T, Ranged>
    where
        A: NextPart<R> + RangePart<I>,
        C: crate::codec::Codec,
        C::Value: PartValue,
    {
        let _ = part;
        if self.spec.range_template.is_none() {
            let condition = encode_attribute::<C>(&value, op);
            self.push_attribute(A::NUMBER, condition);
            return self.retype();
        }
        let Some(step) = self.step(A::NUMBER, &value) else {
            return self.retype();
        };
        let (low, high) = match op {
            Comparison::Lt => {
                // A key that is exactly `before` and the part has the part equal, unless text
                // follows the part in every key.
                let out = step.stop.is_none();
                (Self::floor(&step), Some((step.through(), out)))
            }
            Comparison::Le => (Self::floor(&step), Some(step.above_equal())),
            Comparison::Gt => {
                let low = match (step.stop, step.last) {
                    (Some(_), _) | (None, false) => {
                        let (above, _) = step.above_equal();
                        (above, false)
                    }
                    (None, true) => (step.through(), true),
                };
                (Some(low), Self::ceiling(&step))
            }
            _ => (Some((step.through(), false)), Self::ceiling(&step)),
        };
        self.bounded(low, high)
    }

    /// Only items whose part `part` is less than `value` (after equality on the parts before).
    pub fn lt<M, A, C>(self, part: Attr<M, A, C>, value: impl Into<C::Value>) -> Query<I, T, Ranged>
    where
        A: NextPart<R> + RangePart<I>,
        C: crate::codec::Codec,
        C::Value: PartValue,
    {
        self.compare(part, value.into(), Comparison::Lt)
    }

    /// Only items whose part `part` is at most `value`.
    pub fn le<M, A, C>(self, part: Attr<M, A, C>, value: impl Into<C::Value>) -> Query<I, T, Ranged>
    where
        A: NextPart<R> + RangePart<I>,
        C: crate::codec::Codec,
        C::Value: PartValue,
    {
        self.compare(part, value.into(), Comparison::Le)
    }

    /// Only items whose part `part` is greater than `value`.
    pub fn gt<M, A, C>(self, part: Attr<M, A, C>, value: impl Into<C::Value>) -> Query<I, T, Ranged>
    where
        A: NextPart<R> + RangePart<I>,
        C: crate::codec::Codec,
        C::Value: PartValue,
    {
        self.compare(part, value.into(), Comparison::Gt)
    }

    /// Only items whose part `part` is at least `value`.
    pub fn ge<M, A, C>(self, part: Attr<M, A, C>, value: impl Into<C::Value>) -> Query<I, T, Ranged>
    where
        A: NextPart<R> + RangePart<I>,
        C: crate::codec::Codec,
        C::Value: PartValue,
    {
        self.compare(part, value.into(), Comparison::Ge)
    }

    /// Only items whose part `part` lies between `low` and `high`, both included.
    pub fn between<M, A, C>(
        mut self,
        part: Attr<M, A, C>,
        low: impl Into<C::Value>,
        high: impl Into<C::Value>,
    ) -> Query<I, T, Ranged>
    where
        A: NextPart<R> + RangePart<I>,
        C: crate::codec::Codec,
        C::Value: PartValue,
    {
        let _ = part;
        let (low, high) = (low.into(), high.into());
        if self.spec.range_template.is_none() {
            let encode = |v: &C::Value| crate::codec::encode_present::<C>(v);
            let condition =
                encode(&low).and_then(|low| Ok(RangeCondition::Between(low, encode(&high)?)));
            self.push_attribute(A::NUMBER, condition);
            return self.retype();
        }
        let (Some(low), Some(high)) = (self.step(A::NUMBER, &low), self.step(A::NUMBER, &high))
        else {
            return self.retype();
        };
        let high = high.above_equal();
        self.bounded(Some((low.through(), false)), Some(high))
    }

    /// Only items whose text part `part` starts with `prefix`.
    pub fn begins_with<M, A>(
        mut self,
        part: Attr<M, A, crate::codec::Str>,
        prefix: &str,
    ) -> Query<I, T, Ranged>
    where
        A: NextPart<R> + RangePart<I>,
    {
        let _ = part;
        if self.spec.range_template.is_none() {
            let condition = RangeCondition::BeginsWith(AttributeValue::S(prefix.to_owned()));
            self.push_attribute(A::NUMBER, Ok(condition));
            return self.retype();
        }
        if let Some(step) = self.step(A::NUMBER, &"") {
            let mut text = step.before;
            crate::template::write_text(&mut text, prefix, step.stop);
            self.set_range(RangeCondition::BeginsWith(AttributeValue::S(text)));
        }
        self.retype()
    }
}
