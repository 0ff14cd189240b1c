//! Unique attributes (`email` of the e-commerce design's `Customer`): a uniqueness item per
//! value, claimed on create, moved by sync, released on delete, in one transaction with the
//! customer; writes that could not keep it in step are refused.

use crate::harness::db;

use db::{raw_get, s, start_with_tables};
use flywheel_runtime::transact::CancelKind;
use flywheel_runtime::{AttributeValue, Engine, Error};
use generated_example::models::ecommerce::{Customer, CustomerKey};

fn customer(username: &str, email: &str) -> Customer {
    Customer::new(username, email, username.to_uppercase())
}

fn taken(result: Result<(), Error>, email: &str) {
    match result {
        Err(Error::NotUnique {
            attribute, value, ..
        }) => {
            assert_eq!(attribute, "email");
            assert_eq!(value, email);
        }
        other => panic!("expected NotUnique for {email}, got {other:?}"),
    }
}

async fn create(engine: &Engine, c: &Customer) -> Result<(), Error> {
    engine.save(c).create_only().await.map(drop)
}

async fn claim_of(engine: &Engine, email: &str) -> Option<flywheel_runtime::Item> {
    let key = format!("UNIQUE#customer#email#{email}");
    raw_get(engine, "Ecommerce", &[("PK", s(&key)), ("SK", s(&key))]).await
}

#[tokio::test]
async fn a_value_is_held_by_one_item_at_a_time() {
    let (_db, engine) = start_with_tables().await;
    create(&engine, &customer("alex", "a@example.com"))
        .await
        .unwrap();
    // The uniqueness item names its owner and is no customer.
    let claim = claim_of(&engine, "a@example.com").await.expect("claimed");
    assert_eq!(claim["entity"], s("customer.email"));
    let AttributeValue::M(owner) = &claim["owner"] else {
        panic!("an owner map: {claim:?}");
    };
    assert_eq!(owner["PK"], s("CUSTOMER#alex"));
    assert_eq!(Customer::scan().all(&engine).await.unwrap().len(), 1);

    // Another customer cannot take it, and nothing of that customer is written.
    taken(
        create(&engine, &customer("sam", "a@example.com")).await,
        "a@example.com",
    );
    assert!(engine.get(CustomerKey::new("sam")).await.unwrap().is_none());
    create(&engine, &customer("sam", "s@example.com"))
        .await
        .unwrap();

    // Saving a customer again with its own value is fine; with another value, the save moves
    // the uniqueness item as sync does: the old value is free, the new one held.
    engine
        .save(&customer("alex", "a@example.com"))
        .await
        .unwrap();
    engine
        .save(&customer("alex", "b@example.com"))
        .await
        .unwrap();
    assert!(claim_of(&engine, "a@example.com").await.is_none());
    assert!(claim_of(&engine, "b@example.com").await.is_some());
    let alex = engine.get(CustomerKey::new("alex")).await.unwrap().unwrap();
    assert_eq!(alex.email, "b@example.com");
    // Onto a value another customer (sam) holds, it is refused and nothing changes.
    let taken = engine.save(&customer("alex", "s@example.com")).await;
    assert!(
        matches!(&taken, Err(Error::NotUnique { attribute, .. }) if attribute == "email"),
        "{taken:?}"
    );
    let alex = engine.get(CustomerKey::new("alex")).await.unwrap().unwrap();
    assert_eq!(alex.email, "b@example.com");
    assert!(claim_of(&engine, "b@example.com").await.is_some());
}

#[tokio::test]
async fn sync_moves_the_value_and_deletes_release_it() {
    let (_db, engine) = start_with_tables().await;
    create(&engine, &customer("alex", "a@example.com"))
        .await
        .unwrap();
    create(&engine, &customer("sam", "s@example.com"))
        .await
        .unwrap();

    // Sync moves alex's value: the old one is free, the new one held.
    let mut alex = engine
        .get(CustomerKey::new("alex"))
        .consistent()
        .tracked()
        .await
        .unwrap()
        .unwrap();
    alex.email = "c@example.com".into();
    assert!(engine.sync(&mut alex).await.unwrap());
    assert_eq!(alex.email, "c@example.com");
    assert!(claim_of(&engine, "a@example.com").await.is_none());
    assert!(claim_of(&engine, "c@example.com").await.is_some());
    // A sync to a value someone holds is refused, and changes nothing.
    alex.email = "s@example.com".into();
    taken(engine.sync(&mut alex).await.map(drop), "s@example.com");
    let stored = engine.get(CustomerKey::new("alex")).await.unwrap().unwrap();
    assert_eq!(stored.email, "c@example.com");

    create(&engine, &customer("kim", "a@example.com"))
        .await
        .unwrap();
    taken(
        create(&engine, &customer("lee", "c@example.com")).await,
        "c@example.com",
    );

    // delete_item releases the model's value; a delete by key reads the item to release it.
    engine.delete_item(&stored).await.unwrap();
    assert!(claim_of(&engine, "c@example.com").await.is_none());
    engine.delete(CustomerKey::new("sam")).await.unwrap();
    assert!(claim_of(&engine, "s@example.com").await.is_none());
    create(&engine, &customer("lee", "s@example.com"))
        .await
        .unwrap();
    // Deleting what is not there is still not an error.
    engine.delete(CustomerKey::new("nobody")).await.unwrap();
}

#[tokio::test]
async fn transactions_claim_the_values() {
    let (_db, engine) = start_with_tables().await;
    engine
        .transact_write()
        .create(&customer("alex", "a@example.com"))
        .send()
        .await
        .unwrap();
    let err = engine
        .transact_write()
        .create(&customer("sam", "a@example.com"))
        .send()
        .await
        .unwrap_err();
    let Error::TransactionCanceled { reasons } = err else {
        panic!("a cancelled transaction, not {err:?}");
    };
    assert!(reasons.iter().any(|r| r.kind
        == CancelKind::NotUnique {
            attribute: "email".into(),
            value: "a@example.com".into()
        }));
    // Batches cannot take part in a transaction, so they cannot keep the values in step:
    // batch writes and bulk deletes of customers do not compile (the compile-fail case
    // `batch_write_of_a_model_with_unique_attributes`).
}
