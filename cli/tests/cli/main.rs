//! The `todo` binary as a person uses it: `todo serve` in a temporary data directory, then client
//! commands against it, checking what they print and their exit codes. Runs on SQLite (the
//! default) and on PostgreSQL (`DATABASE_URL`).

mod aiops;
mod aiops_incident;
mod audit;
mod consumers;
mod data_protection;
mod events;
mod fuzz;
mod harness;
mod openapi_operations;
mod ownership;
mod web;
mod workflow;

use harness::Platform;
use todo_testing::TestDatabase;

#[test]
fn the_full_workflow_works_on_the_embedded_default() {
    let platform = Platform::start(None);
    workflow::full(&platform);
}

#[test]
fn the_full_workflow_works_on_postgres() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let db = runtime.block_on(TestDatabase::postgres());
    let platform = Platform::start(Some(db.url()));
    workflow::full(&platform);
    drop(platform);
}

#[test]
fn a_backup_and_the_archive_bring_every_task_back_on_the_embedded_default() {
    let platform = Platform::start_with(None, &[("ARCHIVE_MAX_WAIT_MS", "100")]);
    data_protection::a_backup_and_the_archive_bring_every_task_back(&platform);
}

#[test]
fn bad_input_prints_the_problem_and_exits_non_zero() {
    let platform = Platform::start(None);
    workflow::bad_input(&platform);
}

#[test]
fn a_printed_token_works_with_curl_style_requests() {
    let platform = Platform::start(None);
    workflow::token_works_over_http(&platform);
}

#[test]
fn tokens_the_cli_mints_carry_the_issuer_and_audience_the_server_requires() {
    use base64::Engine as _;
    let stamp = [
        ("AUTH_ISSUER", "https://id.example.com/realms/todo"),
        ("AUTH_AUDIENCE", "evolution-of-todo"),
    ];
    let platform = Platform::start_with(None, &stamp);
    let stamped = |args: &[&str]| -> harness::Run {
        std::process::Command::new(harness::TODO)
            .args(args)
            .env("TODO_DATA_DIR", &platform.data_dir)
            .env("TODO_API", &platform.url)
            .env_remove("TODO_TOKEN")
            .env_remove("AUTH_JWT_SECRET")
            .envs(stamp)
            .output()
            .expect("run todo")
            .into()
    };
    // The client mints its own token from the server's secret, with the issuer and audience.
    let listed = stamped(&["list"]);
    assert!(listed.status.success(), "{}", listed.stderr);
    // So does `todo token`.
    let printed = stamped(&["token", "--user", "alice"]);
    assert!(printed.status.success(), "{}", printed.stderr);
    let token = printed.stdout.lines().last().expect("a token").trim().to_owned();
    let payload = token.split('.').nth(1).expect("a JWT");
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64"),
    )
    .expect("claims");
    assert_eq!(claims["iss"], "https://id.example.com/realms/todo", "{claims}");
    assert_eq!(claims["aud"], "evolution-of-todo", "{claims}");
    let answer = std::process::Command::new(harness::TODO)
        .args(["--token", &token, "list"])
        .env("TODO_DATA_DIR", &platform.data_dir)
        .env("TODO_API", &platform.url)
        .output()
        .expect("run todo");
    assert!(answer.status.success(), "{}", String::from_utf8_lossy(&answer.stderr));
    // Without them the server, which requires them, refuses the client's token.
    let bare = platform.todo(&["list"]);
    assert!(!bare.status.success(), "{}", bare.stdout);
}

