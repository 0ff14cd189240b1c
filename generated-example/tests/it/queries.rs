//! Typed queries against the emulator: range-key conditions on the table and on every kind of
//! index, projections (keys only, include, `fetch_full`, `select`), and the terminators
//! `all`, `first`, `one`, `count`, `delete`, `limit` and `page_size`.

use crate::harness::data;
use crate::harness::db;
use crate::harness::requests::recording;

use data::{TITLES, order_created, orders, profiles, put_all, scores};
use db::start_with_tables;
use flywheel_runtime::chrono::{DateTime, Utc};
use flywheel_runtime::partial::Partial;
use flywheel_runtime::query::Ranged;
use flywheel_runtime::read::{OfTable, Selection};
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Engine, Error, Query};
use generated_example::models::game_score::index::Table as ScoreTable;
use generated_example::models::order::{OrderByCreatedItem, OrderBySkuItem, OrderState};
use generated_example::models::user_profile::{Address, GeoPoint, UserProfileByEmailItem};
use generated_example::models::{GameScore, GameScoreKey, Order, UserProfile};

fn by_title(mut v: Vec<GameScore>) -> Vec<GameScore> {
    v.sort_by(|a, b| a.title.cmp(&b.title));
    v
}

fn reversed<T>(mut v: Vec<T>) -> Vec<T> {
    v.reverse();
    v
}

#[tokio::test]
async fn range_conditions_on_the_table_key() {
    let all = scores();
    let (_local, engine) = data::start_with(&all).await;

    type Case = (
        &'static str,
        fn(Query<ScoreTable>) -> Query<ScoreTable, GameScore, Ranged>,
        fn(&str) -> bool,
    );
    let cases: [Case; 9] = [
        // Everything in the partition, as a condition every title meets.
        ("everything", |q| q.range_ge("\u{1}"), |_| true),
        ("eq", |q| q.range_eq("Comet Quest"), |t| t == "Comet Quest"),
        ("lt", |q| q.range_lt("Comet Quest"), |t| t < "Comet Quest"),
        ("le", |q| q.range_le("Comet Quest"), |t| t <= "Comet Quest"),
        ("gt", |q| q.range_gt("Comet Quest"), |t| t > "Comet Quest"),
        ("ge", |q| q.range_ge("Comet Quest"), |t| t >= "Comet Quest"),
        (
            "between",
            |q| q.range_between("Asteroid Run", "Galaxy Invaders"),
            |t| ("Asteroid Run"..="Galaxy Invaders").contains(&t),
        ),
        (
            "begins_with",
            |q| q.range_begins_with("Comet"),
            |t| t.starts_with("Comet"),
        ),
        (
            "begins_with beyond ASCII",
            |q| q.range_begins_with("Ü"),
            |t| t.starts_with('Ü'),
        ),
    ];
    let mut matched = [0usize; 9];
    for user in 0..8 {
        let userid = format!("u{user}");
        // Without a range condition: the whole partition.
        assert_eq!(
            GameScore::query(userid.as_str())
                .all(&engine)
                .await
                .unwrap(),
            by_title(all.iter().filter(|s| s.userid == userid).cloned().collect()),
            "everything for {userid}"
        );
        for (i, (name, build, keep)) in cases.iter().enumerate() {
            let want = by_title(
                all.iter()
                    .filter(|s| s.userid == userid && keep(&s.title))
                    .cloned()
                    .collect(),
            );
            matched[i] += want.len();
            let query = build(GameScore::query(userid.as_str()));
            assert_eq!(
                query.all(&engine).await.unwrap(),
                want,
                "{name} for {userid}"
            );
            assert_eq!(
                query.clone().reverse().all(&engine).await.unwrap(),
                reversed(want.clone()),
                "{name}, reversed, for {userid}"
            );
            assert_eq!(
                query
                    .clone()
                    .consistent()
                    .page_size(2)
                    .all(&engine)
                    .await
                    .unwrap(),
                want,
                "{name}, consistent, in pages of 2, for {userid}"
            );
            assert_eq!(
                query
                    .clone()
                    .reverse()
                    .first(&engine)
                    .await
                    .unwrap()
                    .as_ref(),
                want.last(),
                "{name}: the last in title order for {userid}"
            );
        }
    }
    for (i, (name, ..)) in cases.iter().enumerate() {
        assert!(matched[i] > 0, "{name} should match something");
    }
}

