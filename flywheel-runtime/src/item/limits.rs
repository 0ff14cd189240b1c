//! DynamoDB's limits on items, checked before a request is sent so that a write that cannot
//! succeed fails with an [`crate::EncodeError`] naming the attribute, not with a
//! server error naming nothing.
//!
//! - an item holds at most 400 KB (attribute names and values, by DynamoDB's size rules);
//! - key attributes (of the table and of every index) hold no empty string or binary value, a
//!   partition key value at most 2048 bytes and a sort key value at most 1024;
//! - lists and maps nest at most 32 levels.
//!
//! Sizes are counted so that they never exceed DynamoDB's own count: an item refused here is
//! certainly refused by DynamoDB, and one a few bytes under the limit by DynamoDB's count may
//! still be refused by DynamoDB itself.

use crate::codec::{EncodeIssue, MAX_DEPTH, too_deep};
use crate::model::{Model, ModelKey};
use crate::schema::TableSchema;
use crate::{AttributeValue, EncodeError, Item};

/// The largest item DynamoDB stores, in bytes.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;
/// The largest partition key value, in bytes.
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;
/// The largest sort key value, in bytes.
pub const MAX_SORT_KEY_BYTES: usize = 1024;

/// Encodes `key`, checking its values.
pub(crate) fn key_item<K: ModelKey>(key: &K) -> Result<Item, EncodeError> {
    let item = key.to_item()?;
    let schema = &K::Model::SCHEMA;
    check_keys(schema, &item).map_err(|issue| EncodeError::new(schema, issue))?;
    Ok(item)
}

/// Encodes a whole `model` to be written, checking it against every limit.
pub(crate) fn whole_item<M: Model>(model: &M) -> Result<Item, EncodeError> {
    let item = model.to_item()?;
    check_item(&M::SCHEMA, &item).map_err(|issue| EncodeError::new(&M::SCHEMA, issue))?;
    Ok(item)
}

/// Checks a whole item of `schema`'s table: key values, nesting and size.
pub(crate) fn check_item(schema: &TableSchema, item: &Item) -> Result<(), EncodeIssue> {
    check_keys(schema, item)?;
    let mut total = 0;
    let mut largest: Option<(&str, usize)> = None;
    for (name, value) in item {
        let size = name.len() + measure(value).map_err(|issue| issue.at(name))?;
        total += size;
        if largest.is_none_or(|(_, l)| size > l) {
            largest = Some((name, size));
        }
    }
    if total > MAX_ITEM_BYTES {
        let (name, size) = largest.unwrap_or(("", 0));
        return Err(EncodeIssue::new(format!(
            "the item is at least {total} bytes, over DynamoDB's limit of 400 KB ({MAX_ITEM_BYTES} \
             bytes); its largest attribute is this one, at {size} bytes: store large values \
             elsewhere (for example in S3) and keep a reference"
        ))
        .at(name));
    }
    Ok(())
}

/// Checks the values of the key attributes (of the table and of its indexes) in `item`, which
/// may hold a whole item or only a key.
pub(crate) fn check_keys(schema: &TableSchema, item: &Item) -> Result<(), EncodeIssue> {
    let table = [(schema.hash_key.name, true)]
        .into_iter()
        .chain(schema.range_key.map(|k| (k.name, false)));
    let indexes = schema.indexes.iter().flat_map(|index| {
        let hash = index.hash_key.iter().map(|k| (k.name, true));
        hash.chain(index.range_key.iter().map(|k| (k.name, false)))
    });
    for (name, partition) in table.chain(indexes) {
        if let Some(value) = item.get(name) {
            check_key_value(name, value, partition)?;
        }
    }
    Ok(())
}

/// Checks `value` for the attribute `name` when it is a key attribute of an index (an update
/// that sets it writes the index key).
pub(crate) fn check_index_key(
    schema: &TableSchema,
    name: &str,
    value: &AttributeValue,
) -> Result<(), EncodeIssue> {
    for index in schema.indexes {
        if index.hash_key.iter().any(|k| k.name == name) {
            return check_key_value(name, value, true);
        }
        if index.range_key.iter().any(|k| k.name == name) {
            return check_key_value(name, value, false);
        }
    }
    Ok(())
}