#[test]
fn commands_explain_when_the_server_is_not_running() {
    let dir = harness::temp_dir();
    let out = harness::todo(&dir, "http://127.0.0.1:9", &["list"]);
    assert!(!out.status.success());
    assert!(
        out.stderr.contains("no token") || out.stderr.contains("cannot reach"),
        "{}",
        out.stderr
    );
    std::fs::write(dir.join("local.token"), "x").expect("token file");
    let out = harness::todo(&dir, "http://127.0.0.1:9", &["list"]);
    assert!(!out.status.success());
    assert!(out.stderr.contains("cannot reach the todo server"), "{}", out.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_relay_drains_the_outbox() {
    events::the_embedded_relay_drains_the_outbox().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_kafka_every_change_reaches_the_topic() {
    events::with_kafka_every_change_reaches_the_topic().await;
}

#[test]
fn topics_apply_creates_the_catalog_once_and_reports_drift() {
    let brokers = std::env::var("KAFKA_BROKERS").unwrap_or_else(|_| "127.0.0.1:19092".into());
    assert!(
        std::net::TcpStream::connect(&brokers).is_ok(),
        "no broker at {brokers}: run `bash scripts/tansu.sh`"
    );
    let dir = harness::temp_dir();
    let prefix = format!("apply{}.", std::process::id());
    let apply = |env: &str| {
        harness::todo(
            &dir,
            "http://unused",
            &[
                "topics",
                "apply",
                "--brokers",
                &brokers,
                "--prefix",
                &prefix,
                "--env",
                env,
            ],
        )
    };
    let topics = todo_events::Topic::ALL.len();
    let first = apply("local");
    assert!(first.status.success(), "{}", first.stderr);
    assert_eq!(first.stdout.matches(" created").count(), topics, "{}", first.stdout);
    let again = apply("local");
    assert!(again.status.success(), "{}", again.stderr);
    assert_eq!(again.stdout.matches("  ok").count(), topics, "{}", again.stdout);
    let production = apply("production");
    assert!(!production.status.success(), "drift must fail: {}", production.stdout);
    assert!(
        production.stdout.contains("DRIFT: replication factor 1, expected 3"),
        "{}",
        production.stdout
    );
    assert!(
        production.stderr.contains(&format!("{topics} topic(s) differ")),
        "{}",
        production.stderr
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_server_mounts_session_api_beside_task_api() {
    let platform = Platform::start(None);
    let token = std::fs::read_to_string(platform.data_dir.join("local.token")).expect("dev token");
    let client = reqwest::Client::new();
    let opened = client
        .post(format!("{}/api/sessions", platform.url))
        .bearer_auth(token.trim())
        .json(&serde_json::json!({ "client_info": { "client": "cli-test" } }))
        .send()
        .await
        .expect("send");
    assert_eq!(opened.status(), reqwest::StatusCode::CREATED);
    assert!(
        opened.headers().contains_key("x-request-id"),
        "the gateway's middleware covers session routes"
    );
    let session: serde_json::Value = opened.json().await.expect("json");
    assert_eq!(session["user_id"], "local");
    let metrics = client
        .get(format!("{}/metrics", platform.url))
        .send()
        .await
        .expect("send");
    let text = metrics.text().await.expect("text");
    assert!(text.contains("endpoint=\"/api/sessions\""), "{text}");
}

#[test]
fn todo_chat_continues_one_conversation_across_calls() {
    let platform = Platform::start(None);
    let added = platform.ok(&["chat", "add buy milk tomorrow at 5pm #home"]);
    assert!(added.contains("Added “Buy milk”"), "{added}");
    platform.ok(&["chat", "add call the plumber"]);
    let listed = platform.ok(&["chat", "show my tasks"]);
    assert!(
        listed.contains("1.") && listed.contains("Buy milk") && listed.contains("Call the plumber"),
        "{listed}"
    );
    let answer = platform.ok(&["chat", "--json", "mark the first one as done"]);
    let answer: serde_json::Value = serde_json::from_str(&answer).expect("json");
    assert_eq!(answer["intent"], "complete", "{answer}");
    let tasks: serde_json::Value =
        serde_json::from_str(&platform.ok(&["list", "--json", "--status", "completed"])).expect("json");
    assert_eq!(tasks.as_array().map(Vec::len), Some(1), "{tasks}");
    let fresh = platform.ok(&["chat", "--new", "mark it done"]);
    assert!(!fresh.contains("Marked"), "a new conversation has no 'it': {fresh}");
    let long = platform.todo(&["chat", &"x".repeat(2001)]);
    assert!(!long.status.success());
    assert!(long.stderr.contains("2000"), "{}", long.stderr);
}

#[test]
fn todo_mcp_serves_the_task_tools_over_stdio() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};

    let platform = Platform::start(None);
    let mut mcp = Command::new(env!("CARGO_BIN_EXE_todo"))
        .args(["mcp", "--api", &platform.url])
        .env("TODO_DATA_DIR", &platform.data_dir)
        .env_remove("TODO_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start todo mcp");
    let mut stdin = mcp.stdin.take().expect("stdin");
    let mut lines = BufReader::new(mcp.stdout.take().expect("stdout")).lines();
    let send = |stdin: &mut std::process::ChildStdin, message: serde_json::Value| {
        writeln!(stdin, "{message}").expect("write");
    };
    let mut answer = |id: i64| loop {
        let line = lines.next().expect("an answer").expect("read");
        let message: serde_json::Value = serde_json::from_str(&line).expect("only JSON-RPC on stdout");
        if message["id"] == id {
            break message;
        }
    };

    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "cli-test", "version": "1" } } }),
    );
    let initialized = answer(1);
    assert_eq!(
        initialized["result"]["serverInfo"]["name"], "evolution-of-todo",
        "{initialized}"
    );
    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }),
    );
    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list" }),
    );
    let tools = answer(2);
    assert_eq!(tools["result"]["tools"].as_array().map(Vec::len), Some(7), "{tools}");
    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
        "name": "add_task", "arguments": { "title": "From an agent", "tags": ["mcp"] } } }),
    );
    let added = answer(3);
    assert_eq!(added["result"]["isError"], false, "{added}");
    drop(stdin);
    assert!(
        mcp.wait().expect("exit").success(),
        "todo mcp ends when the client closes stdin"
    );

    let tasks: serde_json::Value = serde_json::from_str(&platform.ok(&["list", "--json"])).expect("json");
    assert_eq!(tasks[0]["title"], "From an agent");
    assert_eq!(tasks[0]["owner_id"], "local");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_server_serves_mcp_to_signed_in_agents_only() {
    let platform = Platform::start(None);
    let anonymous = reqwest::Client::new()
        .post(format!("{}/mcp", platform.url))
        .header("accept", "application/json, text/event-stream")
        .json(&serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers().contains_key("www-authenticate"));
}