#[tokio::test]
async fn range_conditions_on_a_global_index() {
    let all = scores();
    let (_local, engine) = data::start_with(&all).await;

    for title in TITLES {
        // Items without a top score are not in the index.
        let mut on_title: Vec<GameScore> = all
            .iter()
            .filter(|s| s.title == *title && s.top_score.is_some())
            .cloned()
            .collect();
        on_title.sort_by_key(|s| s.top_score);
        assert!(on_title.len() >= 2, "{title} has scores");
        let score = |s: &GameScore| s.top_score.unwrap();
        let mid = score(&on_title[on_title.len() / 2]);
        let low = score(&on_title[0]);
        let keep = |f: &dyn Fn(i64) -> bool| {
            on_title
                .iter()
                .filter(|s| f(score(s)))
                .cloned()
                .collect::<Vec<_>>()
        };
        let index = || GameScore::query_game_title_index(*title);

        assert_eq!(index().all(&engine).await.unwrap(), on_title, "{title}");
        assert_eq!(
            index().range_eq(mid).all(&engine).await.unwrap(),
            keep(&|s| s == mid),
            "{title} eq"
        );
        assert_eq!(
            index().range_lt(mid).all(&engine).await.unwrap(),
            keep(&|s| s < mid),
            "{title} lt"
        );
        assert_eq!(
            index().range_le(mid).all(&engine).await.unwrap(),
            keep(&|s| s <= mid),
            "{title} le"
        );
        assert_eq!(
            index().range_gt(mid).all(&engine).await.unwrap(),
            keep(&|s| s > mid),
            "{title} gt"
        );
        assert_eq!(
            index().range_ge(mid).all(&engine).await.unwrap(),
            keep(&|s| s >= mid),
            "{title} ge"
        );
        assert_eq!(
            index()
                .range_between(low + 1, mid)
                .all(&engine)
                .await
                .unwrap(),
            keep(&|s| s > low && s <= mid),
            "{title} between"
        );
        assert_eq!(
            index()
                .range_gt(low)
                .reverse()
                .page_size(1)
                .all(&engine)
                .await
                .unwrap(),
            reversed(keep(&|s| s > low)),
            "{title} gt, reversed, one per page"
        );
        // The top score of the title.
        assert_eq!(
            index().reverse().first(&engine).await.unwrap().as_ref(),
            on_title.last(),
            "{title} top score"
        );
    }
}

fn by_created(o: &Order) -> OrderByCreatedItem {
    OrderByCreatedItem {
        customer_id: o.customer_id.clone(),
        order_id: o.order_id.clone(),
        created_at: o.created_at,
        state: o.state,
        total: o.total.clone(),
    }
}

#[tokio::test]
async fn range_conditions_on_a_local_index_with_an_include_projection() {
    let all = orders();
    let (_local, engine) = data::start_with(&all).await;

    for c in 0..4 {
        let customer = format!("c{c}");
        let mut mine: Vec<Order> = all
            .iter()
            .filter(|o| o.customer_id == customer)
            .cloned()
            .collect();
        mine.sort_by_key(|o| o.created_at);
        // The table order (by order id) differs from the index order (by creation time).
        let mut in_table_order = mine.clone();
        in_table_order.sort_by(|a, b| a.order_id.cmp(&b.order_id));
        assert_ne!(in_table_order, mine);
        let at = order_created(c, 5);
        let (from, to) = (order_created(c, 3), order_created(c, 8));
        let keep = |f: &dyn Fn(DateTime<Utc>) -> bool| {
            mine.iter()
                .filter(|o| f(o.created_at))
                .map(by_created)
                .collect::<Vec<_>>()
        };
        let index = || Order::query_by_created(customer.as_str());

        let items: Vec<OrderByCreatedItem> = index().all(&engine).await.unwrap();
        assert_eq!(
            items,
            keep(&|_| true),
            "{customer}: INCLUDE items in creation order"
        );
        assert_eq!(
            index().range_eq(at).all(&engine).await.unwrap(),
            keep(&|t| t == at)
        );
        assert_eq!(
            index().range_lt(at).all(&engine).await.unwrap(),
            keep(&|t| t < at)
        );
        assert_eq!(
            index().range_le(at).all(&engine).await.unwrap(),
            keep(&|t| t <= at)
        );
        assert_eq!(
            index().range_gt(at).all(&engine).await.unwrap(),
            keep(&|t| t > at)
        );
        assert_eq!(
            index()
                .range_ge(at)
                .consistent()
                .all(&engine)
                .await
                .unwrap(),
            keep(&|t| t >= at)
        );
        // Stored as RFC 3339 text, the creation time has prefixes: a day, an hour.
        for format in ["%Y-%m-%d", "%Y-%m-%dT%H"] {
            let prefix = at.format(format).to_string();
            assert_eq!(
                index()
                    .range_begins_with(prefix.as_str())
                    .all(&engine)
                    .await
                    .unwrap(),
                keep(&|t| t.format(format).to_string() == prefix),
                "{customer}: begins_with {prefix}"
            );
        }
        let between = keep(&|t| t >= from.min(to) && t <= from.max(to));
        assert!(!between.is_empty());
        assert_eq!(
            index()
                .range_between(from.min(to), from.max(to))
                .all(&engine)
                .await
                .unwrap(),
            between
        );
        assert_eq!(
            index()
                .range_ge(at)
                .reverse()
                .consistent()
                .page_size(2)
                .all(&engine)
                .await
                .unwrap(),
            reversed(keep(&|t| t >= at))
        );
        // A filter on a projected attribute.
        assert_eq!(
            index()
                .filter(Order::STATE.ne(OrderState::Cancelled))
                .all(&engine)
                .await
                .unwrap(),
            mine.iter()
                .filter(|o| o.state != OrderState::Cancelled)
                .map(by_created)
                .collect::<Vec<_>>()
        );

        // fetch_full: whole orders, in index order, with the query's conditions and limit.
        let full = index().range_ge(at).fetch_full(&engine).await.unwrap();
        assert_eq!(
            full,
            mine.iter()
                .filter(|o| o.created_at >= at)
                .cloned()
                .collect::<Vec<_>>()
        );
        let latest = index()
            .reverse()
            .limit(3)
            .fetch_full(&engine)
            .await
            .unwrap();
        assert_eq!(latest, reversed(mine.clone())[..3].to_vec());
        let open = index()
            .filter(Order::TOTAL.gt(data::dec("40")))
            .page_size(3)
            .fetch_full(&engine)
            .await
            .unwrap();
        assert_eq!(
            open,
            mine.iter()
                .filter(|o| o.total > data::dec("40"))
                .cloned()
                .collect::<Vec<_>>()
        );
    }

    // A global index with an ALL projection and a datetime range key.
    for state in [
        OrderState::Open,
        OrderState::Paid,
        OrderState::Shipped,
        OrderState::Cancelled,
    ] {
        let mut in_state: Vec<Order> = all.iter().filter(|o| o.state == state).cloned().collect();
        in_state.sort_by_key(|o| o.created_at);
        let cut = order_created(1, 6);
        assert_eq!(
            Order::query_by_state(state).all(&engine).await.unwrap(),
            in_state
        );
        assert_eq!(
            Order::query_by_state(state)
                .range_lt(cut)
                .reverse()
                .all(&engine)
                .await
                .unwrap(),
            reversed(
                in_state
                    .iter()
                    .filter(|o| o.created_at < cut)
                    .cloned()
                    .collect()
            )
        );
    }
}

