//! Cases about lists: filters, full-text search, every sort with cursor paging.

use chrono::{DateTime, Duration, Utc};
use todo_domain::Error;
use todo_domain::query::{ListQuery, title_key};
use todo_domain::{Task, TaskDraft};
use todo_tasks::store::TaskStore;

use crate::fixtures::{create, ctx};

fn pairs(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

async fn titles(store: &dyn TaskStore, params: &[(&str, &str)]) -> Vec<String> {
    let query = ListQuery::from_pairs(&pairs(params), Utc::now()).expect("valid query");
    let mut titles: Vec<String> = store
        .list("alice", &query)
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|t| t.title)
        .collect();
    titles.sort();
    titles
}

fn task(title: &str, priority: &str, tags: &[&str], due: Option<DateTime<Utc>>) -> TaskDraft {
    TaskDraft {
        title: title.into(),
        priority: Some(priority.into()),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        due_at: due.map(|d| d.to_rfc3339()),
        ..TaskDraft::default()
    }
}

pub(crate) async fn filters_select_exactly_the_matching_tasks(store: &dyn TaskStore) {
    let now = Utc::now();
    create(
        store,
        "alice",
        task("past", "high", &["work"], Some(now - Duration::hours(2))),
    )
    .await;
    create(
        store,
        "alice",
        task("soon", "low", &["work", "home"], Some(now + Duration::hours(3))),
    )
    .await;
    create(
        store,
        "alice",
        task("later", "urgent", &["home"], Some(now + Duration::days(10))),
    )
    .await;
    create(store, "alice", task("someday", "medium", &[], None)).await;
    let done = create(
        store,
        "alice",
        task("done past", "high", &["work"], Some(now - Duration::days(1))),
    )
    .await;
    store.complete(&ctx("alice"), done.id, None).await.expect("complete");
    create(
        store,
        "bob",
        task("bob's", "high", &["work"], Some(now - Duration::hours(1))),
    )
    .await;

    assert_eq!(titles(store, &[("status", "completed")]).await, ["done past"]);
    assert_eq!(
        titles(store, &[("status", "pending")]).await,
        ["later", "past", "someday", "soon"]
    );
    assert_eq!(
        titles(store, &[("priority", "high"), ("priority", "urgent")]).await,
        ["done past", "later", "past"]
    );
    assert_eq!(titles(store, &[("priority", "low,medium")]).await, ["someday", "soon"]);
    assert_eq!(titles(store, &[("tag", "work")]).await, ["done past", "past", "soon"]);
    assert_eq!(titles(store, &[("tag", "work"), ("tag", "home")]).await, ["soon"]);
    assert_eq!(titles(store, &[("overdue", "true")]).await, ["past"]);
    assert_eq!(titles(store, &[("has_due", "false")]).await, ["someday"]);
    assert_eq!(
        titles(store, &[("has_due", "true"), ("status", "pending")]).await,
        ["later", "past", "soon"]
    );
    let cut = (now + Duration::days(1)).to_rfc3339();
    assert_eq!(
        titles(store, &[("due_before", &cut)]).await,
        ["done past", "past", "soon"]
    );
    assert_eq!(titles(store, &[("due_after", &cut)]).await, ["later"]);
    assert_eq!(
        titles(
            store,
            &[("due_after", &now.to_rfc3339()), ("tag", "home"), ("status", "pending")]
        )
        .await,
        ["later", "soon"]
    );
}

pub(crate) async fn search_matches_word_prefixes_in_title_and_description(store: &dyn TaskStore) {
    create(
        store,
        "alice",
        TaskDraft {
            title: "Buy groceries".into(),
            description: Some("milk, eggs and bread".into()),
            ..TaskDraft::default()
        },
    )
    .await;
    create(
        store,
        "alice",
        TaskDraft {
            title: "Team meetings".into(),
            ..TaskDraft::default()
        },
    )
    .await;
    create(
        store,
        "alice",
        TaskDraft {
            title: "Call the bank".into(),
            description: Some("about the Groceries card".into()),
            ..TaskDraft::default()
        },
    )
    .await;
    create(
        store,
        "bob",
        TaskDraft {
            title: "Buy groceries too".into(),
            ..TaskDraft::default()
        },
    )
    .await;

    assert_eq!(
        titles(store, &[("q", "groceries")]).await,
        ["Buy groceries", "Call the bank"]
    );
    assert_eq!(
        titles(store, &[("q", "groc")]).await,
        ["Buy groceries", "Call the bank"]
    );
    assert_eq!(titles(store, &[("q", "EGGS")]).await, ["Buy groceries"]);
    assert_eq!(titles(store, &[("q", "meeting")]).await, ["Team meetings"]);
    assert_eq!(titles(store, &[("q", "buy milk")]).await, ["Buy groceries"]);
    assert_eq!(titles(store, &[("q", "buy bank")]).await, Vec::<String>::new());
    assert_eq!(
        titles(store, &[("q", "'; DROP TABLE tasks; --")]).await,
        Vec::<String>::new()
    );
    assert_eq!(titles(store, &[("q", "bank\"* OR")]).await, ["Call the bank"]);
    assert_eq!(titles(store, &[("q", "the")]).await, Vec::<String>::new());
    assert_eq!(titles(store, &[("q", "call the BANK")]).await, ["Call the bank"]);
    assert_eq!(titles(store, &[("q", "\"bank\"*")]).await, ["Call the bank"]);
}