/// Checks one key value: not empty, not longer than DynamoDB allows.
pub(crate) fn check_key_value(
    name: &str,
    value: &AttributeValue,
    partition: bool,
) -> Result<(), EncodeIssue> {
    let len = match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.as_ref().len(),
        _ => return Ok(()),
    };
    let (max, kind) = if partition {
        (MAX_PARTITION_KEY_BYTES, "partition")
    } else {
        (MAX_SORT_KEY_BYTES, "sort")
    };
    if len == 0 {
        return Err(EncodeIssue::new(
            "a key attribute cannot hold an empty value: DynamoDB refuses empty strings and binary \
             values in the keys of a table or an index",
        )
        .at(name));
    }
    if len > max {
        return Err(EncodeIssue::new(format!(
            "this {kind} key value is {len} bytes; DynamoDB allows at most {max}"
        ))
        .at(name));
    }
    Ok(())
}

/// The size DynamoDB counts for a value, or a little less (never more): strings and binary
/// by their bytes, numbers by one byte per two significant digits plus one, lists and maps by
/// their contents plus 3 bytes, sets by their elements. An error when lists and maps nest more
/// than 32 levels deep. One pass, without recursion.
pub(crate) fn measure(value: &AttributeValue) -> Result<usize, EncodeIssue> {
    let mut total = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((value, depth)) = stack.pop() {
        let container = matches!(value, AttributeValue::L(_) | AttributeValue::M(_));
        if container && depth >= MAX_DEPTH {
            return Err(EncodeIssue::new(too_deep()));
        }
        total += match value {
            AttributeValue::S(s) => s.len(),
            AttributeValue::N(n) => number_size(n),
            AttributeValue::B(b) => b.as_ref().len(),
            AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
            AttributeValue::Ss(items) => items.iter().map(String::len).sum(),
            AttributeValue::Ns(items) => items.iter().map(|n| number_size(n)).sum(),
            AttributeValue::Bs(items) => items.iter().map(|b| b.as_ref().len()).sum(),
            AttributeValue::L(items) => {
                stack.extend(items.iter().map(|item| (item, depth + 1)));
                3
            }
            AttributeValue::M(map) => {
                stack.extend(map.values().map(|item| (item, depth + 1)));
                3 + map.keys().map(String::len).sum::<usize>()
            }
            _ => 0,
        };
    }
    Ok(total)
}

fn number_size(n: &str) -> usize {
    match crate::number::check(n) {
        Ok(shape) => shape.digits / 2 + 1,
        Err(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_dynamodbs_rules() {
        assert_eq!(measure(&AttributeValue::S("abc".into())), Ok(3));
        assert_eq!(measure(&AttributeValue::N("12345".into())), Ok(3));
        assert_eq!(measure(&AttributeValue::Bool(true)), Ok(1));
        let map = AttributeValue::M(Item::from([
            ("ab".to_owned(), AttributeValue::S("x".into())),
            (
                "l".to_owned(),
                AttributeValue::L(vec![AttributeValue::Null(true)]),
            ),
        ]));
        // 3 + "ab" + "x" + "l" + (3 + 1)
        assert_eq!(measure(&map), Ok(3 + 2 + 1 + 1 + 4));
    }

    #[test]
    fn nesting_is_measured_without_recursion() {
        let mut deep = AttributeValue::S("bottom".into());
        for _ in 0..100_000 {
            deep = AttributeValue::L(vec![deep]);
        }
        assert!(measure(&deep).is_err());
        crate::codec::drop_flat(deep);
        let mut ok = AttributeValue::Null(true);
        for _ in 0..MAX_DEPTH {
            ok = AttributeValue::M(Item::from([("k".to_owned(), ok)]));
        }
        assert!(measure(&ok).is_ok());
        let deeper = AttributeValue::L(vec![ok]);
        assert!(measure(&deeper).is_err());
    }
}