#[tokio::test]
async fn a_global_index_without_range_key_and_keys_only() {
    let all = orders();
    let (_local, engine) = data::start_with(&all).await;

    for sku in ["sku-0", "sku-1", "sku-2", "sku-3", "sku-9"] {
        let mut want: Vec<OrderBySkuItem> = all
            .iter()
            .filter(|o| o.sku.as_deref() == Some(sku))
            .map(|o| OrderBySkuItem {
                customer_id: o.customer_id.clone(),
                order_id: o.order_id.clone(),
                sku: sku.to_owned(),
            })
            .collect();
        want.sort_by(|a, b| (&a.customer_id, &a.order_id).cmp(&(&b.customer_id, &b.order_id)));
        // No range key: the order within the hash key is DynamoDB's; compare as sets.
        let mut got = Order::query_by_sku(sku)
            .page_size(5)
            .all(&engine)
            .await
            .unwrap();
        got.sort_by(|a, b| (&a.customer_id, &a.order_id).cmp(&(&b.customer_id, &b.order_id)));
        assert_eq!(got, want, "{sku}");
        assert_eq!(
            Order::query_by_sku(sku).count(&engine).await.unwrap(),
            want.len() as u64
        );

        let mut full = Order::query_by_sku(sku).fetch_full(&engine).await.unwrap();
        full.sort_by(|a, b| (&a.customer_id, &a.order_id).cmp(&(&b.customer_id, &b.order_id)));
        let mut whole: Vec<Order> = all
            .iter()
            .filter(|o| o.sku.as_deref() == Some(sku))
            .cloned()
            .collect();
        whole.sort_by(|a, b| (&a.customer_id, &a.order_id).cmp(&(&b.customer_id, &b.order_id)));
        assert_eq!(full, whole, "{sku}: fetch_full");
    }
}