/// The order a sort must produce, computed in Rust from the tasks themselves.
fn expected_order(tasks: &[Task], spec: &str) -> Vec<i64> {
    let descending = spec.starts_with('-');
    let mut sorted = tasks.to_vec();
    sorted.sort_by(|a, b| {
        let primary = match spec.trim_start_matches('-') {
            "due_at" => {
                let nulls = a.due_at.is_none().cmp(&b.due_at.is_none());
                let by_due = if descending {
                    b.due_at.cmp(&a.due_at)
                } else {
                    a.due_at.cmp(&b.due_at)
                };
                return nulls
                    .then(by_due)
                    .then(if descending { b.id.cmp(&a.id) } else { a.id.cmp(&b.id) });
            }
            "priority" => a.priority.rank().cmp(&b.priority.rank()),
            "created_at" => a.created_at.cmp(&b.created_at),
            "updated_at" => a.updated_at.cmp(&b.updated_at),
            "title" => title_key(&a.title).cmp(&title_key(&b.title)),
            other => panic!("unknown sort {other}"),
        };
        let order = primary.then(a.id.cmp(&b.id));
        if descending { order.reverse() } else { order }
    });
    sorted.iter().map(|t| t.id).collect()
}

pub(crate) async fn every_sort_pages_through_all_tasks_in_order(store: &dyn TaskStore) {
    let now = Utc::now();
    let priorities = ["low", "medium", "high", "urgent"];
    let titles = ["apple", "Banana", "cherry", "apple", "Élan", "date", "banana"];
    let mut tasks = Vec::new();
    for i in 0..23_i64 {
        let due = (i % 3 != 0).then(|| now + Duration::hours((i * 7) % 11));
        let title = format!("{} {}", titles[(i as usize) % titles.len()], i % 4);
        let p = priorities[(i as usize * 5) % 4];
        tasks.push(create(store, "alice", task(&title, p, &[], due)).await);
    }
    // Touch some tasks so updated_at differs from created_at order.
    for t in tasks.iter_mut().filter(|t| t.id % 4 == 0) {
        *t = store.complete(&ctx("alice"), t.id, None).await.expect("complete");
    }
    for spec in [
        "due_at",
        "-due_at",
        "priority",
        "-priority",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
        "title",
        "-title",
    ] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut params = vec![("sort", spec.to_owned()), ("limit", "4".to_owned())];
            if let Some(c) = &cursor {
                params.push(("cursor", c.clone()));
            }
            let params: Vec<(String, String)> = params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let page = store
                .list("alice", &ListQuery::from_pairs(&params, Utc::now()).expect("query"))
                .await
                .expect("list");
            assert!(page.items.len() <= 4);
            seen.extend(page.items.iter().map(|t| t.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
            assert!(seen.len() <= tasks.len(), "{spec}: paging does not end");
        }
        assert_eq!(seen, expected_order(&tasks, spec), "sort {spec}");
    }
}

pub(crate) async fn a_cursor_from_another_query_is_refused(store: &dyn TaskStore) {
    for i in 0..3 {
        create(store, "alice", task(&format!("t{i}"), "low", &["x"], None)).await;
    }
    let first = store
        .list(
            "alice",
            &ListQuery::from_pairs(&pairs(&[("limit", "1"), ("sort", "title")]), Utc::now()).expect("query"),
        )
        .await
        .expect("list");
    let cursor = first.next_cursor.expect("more pages");
    let other_sort = ListQuery::from_pairs(
        &pairs(&[("limit", "1"), ("sort", "-title"), ("cursor", &cursor)]),
        Utc::now(),
    );
    assert!(matches!(other_sort, Err(Error::InvalidQuery(_))));
    let other_filter = ListQuery::from_pairs(
        &pairs(&[("limit", "1"), ("sort", "title"), ("tag", "x"), ("cursor", &cursor)]),
        Utc::now(),
    );
    assert!(matches!(other_filter, Err(Error::InvalidQuery(_))));
    assert!(matches!(
        ListQuery::from_pairs(&pairs(&[("cursor", "not-a-cursor")]), Utc::now()),
        Err(Error::InvalidQuery(_))
    ));
    let same = ListQuery::from_pairs(
        &pairs(&[("limit", "1"), ("sort", "title"), ("cursor", &cursor)]),
        Utc::now(),
    )
    .expect("same query");
    let second = store.list("alice", &same).await.expect("list");
    assert_eq!(second.items[0].title, "t1");
}