/// "Done means" of the conversation issue: with `LLM_BASE_URL` pointing at a model server that fails,
/// answers still come from the rules and the response says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_failing_model_the_rules_answer_and_say_so() {
    let failing = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post(|| async { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "model down") }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let model_url = format!("http://{}/v1", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, failing).await });
    let platform = Platform::start_with(None, &[("LLM_BASE_URL", &model_url), ("LLM_MODEL", "gpt-test")]);

    let data_dir = platform.data_dir.clone();
    let url = platform.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        harness::todo(&data_dir, &url, &["chat", "--json", "add buy stamps tomorrow"])
    })
    .await
    .expect("todo chat");

    assert!(out.status.success(), "{}", out.stderr);
    let answer: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(answer["model"], "rules", "{answer}");
    assert_eq!(answer["fallbacks"][0]["model"], "gpt-test", "{answer}");
    assert_eq!(answer["actions"][0]["result"]["status"], "created", "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aiops_finds_a_failing_consumer_and_pauses_it_once_approved() {
    aiops_incident::a_consumer_dead_lettering_in_a_loop_is_found_and_paused_once_a_person_approves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_records_every_access_and_refusal_and_each_user_reads_their_own() {
    audit::every_data_access_and_refusal_is_in_the_trail_each_user_sees_their_own().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ownership_sweep_finds_no_route_that_reaches_another_users_data() {
    ownership::a_second_user_reaches_none_of_the_first_users_data_on_any_route().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzzed_bodies_and_queries_never_cause_a_500_or_a_partial_write() {
    fuzz::no_input_to_any_route_is_a_500_or_a_partial_write().await;
}

/// Settings that make the consumers' work visible within a test's patience.
const CONSUMER_ENV: [(&str, &str); 2] = [
    ("SCHEDULER_TICK_SECONDS", "1"),
    ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consumers_work_on_the_embedded_default() {
    let platform = Platform::start_with(None, &CONSUMER_ENV);
    consumers::the_consumers_do_their_work(&platform, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consumers_work_on_postgres_and_kafka() {
    let brokers = std::env::var("KAFKA_BROKERS").unwrap_or_else(|_| "127.0.0.1:19092".into());
    assert!(
        std::net::TcpStream::connect(&brokers).is_ok(),
        "no broker at {brokers}: run `bash scripts/tansu.sh`"
    );
    let db = TestDatabase::postgres().await;
    let bus = format!("kafka://{brokers}");
    let prefix = format!("consumers{}.", std::process::id());
    let mut env = CONSUMER_ENV.to_vec();
    env.extend([("EVENT_BUS", bus.as_str()), ("TOPIC_PREFIX", prefix.as_str())]);
    let platform = Platform::start_with(Some(db.url()), &env);
    let rebuild = [
        "--bus",
        bus.as_str(),
        "--database-url",
        db.url(),
        "--topic-prefix",
        prefix.as_str(),
    ];
    consumers::the_consumers_do_their_work(&platform, &rebuild).await;
    drop(platform);
}