#[tokio::test]
async fn a_keys_only_index_returns_keys_and_fetch_full_the_whole_items() {
    let all = profiles();
    let (_local, engine) = data::start_with(&all).await;

    let seventh: Vec<UserProfileByEmailItem> = UserProfile::query_by_email("user7@example.org")
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(
        seventh,
        vec![UserProfileByEmailItem {
            user_id: Uuid::from_u128(0x1007),
            email: "user7@example.org".to_owned(),
        }]
    );
    assert_eq!(seventh[0].key(), all[7].key());
    let one = UserProfile::query_by_email("user7@example.org")
        .one(&engine)
        .await
        .unwrap();
    assert_eq!(one.user_id, all[7].user_id);
    assert_eq!(
        UserProfile::query_by_email("user7@example.org")
            .fetch_full(&engine)
            .await
            .unwrap(),
        vec![all[7].clone()]
    );

    // Two profiles share an address.
    let mut shared = UserProfile::query_by_email("shared@example.com")
        .all(&engine)
        .await
        .unwrap();
    shared.sort_by_key(|p| p.user_id);
    assert_eq!(
        shared.iter().map(|p| p.user_id).collect::<Vec<_>>(),
        vec![all[38].user_id, all[39].user_id]
    );
    match UserProfile::query_by_email("shared@example.com")
        .one(&engine)
        .await
    {
        Err(Error::MoreThanOne { table }) => {
            assert_eq!(
                table,
                format!("{}UserProfiles (index ByEmail)", engine.namespace())
            )
        }
        other => panic!("expected MoreThanOne, got {other:?}"),
    }
    let mut full = UserProfile::query_by_email("shared@example.com")
        .fetch_full(&engine)
        .await
        .unwrap();
    full.sort_by_key(|p| p.user_id);
    assert_eq!(full, all[38..].to_vec());
    match UserProfile::query_by_email("nobody@example.com")
        .one(&engine)
        .await
    {
        Err(Error::NotFound { table, key }) => {
            assert_eq!(
                table,
                format!("{}UserProfiles (index ByEmail)", engine.namespace())
            );
            assert_eq!(key, "{email = S \"nobody@example.com\"}");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(
        UserProfile::query_by_email("nobody@example.com")
            .fetch_full(&engine)
            .await
            .unwrap()
            .is_empty()
    );

    // The table of a model with a hash key only.
    let id = all[12].user_id;
    assert_eq!(
        UserProfile::query(id)
            .consistent()
            .one(&engine)
            .await
            .unwrap(),
        all[12]
    );
    assert_eq!(
        UserProfile::query(id).all(&engine).await.unwrap(),
        vec![all[12].clone()]
    );
    assert!(
        UserProfile::query(Uuid::nil())
            .first(&engine)
            .await
            .unwrap()
            .is_none()
    );
}

/// Every profile scanned with only `selection` selected, each next to the profile of `all` it was
/// read from (found by the key, which is always read).
async fn scan_selecting<'a>(
    engine: &Engine,
    all: &'a [UserProfile],
    selection: impl Selection<OfTable<UserProfile>>,
) -> Vec<(Partial<UserProfile>, &'a UserProfile)> {
    let partials = UserProfile::scan()
        .select(selection)
        .all(engine)
        .await
        .unwrap();
    assert_eq!(partials.len(), all.len());
    partials
        .into_iter()
        .map(|p| {
            let id = p.get(&UserProfile::USER_ID).unwrap().unwrap();
            let profile = all.iter().find(|x| x.user_id == id).unwrap();
            (p, profile)
        })
        .collect()
}

#[tokio::test]
async fn select_reads_only_the_chosen_attributes_and_the_keys() {
    let (_local, engine) = start_with_tables().await;
    let all_scores = scores();
    let all_profiles = profiles();
    let all_orders = orders();
    put_all(&engine, &all_scores).await;
    put_all(&engine, &all_profiles).await;
    put_all(&engine, &all_orders).await;

    // A table query.
    let partials = GameScore::query("u1")
        .select(GameScore::TOP_SCORE)
        .page_size(2)
        .all(&engine)
        .await
        .unwrap();
    let want = by_title(
        all_scores
            .iter()
            .filter(|s| s.userid == "u1")
            .cloned()
            .collect(),
    );
    assert_eq!(partials.len(), want.len());
    for (p, s) in partials.iter().zip(&want) {
        assert_eq!(p.get(&GameScore::TOP_SCORE).unwrap(), s.top_score);
        assert_eq!(
            p.get(&GameScore::TITLE).unwrap().as_deref(),
            Some(s.title.as_str()),
            "keys are always read"
        );
        assert_eq!(p.get(&GameScore::USERID).unwrap().as_deref(), Some("u1"));
        assert_eq!(p.get(&GameScore::WINS).unwrap(), None, "not selected");
        assert_eq!(
            p.get(&GameScore::TOP_SCORE_TIME).unwrap(),
            None,
            "not selected"
        );
        assert!(p.item().len() <= 3, "{:?}", p.item());
    }

    // An index query reads the index keys too; with a filter and a limit.
    let partials = GameScore::query_game_title_index("Comet Quest")
        .select(GameScore::WINS)
        .filter(GameScore::LOSSES.ge(5))
        .limit(2)
        .all(&engine)
        .await
        .unwrap();
    let mut want: Vec<&GameScore> = all_scores
        .iter()
        .filter(|s| s.title == "Comet Quest" && s.top_score.is_some() && s.losses >= 5)
        .collect();
    want.sort_by_key(|s| s.top_score);
    want.truncate(2);
    assert_eq!(partials.len(), want.len());
    for (p, s) in partials.iter().zip(want) {
        assert_eq!(p.get(&GameScore::WINS).unwrap(), Some(s.wins));
        assert_eq!(
            p.get(&GameScore::TOP_SCORE).unwrap(),
            s.top_score,
            "the index range key is read"
        );
        assert_eq!(
            p.get(&GameScore::LOSSES).unwrap(),
            None,
            "filtered on, not selected"
        );
    }

    // Nested paths in a scan: a document field, a map entry, a JSON key, a whole set.
    let partials = UserProfile::scan()
        .select((
            UserProfile::HOME.field(Address::CITY),
            UserProfile::NICKNAMES.entry("en"),
            UserProfile::SETTINGS.key("theme"),
            UserProfile::TAGS,
        ))
        .page_size(6)
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(partials.len(), all_profiles.len());
    for p in &partials {
        let id = p
            .get(&UserProfile::USER_ID)
            .unwrap()
            .expect("the key is read");
        let profile = all_profiles.iter().find(|x| x.user_id == id).unwrap();
        assert_eq!(
            p.get(&UserProfile::HOME.field(Address::CITY)).unwrap(),
            profile.home.as_ref().map(|h| h.city.clone())
        );
        assert_eq!(
            p.get(&UserProfile::HOME.field(Address::STREET)).unwrap(),
            None,
            "a sibling not selected"
        );
        assert_eq!(
            p.get(&UserProfile::NICKNAMES.entry("en")).unwrap(),
            profile.nicknames.get("en").cloned()
        );
        assert_eq!(p.get(&UserProfile::NICKNAMES.entry("fr")).unwrap(), None);
        assert_eq!(
            p.get(&UserProfile::SETTINGS.key("theme")).unwrap(),
            profile.settings.get("theme").cloned()
        );
        assert_eq!(
            p.get(&UserProfile::TAGS).unwrap().unwrap_or_default(),
            profile.tags
        );
        assert_eq!(p.get(&UserProfile::EMAIL).unwrap(), None);
        assert_eq!(p.get(&UserProfile::STATUS).unwrap(), None);
    }

    // An element of a list: DynamoDB returns the selected elements of a list packed together,
    // yet the value must still be read at the index that was selected.
    let scanned = scan_selecting(
        &engine,
        &all_profiles,
        (UserProfile::ADDRESSES.index(1).field(Address::CITY),),
    )
    .await;
    for (p, profile) in &scanned {
        let id = profile.user_id;
        let second = profile
            .addresses
            .as_ref()
            .and_then(|a| a.get(1))
            .map(|a| a.city.clone());
        assert_eq!(
            p.get(&UserProfile::ADDRESSES.index(1).field(Address::CITY))
                .unwrap(),
            second,
            "second address of {id}"
        );
    }

    // Elements of a list, not in index order: each is found where it was selected.
    let scanned = scan_selecting(
        &engine,
        &all_profiles,
        (
            UserProfile::ADDRESSES.index(2).field(Address::CITY),
            UserProfile::ADDRESSES.index(0).field(Address::POSTCODE),
        ),
    )
    .await;
    for (p, profile) in &scanned {
        let id = profile.user_id;
        let address = |i: usize| profile.addresses.as_ref().and_then(|a| a.get(i)).cloned();
        assert_eq!(
            p.get(&UserProfile::ADDRESSES.index(2).field(Address::CITY))
                .unwrap(),
            address(2).map(|a| a.city),
            "third address of {id}"
        );
        assert_eq!(
            p.get(&UserProfile::ADDRESSES.index(0).field(Address::POSTCODE))
                .unwrap(),
            address(0).and_then(|a| a.postcode),
            "first postcode of {id}"
        );
        assert_eq!(p.get(&UserProfile::HOME).unwrap(), None);
    }

    // Overlapping paths (a document and a field of it, a key attribute) are read once.
    let scanned = scan_selecting(
        &engine,
        &all_profiles,
        (
            UserProfile::HOME.field(Address::CITY),
            UserProfile::HOME,
            UserProfile::USER_ID,
            UserProfile::HOME
                .field(Address::LOCATION)
                .field(GeoPoint::LAT),
        ),
    )
    .await;
    for (p, profile) in &scanned {
        assert_eq!(p.get(&UserProfile::HOME).unwrap(), profile.home);
        assert_eq!(
            p.get(&UserProfile::HOME.field(Address::CITY)).unwrap(),
            profile.home.as_ref().map(|h| h.city.clone())
        );
        assert_eq!(p.item().len(), 1 + usize::from(profile.home.is_some()));
    }

    // A local index: the selected attribute and the index keys, nothing else it holds.
    // (DynamoDB would also fetch attributes the index does not hold from the table; the
    // emulator does that only for `Select=ALL_ATTRIBUTES`, so it is not checked here.)
    let partials = Order::query_by_created("c2")
        .select(Order::TOTAL)
        .all(&engine)
        .await
        .unwrap();
    let mut mine: Vec<&Order> = all_orders
        .iter()
        .filter(|o| o.customer_id == "c2")
        .collect();
    mine.sort_by_key(|o| o.created_at);
    assert_eq!(partials.len(), mine.len());
    for (p, o) in partials.iter().zip(mine) {
        assert_eq!(
            p.get(&Order::ORDER_ID).unwrap().as_deref(),
            Some(o.order_id.as_str())
        );
        assert_eq!(p.get(&Order::CREATED_AT).unwrap(), Some(o.created_at));
        assert_eq!(p.get(&Order::TOTAL).unwrap(), Some(o.total.clone()));
        assert_eq!(p.get(&Order::STATE).unwrap(), None);
    }
}

/// `count` scores in partition `bulk`: title `t0000`.. with `wins` 0 for every 50th.
fn bulk(count: usize) -> Vec<GameScore> {
    (0..count)
        .map(|k| {
            let mut s = GameScore::new("bulk", format!("t{k:04}"));
            s.wins = if k % 50 == 0 { 0 } else { 1 + (k % 7) as i64 };
            s.losses = (k % 10) as i64;
            s.top_score = Some(k as i64);
            s
        })
        .collect()
}

#[tokio::test]
async fn first_one_and_their_errors() {
    let all = scores();
    let (_local, engine) = data::start_with(&all).await;

    let mine = by_title(all.iter().filter(|s| s.userid == "u2").cloned().collect());
    assert_eq!(
        GameScore::query("u2")
            .first(&engine)
            .await
            .unwrap()
            .as_ref(),
        mine.first()
    );
    assert_eq!(
        GameScore::query("u2")
            .reverse()
            .first(&engine)
            .await
            .unwrap()
            .as_ref(),
        mine.last()
    );
    assert_eq!(
        GameScore::query("nobody").first(&engine).await.unwrap(),
        None
    );
    assert_eq!(
        GameScore::query("u2")
            .range_gt("Üzzz")
            .first(&engine)
            .await
            .unwrap(),
        None
    );
    // first with a filter that discards the first items reads on.
    let wins = GameScore::WINS.ge(15);
    assert_eq!(
        GameScore::query("u2")
            .filter(wins.clone())
            .page_size(1)
            .first(&engine)
            .await
            .unwrap()
            .as_ref(),
        mine.iter().find(|s| s.wins >= 15)
    );

    let target = &mine[1];
    assert_eq!(
        &GameScore::query("u2")
            .range_eq(target.title.as_str())
            .one(&engine)
            .await
            .unwrap(),
        target
    );
    match GameScore::query("nobody").one(&engine).await {
        Err(Error::NotFound { table, key }) => {
            assert_eq!(table, db::table(&engine, "GameScores"));
            assert_eq!(key, "{userid = S \"nobody\"}");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    match GameScore::query("u2").one(&engine).await {
        Err(Error::MoreThanOne { table }) => {
            assert_eq!(table, db::table(&engine, "GameScores"))
        }
        other => panic!("expected MoreThanOne, got {other:?}"),
    }
    match GameScore::query_game_title_index("Comet Quest")
        .one(&engine)
        .await
    {
        Err(Error::MoreThanOne { table }) => assert_eq!(
            table,
            db::table(&engine, "GameScores (index GameTitleIndex)")
        ),
        other => panic!("expected MoreThanOne, got {other:?}"),
    }
    // One after a filter, in pages of one: exactly one of many is kept.
    let unique = mine
        .iter()
        .find(|s| mine.iter().filter(|x| x.wins == s.wins).count() == 1)
        .unwrap();
    assert_eq!(
        &GameScore::query("u2")
            .filter(GameScore::WINS.eq(unique.wins))
            .page_size(1)
            .one(&engine)
            .await
            .unwrap(),
        unique
    );
}

#[tokio::test]
async fn count_limit_and_page_size_over_many_pages() {
    let items = bulk(500);
    let (_local, engine) = data::start_with(&items).await;
    let (counting, requests) = recording(&engine);

    assert_eq!(
        GameScore::query("bulk")
            .page_size(7)
            .count(&counting)
            .await
            .unwrap(),
        500
    );
    assert_eq!(
        requests.take().len(),
        72,
        "500 items in pages of 7: 71 full pages and one more"
    );
    assert_eq!(
        GameScore::query("bulk")
            .filter(GameScore::WINS.eq(0))
            .page_size(13)
            .count(&engine)
            .await
            .unwrap(),
        10
    );
    assert_eq!(
        GameScore::query("bulk")
            .range_between("t0100", "t0199")
            .filter(GameScore::LOSSES.lt(3))
            .count(&engine)
            .await
            .unwrap(),
        30
    );
    assert_eq!(
        GameScore::query("bulk")
            .limit(42)
            .page_size(10)
            .count(&engine)
            .await
            .unwrap(),
        42
    );
    assert_eq!(
        GameScore::query_game_title_index("t0042")
            .count(&engine)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        GameScore::scan()
            .page_size(50)
            .count(&engine)
            .await
            .unwrap(),
        500
    );

    // A limit counts the items returned, not the items read: the filter keeps 1 in 50, so the
    // 7 items come from the first 301, read 20 at a time: 16 requests, and no more.
    let got = GameScore::query("bulk")
        .filter(GameScore::WINS.eq(0))
        .page_size(20)
        .limit(7)
        .all(&counting)
        .await
        .unwrap();
    let want: Vec<GameScore> = items
        .iter()
        .filter(|s| s.wins == 0)
        .take(7)
        .cloned()
        .collect();
    assert_eq!(got, want);
    assert_eq!(requests.take().len(), 16);
    // The same through pages, and in reverse.
    let page = GameScore::query("bulk")
        .filter(GameScore::WINS.eq(0))
        .page_size(20)
        .limit(7)
        .page(&engine, None)
        .await
        .unwrap();
    assert_eq!(page.items, want);
    let rest = GameScore::query("bulk")
        .filter(GameScore::WINS.eq(0))
        .page_size(20)
        .limit(7)
        .page(&engine, page.next.as_ref())
        .await
        .unwrap();
    assert_eq!(
        rest.items,
        items
            .iter()
            .filter(|s| s.wins == 0)
            .skip(7)
            .cloned()
            .collect::<Vec<_>>()
    );
    assert!(rest.next.is_none());
    let last = GameScore::query("bulk")
        .filter(GameScore::WINS.eq(0))
        .reverse()
        .page_size(20)
        .limit(3)
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(
        last,
        items
            .iter()
            .rev()
            .filter(|s| s.wins == 0)
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
    );

    // Without a limit, a page is one response of page_size items.
    let in_twenties = GameScore::query("bulk").page_size(20);
    let page = in_twenties.page(&counting, None).await.unwrap();
    assert_eq!(page.items, items[..20].to_vec());
    assert!(page.next.is_some());
    assert_eq!(requests.take().len(), 1);
    // With a limit and no filter, exactly the limit.
    let limited = in_twenties.clone().limit(13);
    let page = limited.page(&engine, None).await.unwrap();
    assert_eq!(page.items, items[..13].to_vec());
    // A filter without limit: one response, however few items it kept.
    let filtered = in_twenties.filter(GameScore::WINS.eq(0));
    let page = filtered.page(&engine, None).await.unwrap();
    assert_eq!(page.items, items[..1].to_vec());
    assert!(page.next.is_some());
    assert!(matches!(
        GameScore::query("bulk").page_size(0).all(&engine).await,
        Err(Error::Validation(_))
    ));
}

#[tokio::test]
async fn delete_removes_exactly_the_matching_items_in_batches() {
    let (_local, engine) = start_with_tables().await;
    // 300 scores; every fifth has losses == 0: 60 items, more than two batches of 25.
    let items: Vec<GameScore> = (0..300)
        .map(|k| {
            let mut s = GameScore::new("del", format!("t{k:04}"));
            s.losses = if k % 5 == 0 { 0 } else { 1 };
            s.top_score = Some(k);
            s
        })
        .collect();
    put_all(&engine, &items).await;
    put_all(&engine, &scores()).await;
    let (counting, requests) = recording(&engine);

    // The 60 matches come in one response: three batches of 25, 25 and 10.
    let deleted = GameScore::query("del")
        .filter(GameScore::LOSSES.eq(0))
        .delete(&counting)
        .await
        .unwrap();
    assert_eq!(deleted, 60);
    let sent: Vec<&str> = requests.take().iter().map(|s| s.operation).collect();
    assert_eq!(
        sent,
        [
            "Query",
            "BatchWriteItem",
            "BatchWriteItem",
            "BatchWriteItem"
        ]
    );
    let left = GameScore::query("del")
        .consistent()
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(
        left,
        items
            .iter()
            .filter(|s| s.losses != 0)
            .cloned()
            .collect::<Vec<_>>()
    );
    assert_eq!(
        GameScore::scan().count(&engine).await.unwrap(),
        240 + scores().len() as u64
    );

    // A limited delete removes the first matches in key order.
    let deleted = GameScore::query("del")
        .range_ge("t0100")
        .limit(30)
        .page_size(7)
        .delete(&engine)
        .await
        .unwrap();
    assert_eq!(deleted, 30);
    let left = GameScore::query("del")
        .consistent()
        .all(&engine)
        .await
        .unwrap();
    let gone: Vec<&GameScore> = items
        .iter()
        .filter(|s| s.losses != 0 && s.title.as_str() >= "t0100")
        .take(30)
        .collect();
    assert_eq!(
        left,
        items
            .iter()
            .filter(|s| s.losses != 0 && !gone.contains(s))
            .cloned()
            .collect::<Vec<_>>()
    );

    // Through an index: deletes the table items.
    let deleted = GameScore::query_game_title_index("Comet Quest")
        .delete(&engine)
        .await
        .unwrap();
    let with_score = scores()
        .iter()
        .filter(|s| s.title == "Comet Quest" && s.top_score.is_some())
        .count() as u64;
    assert_eq!(deleted, with_score);
    let comets = GameScore::scan()
        .filter(GameScore::TITLE.eq("Comet Quest"))
        .all(&engine)
        .await
        .unwrap();
    assert!(
        comets.iter().all(|s| s.top_score.is_none()),
        "only the items outside the index remain"
    );

    // Through a scan.
    let deleted = GameScore::scan()
        .filter(GameScore::USERID.eq("del"))
        .page_size(33)
        .delete(&engine)
        .await
        .unwrap();
    assert_eq!(deleted, 240 - 30);
    assert_eq!(GameScore::query("del").count(&engine).await.unwrap(), 0);
    // Nothing to delete.
    assert_eq!(GameScore::query("del").delete(&engine).await.unwrap(), 0);
}

#[tokio::test]
async fn a_limit_of_zero_returns_nothing_everywhere() {
    let items = bulk(30);
    let (_local, engine) = data::start_with(&items).await;
    let q = GameScore::query("bulk").limit(0);
    assert_eq!(q.all(&engine).await.unwrap(), Vec::<GameScore>::new());
    // `first` and `one` keep the caller's limit: none of the 30 items is within it.
    assert_eq!(q.first(&engine).await.unwrap(), None, "first");
    assert!(matches!(q.one(&engine).await, Err(Error::NotFound { .. })));
    // A limit of one hides a second match from `one`, as asked.
    let only = GameScore::query("bulk")
        .limit(1)
        .one(&engine)
        .await
        .unwrap();
    assert_eq!(only.title, "t0000");
    let page = q.page(&engine, None).await.unwrap();
    assert_eq!(page.items, Vec::<GameScore>::new(), "page");
    assert!(page.next.is_none());
    assert_eq!(q.count(&engine).await.unwrap(), 0);
    assert_eq!(q.delete(&engine).await.unwrap(), 0);
    assert_eq!(
        GameScore::scan()
            .limit(0)
            .page(&engine, None)
            .await
            .unwrap()
            .items,
        Vec::<GameScore>::new()
    );
    assert_eq!(
        GameScore::query("bulk").count(&engine).await.unwrap(),
        30,
        "nothing was deleted"
    );
}

/// No builder call drops an earlier one: each combines with it or is refused before
/// anything is sent (a second range-key condition does not compile: see tests/ui).
#[tokio::test]
async fn repeated_builder_calls_combine_or_are_refused() {
    let (_local, engine) = data::start_with(&bulk(30)).await;
    let (e, requests) = recording(&engine);
    let e = &e;

    // Limits: each holds, so the smallest applies, in either order.
    let q = GameScore::query("bulk");
    assert_eq!(q.clone().limit(10).limit(3).all(e).await.unwrap().len(), 3);
    assert_eq!(q.clone().limit(3).limit(10).all(e).await.unwrap().len(), 3);
    assert_eq!(
        q.clone().limit(3).first(e).await.unwrap().unwrap().title,
        "t0000"
    );
    assert_eq!(
        GameScore::scan()
            .limit(4)
            .limit(7)
            .all(e)
            .await
            .unwrap()
            .len(),
        4
    );
    // Selections add up.
    let partial = q
        .clone()
        .select(GameScore::WINS)
        .select(GameScore::LOSSES)
        .first(e)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(partial.get(&GameScore::WINS).unwrap(), Some(0));
    assert_eq!(partial.get(&GameScore::LOSSES).unwrap(), Some(0));
    assert_eq!(partial.get(&GameScore::TOP_SCORE).unwrap(), None);
    // The same page size twice is one page size.
    assert_eq!(
        q.clone()
            .page_size(7)
            .page_size(7)
            .all(e)
            .await
            .unwrap()
            .len(),
        30
    );
    requests.take();

    // Two different page sizes, segments, versions or idempotency tokens are refused, and
    // nothing is sent.
    let refused = |what: &str, result: flywheel_runtime::Result<()>| match result {
        Err(Error::Validation(message)) => assert!(!message.is_empty(), "{what}"),
        other => panic!("{what}: expected a validation error, got {other:?}"),
    };
    refused(
        "page sizes",
        q.clone().page_size(5).page_size(6).all(e).await.map(drop),
    );
    refused(
        "scan page sizes",
        GameScore::scan()
            .page_size(5)
            .page_size(6)
            .count(e)
            .await
            .map(drop),
    );
    refused(
        "segments",
        GameScore::scan()
            .segment(0, 2)
            .segment(1, 2)
            .all(e)
            .await
            .map(drop),
    );
    let parallel: Vec<_> =
        futures::StreamExt::collect::<Vec<_>>(GameScore::scan().segment(0, 2).parallel(e, 4)).await;
    assert!(matches!(parallel.as_slice(), [Err(Error::Validation(_))]));
    let profile_key = UserProfile::new(
        Uuid::from_u128(1),
        "a@example.com",
        DateTime::from_timestamp(0, 0).unwrap(),
    )
    .key();
    refused(
        "update versions",
        UserProfile::update(profile_key.clone())
            .set(UserProfile::VERIFIED, true)
            .if_version(1)
            .if_version(2)
            .send(e)
            .await,
    );
    refused(
        "delete versions",
        e.delete(profile_key.clone())
            .if_version(1)
            .if_version(2)
            .await,
    );
    refused(
        "idempotency tokens",
        e.transact_write()
            .delete(profile_key.clone())
            .idempotency_token("a")
            .idempotency_token("b")
            .send()
            .await,
    );
    // Two actions on one attribute of an update.
    refused(
        "set and incr",
        GameScore::update(GameScoreKey::new("bulk", "t0001"))
            .set(GameScore::WINS, 5)
            .incr(GameScore::WINS, 1)
            .send(e)
            .await,
    );
    assert_eq!(requests.take(), Vec::new(), "nothing was sent");

    // Conditions combine: both must hold.
    let err = GameScore::update(GameScoreKey::new("bulk", "t0001"))
        .set(GameScore::LOSSES, 9)
        .condition(GameScore::WINS.gt(0))
        .condition(GameScore::WINS.gt(100))
        .send(&engine)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
}
