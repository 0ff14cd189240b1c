//! The e-commerce design of The DynamoDB Book (chapter 19) as a story: customers, their orders
//! and the orders' items in one table (`schemas/ecommerce/`), every access pattern one typed
//! call of `generated_example::shop`.
//!
//! By default it runs against an in-process DynamoDB emulator that needs no setup. Pass `--aws`
//! to use the standard AWS configuration instead; the table gets the namespace
//! `flywheel-example-` and is deleted at the end.

use std::error::Error;
use std::process::ExitCode;

use flywheel_runtime::chrono::{DateTime, Duration, Utc};
use flywheel_runtime::{Decimal, Engine};
use generated_example::models::ecommerce::customer::Address;
use generated_example::models::ecommerce::order::OrderStatus;
use generated_example::models::ecommerce::{
    Customer, CustomerOrder, CustomerOrders, OrderItem, OrderItems, table,
};
use generated_example::shop;

#[tokio::main]
async fn main() -> ExitCode {
    match story().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let mut text = format!("error: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                text.push_str(&format!("\n  caused by: {cause}"));
                source = cause.source();
            }
            eprintln!("{text}");
            ExitCode::FAILURE
        }
    }
}

fn price(text: &str) -> Decimal {
    text.parse().expect("a price")
}

async fn story() -> Result<(), Box<dyn Error>> {
    let use_aws = std::env::args().skip(1).any(|a| a == "--aws");
    let (_local, engine) = if use_aws {
        println!(
            "Using the AWS configuration of this environment (namespace `flywheel-example-`)."
        );
        let engine = Engine::from_env().await.with_namespace("flywheel-example-");
        (None, engine)
    } else {
        let local = flywheel_runtime::local::LocalDynamo::start()?;
        println!("Using the in-process DynamoDB emulator.");
        let engine = local.engine();
        (Some(local), engine)
    };
    engine.create_schema(&[&table::TABLE]).await?;
    println!("Created table `Ecommerce`: customers, orders and order items in one table.");

    // A customer, created once: a second create of the same user name is refused.
    let alex = Customer::new("alexdebrie", "alexdebrie1@gmail.com", "Alex DeBrie");
    shop::create_customer(&engine, &alex).await?;
    let again = shop::create_customer(&engine, &alex).await;
    println!(
        "Created customer alexdebrie; creating it again: {}",
        match again {
            Ok(()) => "accepted (unexpected)".to_owned(),
            Err(e) => format!("refused ({e})"),
        }
    );
    // The email is unique: another customer cannot take it.
    let copycat = Customer::new("alexdebrie2", "alexdebrie1@gmail.com", "Another Alex");
    println!(
        "Creating another customer with the same email: {}",
        match shop::create_customer(&engine, &copycat).await {
            Ok(()) => "accepted (unexpected)".to_owned(),
            Err(e) => format!("refused ({e})"),
        }
    );

    // Addresses live in a map on the customer; one is added or replaced without the others.
    let home = Address {
        street: Some("111 1st Street".into()),
        city: Some("Omaha".into()),
        state: Some("NE".into()),
    };
    shop::upsert_address(&engine, "alexdebrie", "home", home).await?;
    let business = Address {
        street: Some("200 Main Street".into()),
        city: Some("Omaha".into()),
        state: Some("NE".into()),
    };
    shop::upsert_address(&engine, "alexdebrie", "business", business).await?;
    println!("Saved the addresses `home` and `business`.");

    // Orders with their items, each placed in one transaction.
    let start: DateTime<Utc> = DateTime::from_timestamp(1_578_016_664, 0).expect("a time");
    let mut orders = Vec::new();
    for n in 0..4u32 {
        let order_id = format!("ord-{n}");
        let mut order = CustomerOrder::new(
            "alexdebrie",
            start + Duration::days(i64::from(n)),
            order_id.as_str(),
            price(&format!("{}.43", 10 * (n + 1))),
        );
        let items: Vec<OrderItem> = (0..=n)
            .map(|i| {
                OrderItem::new(
                    order_id.as_str(),
                    format!("item-{i}"),
                    format!("Book #{i}"),
                    price("9.99"),
                )
            })
            .collect();
        order.number_of_items = items.len() as u32;
        shop::place_order(&engine, &order, &items).await?;
        orders.push(order);
    }
    println!(
        "Placed {} orders, each with its items in one transaction.",
        orders.len()
    );

    // The customer and their two newest orders, in one query.
    let page = shop::customer_and_orders(&engine, "alexdebrie", 2, None).await?;
    println!("Customer alexdebrie and the newest orders, one query:");
    for item in &page.items {
        match item {
            CustomerOrders::Customer(c) => {
                println!(
                    "  customer {} <{}>, {} addresses",
                    c.name,
                    c.email,
                    c.addresses.len()
                )
            }
            CustomerOrders::CustomerOrder(o) => println!(
                "  order {} of {}: {} ({} items, {:?})",
                o.order_id,
                o.placed_at.date_naive(),
                o.amount,
                o.number_of_items,
                o.status
            ),
        }
    }
    if let Some(cursor) = &page.next {
        let older = shop::customer_and_orders(&engine, "alexdebrie", 2, Some(cursor)).await?;
        println!(
            "  ... and the next page holds {} older orders.",
            older.items.len()
        );
    }

    // An order ships.
    shop::update_order_status(&engine, orders[2].key(), OrderStatus::Shipped).await?;
    println!("CustomerOrder ord-2 is now shipped.");

    // An order and its items, in one query of GSI1.
    println!("CustomerOrder ord-2 and its items, one query:");
    for item in shop::order_and_items(&engine, "ord-2").await? {
        match item {
            OrderItems::CustomerOrder(o) => println!("  order {} ({:?})", o.order_id, o.status),
            OrderItems::OrderItem(i) => {
                println!("  item {}: {} at {}", i.item_id, i.description, i.price)
            }
        }
    }

    // The orders of a period, by the datetime part of the order key.
    let period = shop::orders_between(
        &engine,
        "alexdebrie",
        start + Duration::days(1),
        start + Duration::days(2),
    )
    .await?;
    let ids: Vec<&str> = period.iter().map(|o| o.order_id.as_str()).collect();
    println!("Orders placed on the second and third day, newest first: {ids:?}");

    if use_aws {
        engine.delete_schema(&[&table::TABLE]).await?;
        println!("Deleted the table.");
    }
    Ok(())
}
