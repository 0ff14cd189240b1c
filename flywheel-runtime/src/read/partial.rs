//! Items read with chosen attributes only ([`Query::select`](crate::query::Query::select)),
//! read back through the model's attribute handles.

use std::marker::PhantomData;

use crate::codec::{Codec, DecodeIssue};
use crate::error::{DecodeError, Result};
use crate::expr::PathElement;
use crate::filter::Attr;
use crate::index::FromItem;
use crate::model::Model;
use crate::{AttributeValue, Item};

/// Some attributes of an item of model `M`.
pub struct Partial<M> {
    item: Item,
    _model: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for Partial<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Partial").field(&self.item).finish()
    }
}

impl<M: Model> FromItem for Partial<M> {
    fn from_item(item: Item) -> std::result::Result<Self, DecodeError> {
        Ok(Partial {
            item,
            _model: PhantomData,
        })
    }
}

impl<M> Partial<M> {
    pub(crate) fn new(item: Item) -> Partial<M> {
        Partial {
            item,
            _model: PhantomData,
        }
    }
}

impl<M: Model> Partial<M> {
    /// The value at `attr`; `None` when the item has no such attribute, or it was not read
    /// (selecting a list element reads the whole list, since DynamoDB renumbers selected elements).
    pub fn get<A, C: Codec>(&self, attr: &Attr<M, A, C>) -> Result<Option<C::Value>> {
        let path = attr.path();
        let mut current: Option<&AttributeValue> = None;
        for (i, element) in path.elements().iter().enumerate() {
            current = match (i, element, current) {
                (0, PathElement::Name(name), _) => self.item.get(name.as_ref()),
                (_, PathElement::Name(name), Some(AttributeValue::M(map))) => {
                    map.get(name.as_ref())
                }
                (_, PathElement::Index(index), Some(AttributeValue::L(list))) => list.get(*index),
                _ => None,
            };
            if current.is_none() {
                return Ok(None);
            }
        }
        match current {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            Some(value) => C::decode(value.clone()).map(Some).map_err(|issue| {
                let issue = DecodeIssue {
                    steps: vec![crate::codec::PathStep::Name(path.to_string())],
                    ..issue
                };
                DecodeError::new(&M::SCHEMA, &self.item, issue).into()
            }),
        }
    }

    /// The raw attributes.
    pub fn item(&self) -> &Item {
        &self.item
    }

    /// The raw attributes, owned.
    pub fn into_item(self) -> Item {
        self.item
    }
}
