//! chat-api end to end: task-api on SQLite, session-api in process and chat-api, each on its own
//! port with one signing secret, talked to over HTTP as a client would. The hackathon's example
//! conversation, deletes that wait for "yes", problems the client can act on, intent events, and a
//! conversation that survives a new chat-api instance.

mod support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{chat_api, platform, token};

fn titles(tasks: &[Value]) -> Vec<&str> {
    tasks.iter().filter_map(|t| t["title"].as_str()).collect()
}

#[tokio::test]
async fn the_hackathon_conversation_works_end_to_end() {
    let p = platform().await;
    let (status, first) = p.say(None, "Add a task to buy groceries").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let session = first["session_id"].as_str().expect("a new session").to_owned();
    assert_eq!(
        (first["intent"].as_str(), first["model"].as_str()),
        (Some("add"), Some("rules"))
    );
    assert_eq!(first["actions"][0]["tool"], "add_task");
    assert_eq!(first["actions"][0]["result"]["status"], "created");
    assert_eq!(titles(&p.tasks().await), ["Buy groceries"]);

    p.turn(&session, "I need to remember to pay bills").await;
    p.add("Team meeting", Some("2026-12-01T09:30:00+01:00")).await;
    p.add("Meeting with Bob", Some("2026-12-02T10:00:00+01:00")).await;
    p.add("Lunch meeting", Some("2026-12-02T12:30:00+01:00")).await;

    let all = p.turn(&session, "Show me all my tasks").await;
    assert_eq!(all["intent"], "list");
    let reply = all["reply"].as_str().expect("reply");
    assert!(
        reply.contains("Buy groceries") && reply.contains("Pay bills"),
        "{reply}"
    );

    let pending = p.turn(&session, "What's pending?").await;
    assert_eq!(pending["actions"][0]["arguments"]["status"], "pending");

    // "task 1" is both #1 and the first of the list just shown, two tasks: the chat asks which.
    let listed = pending["actions"][0]["result"].as_array().expect("items").clone();
    let first_listed = listed[0]["title"].as_str().expect("title").to_owned();
    let asked = p.turn(&session, "Mark task 1 as complete").await;
    assert_eq!(asked["intent"], "complete", "{asked}");
    let question = asked["reply"].as_str().expect("reply");
    assert!(
        question.contains("#1") && question.contains("number 1 in the last list"),
        "{question}"
    );
    assert!(
        asked["actions"].as_array().is_none_or(Vec::is_empty),
        "nothing done yet: {asked}"
    );
    let done = p.turn(&session, "2").await;
    assert_eq!(done["actions"][0]["result"]["status"], "completed", "{done}");
    assert!(
        done["reply"].as_str().expect("reply").contains(&first_listed),
        "the list's reading: {done}"
    );
    let completed = p.turn(&session, "What have I completed?").await;
    assert!(
        completed["reply"].as_str().expect("reply").contains(&first_listed),
        "{completed}"
    );

    // "task 1" is again both #1 ("Buy groceries") and the first of the last list (the completed
    // "Team meeting"): asked, then answered with the list's reading.
    let asked = p.turn(&session, "Change task 1 to 'Call mom tonight'").await;
    assert_eq!(asked["intent"], "update", "{asked}");
    assert!(asked["reply"].as_str().expect("reply").contains("Which one"), "{asked}");
    let renamed = p.turn(&session, "the second one").await;
    assert!(titles(&p.tasks().await).contains(&"Call mom tonight"), "{renamed}");
    assert_eq!(first_listed, "Team meeting");
    assert_eq!(renamed["actions"][0]["arguments"]["title"], "Call mom tonight");
    assert!(
        renamed["reply"]
            .as_str()
            .expect("reply")
            .contains("renamed to “Call mom tonight”"),
        "the reply says what changed: {renamed}"
    );

    // Pending morning meetings move to 14:00 on their own day; the 12:30 lunch meeting stays.
    let moved = p.turn(&session, "Reschedule my morning meetings to 2 PM").await;
    assert_eq!(moved["intent"], "update", "{moved}");
    let tasks = p.tasks().await;
    let due = |title: &str| {
        tasks
            .iter()
            .find(|t| t["title"] == title)
            .and_then(|t| t["due_at"].as_str())
            .map(str::to_owned)
    };
    assert_eq!(
        due("Meeting with Bob").as_deref(),
        Some("2026-12-02T13:00:00Z"),
        "{moved}"
    );
    assert_eq!(due("Lunch meeting").as_deref(), Some("2026-12-02T11:30:00Z"));
    assert_eq!(
        due("Call mom tonight").as_deref(),
        Some("2026-12-01T08:30:00Z"),
        "a completed task is not rescheduled"
    );

    // A delete waits for "yes"; an ambiguous name gets a question, never a guess.
    let which = p.turn(&session, "Delete the meeting task").await;
    assert!(which["actions"].as_array().expect("actions").is_empty(), "{which}");
    assert!(which["reply"].as_str().expect("reply").contains('?'), "{which}");
    assert_eq!(p.tasks().await.len(), 5, "nothing deleted yet");
    let ask = p.turn(&session, "delete the lunch meeting").await;
    assert!(ask["reply"].as_str().expect("reply").contains("Lunch meeting"), "{ask}");
    assert_eq!(p.tasks().await.len(), 5);
    let yes = p.turn(&session, "yes").await;
    assert_eq!(yes["actions"][0]["tool"], "delete_task", "{yes}");
    assert!(!titles(&p.tasks().await).contains(&"Lunch meeting"));
    let nothing = p.turn(&session, "yes").await;
    assert!(
        nothing["actions"].as_array().expect("actions").is_empty(),
        "a second yes deletes nothing"
    );
}

#[tokio::test]
async fn the_conversation_survives_a_new_chat_instance_and_pronouns_follow_it() {
    let p = platform().await;
    let (_, first) = p.say(None, "add buy milk tomorrow at 5pm #home").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    let milk = &p.tasks().await[0];
    assert_eq!(milk["tags"], json!(["home"]));
    assert!(milk["due_at"].as_str().expect("due").ends_with(":00:00Z"));

    // A different chat-api instance picks the conversation up from session-api.
    let other = chat_api(&p.task_api, &p.session_api).await;
    let response = p
        .client
        .post(format!("{other}/api/chat"))
        .bearer_auth(token("alice"))
        .json(&json!({ "session_id": session, "message": "mark it done" }))
        .send()
        .await
        .expect("send");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["actions"][0]["tool"], "complete_task", "{body}");
    assert_eq!(p.tasks().await[0]["status"], "completed");
}

#[tokio::test]
async fn problems_tell_the_client_what_to_do() {
    let p = platform().await;
    let (status, body) = p.say(None, &"x".repeat(2001)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["type"].as_str().expect("type").ends_with("/message-too-long"));
    let (status, body) = p.say(Some("no-such-session"), "hello").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["detail"].as_str().expect("detail").contains("without session_id"));
    let (_, first) = p.say(None, "hello").await;
    let session = first["session_id"].as_str().expect("session");
    p.sessions
        .delete(
            "alice",
            session,
            &todo_events::EventMetadata::default(),
            chrono::Utc::now(),
        )
        .await
        .expect("close");
    let (status, _) = p.say(Some(session), "hello again").await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::GONE,
        "{status}"
    );
    let (status, _) = p.say(None, "   ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let anonymous = p
        .client
        .post(format!("{}/api/chat", p.chat))
        .json(&json!({ "message": "hi" }))
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn each_message_publishes_its_intent_event_with_the_reply() {
    let p = platform().await;
    let (_, first) = p.say(None, "add water the plants").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    p.turn(&session, "qwertyuiop asdf").await;
    let pending = p.sessions.claim_outbox(100).await.expect("claim").expect("free");
    let types: Vec<String> = pending
        .iter()
        .map(|e| e.event["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "session.created",
            "session.message_received",
            "intent.recognized",
            "session.message_received",
            "intent.failed"
        ]
    );
    let recognized = &pending[2].event;
    assert_eq!(recognized["source"], "/functions/chat-api");
    assert_eq!(recognized["data"]["intent"], "add");
    assert_eq!(recognized["data"]["session_id"], session);
    assert_eq!(pending[4].event["data"]["message"], "qwertyuiop asdf");
}

#[tokio::test]
async fn priority_tags_description_repetition_search_and_reopen_change_the_right_task() {
    let p = platform().await;
    let (_, first) = p.say(None, "add write the quarterly report due friday 10am").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    p.turn(&session, "add pay the gas bill tomorrow").await;

    let urgent = p.turn(&session, "make the report task urgent").await;
    assert_eq!(urgent["actions"][0]["arguments"]["priority"], "urgent", "{urgent}");
    p.turn(&session, "tag it work").await;
    p.turn(&session, "add the finance tag to the report task").await;
    p.turn(&session, "remove the work tag from the report task").await;
    let noted = p
        .turn(&session, "add a note to the report task: numbers from Anna")
        .await;
    assert_eq!(noted["intent"], "update", "{noted}");
    let repeat = p.turn(&session, "make the gas bill task repeat every month").await;
    assert_eq!(repeat["intent"], "set_recurrence", "{repeat}");

    let tasks = p.tasks().await;
    let report = tasks
        .iter()
        .find(|t| t["title"] == "Write the quarterly report")
        .expect("report");
    assert_eq!(report["priority"], "urgent");
    assert_eq!(report["tags"], json!(["finance"]), "{report}");
    assert_eq!(report["description"], "numbers from Anna", "{report}");
    let bill = tasks.iter().find(|t| t["title"] == "Pay the gas bill").expect("bill");
    assert!(
        bill["recurrence"].as_str().expect("a rule").starts_with("FREQ=MONTHLY"),
        "{bill}"
    );
    assert_eq!(bill["priority"], "medium", "only the report changed");

    let found = p.turn(&session, "find the gas bill").await;
    assert_eq!(found["intent"], "search");
    assert!(
        found["reply"].as_str().expect("reply").contains("Pay the gas bill"),
        "{found}"
    );
    p.turn(&session, "mark it done").await;
    let reopened = p.turn(&session, "actually mark it as not done").await;
    assert_eq!(reopened["actions"][0]["tool"], "reopen_task", "{reopened}");
    let bill = p
        .tasks()
        .await
        .into_iter()
        .find(|t| t["title"] == "Pay the gas bill")
        .expect("bill");
    assert_eq!(bill["status"], "pending");
}

#[tokio::test]
async fn undo_reverses_the_last_change_and_every_reply_names_the_task_and_the_way_back() {
    let p = platform().await;
    let dentist = p.add("dentist appointment", Some("2026-12-02T09:00:00+01:00")).await;
    let (_, first) = p.say(None, "delete").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    assert_eq!(
        first["reply"], "Which task should I delete? Say its name or its number in the list.",
        "a bare command is asked about: {first}"
    );
    let asked = p.turn(&session, "the dentist one").await;
    assert!(
        asked["reply"]
            .as_str()
            .expect("reply")
            .starts_with(&format!("Delete #{dentist} “dentist appointment”?")),
        "{asked}"
    );
    let deleted = p.turn(&session, "yes").await;
    let reply = deleted["reply"].as_str().expect("reply");
    assert!(
        reply.contains(&format!("Deleted #{dentist}")) && reply.contains("undo"),
        "{reply}"
    );
    assert!(p.tasks().await.is_empty());

    // Undo adds it again, with its due date, as a new task.
    let undone = p.turn(&session, "undo").await;
    assert_eq!(undone["intent"], "undo", "{undone}");
    let tasks = p.tasks().await;
    assert_eq!(titles(&tasks), ["dentist appointment"], "{undone}");
    assert_eq!(tasks[0]["due_at"], "2026-12-02T08:00:00Z");
    assert!(
        undone["reply"]
            .as_str()
            .expect("reply")
            .contains(&format!("(was #{dentist})")),
        "{undone}"
    );

    // A completion is undone by reopening; a second undo has nothing left to undo.
    let done = p.turn(&session, "done with the dentist appointment").await;
    assert!(
        done["reply"]
            .as_str()
            .expect("reply")
            .contains("Say “undo” to reopen it"),
        "{done}"
    );
    p.turn(&session, "undo").await;
    assert_eq!(p.tasks().await[0]["status"], "pending");
    let nothing = p.turn(&session, "undo").await;
    assert!(
        nothing["reply"].as_str().expect("reply").contains("nothing to undo"),
        "{nothing}"
    );

    // A change is put back as it was.
    let moved = p.turn(&session, "move the dentist appointment to friday at 10").await;
    assert!(
        moved["reply"].as_str().expect("reply").contains("due "),
        "the reply says what changed: {moved}"
    );
    p.turn(&session, "undo").await;
    assert_eq!(p.tasks().await[0]["due_at"], "2026-12-02T08:00:00Z");
}

#[tokio::test]
async fn a_list_follows_the_order_asked_for_and_the_reply_says_it() {
    let p = platform().await;
    let (_, first) = p.say(None, "add water the plants due saturday").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    p.turn(&session, "add file the taxes due tomorrow, urgent").await;
    p.turn(&session, "add buy a birthday card, low priority").await;

    let order = |answer: &Value| -> Vec<String> {
        answer["actions"][0]["result"]
            .as_array()
            .expect("listed tasks")
            .iter()
            .filter_map(|t| t["title"].as_str().map(str::to_owned))
            .collect()
    };
    // Without an order, the soonest due first.
    let due = p.turn(&session, "show my tasks").await;
    assert_eq!(
        order(&due),
        ["File the taxes", "Water the plants", "Buy a birthday card"],
        "{due}"
    );
    let added = p.turn(&session, "show my tasks in the order i added them").await;
    assert_eq!(added["actions"][0]["arguments"]["sort"], "created_at", "{added}");
    assert_eq!(
        order(&added),
        ["Water the plants", "File the taxes", "Buy a birthday card"]
    );
    assert!(
        added["reply"]
            .as_str()
            .expect("reply")
            .starts_with("You have 3 pending tasks, in the order you added them:"),
        "{added}"
    );
    let important = p.turn(&session, "list everything sorted by priority").await;
    assert_eq!(order(&important)[0], "File the taxes", "{important}");
    assert_eq!(order(&important)[2], "Buy a birthday card", "{important}");
    let named = p.turn(&session, "show my tasks alphabetically").await;
    assert_eq!(
        order(&named),
        ["Buy a birthday card", "File the taxes", "Water the plants"],
        "{named}"
    );
    // "The second one" is the second of the list as it was shown.
    p.turn(&session, "complete the second one").await;
    let taxes = p
        .tasks()
        .await
        .into_iter()
        .find(|t| t["title"] == "File the taxes")
        .expect("taxes");
    assert_eq!(taxes["status"], "completed", "{taxes}");
}

#[tokio::test]
async fn a_statement_naming_a_task_changes_it_and_a_title_with_a_date_still_adds() {
    let p = platform().await;
    let (_, first) = p.say(None, "add vet appointment in 5 days at 10am").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    p.turn(&session, "add buy milk").await;
    let due = |tasks: &[Value]| {
        tasks
            .iter()
            .find(|t| t["title"] == "Vet appointment")
            .and_then(|t| t["due_at"].as_str().map(str::to_owned))
            .expect("the vet appointment, due")
    };
    let before = due(&p.tasks().await);

    let moved = p.turn(&session, "pull the vet appointment forward to tomorrow").await;
    assert_eq!(moved["intent"], "update", "{moved}");
    assert_eq!(moved["actions"][0]["tool"], "update_task", "{moved}");
    let again = p.turn(&session, "buy milk tomorrow").await;
    assert_eq!(again["intent"], "add", "{again}");

    // "set …" for a task that does not exist creates it.
    let lunch = p.turn(&session, "set lunch every day at twelve thirty").await;
    assert_eq!(lunch["intent"], "add", "{lunch}");

    let tasks = p.tasks().await;
    assert_eq!(tasks.len(), 4, "two tasks added, none for the statement: {tasks:?}");
    assert_ne!(due(&tasks), before, "the vet appointment moved");
    let lunch = tasks.iter().find(|t| t["title"] == "Lunch").expect("lunch added");
    assert!(
        lunch["recurrence"]
            .as_str()
            .is_some_and(|r| r.starts_with("FREQ=DAILY")),
        "{lunch}"
    );
}

#[tokio::test]
async fn a_list_of_meetings_shows_the_meetings_when_some_tasks_are_called_so() {
    let p = platform().await;
    let (_, first) = p.say(None, "add team meeting today at 11pm").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    p.turn(&session, "add buy groceries today at 11pm").await;
    let listed = |answer: &Value| -> Vec<String> {
        answer["actions"][0]["result"]
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|t| t["title"].as_str().map(str::to_owned))
            .collect()
    };
    let meetings = p.turn(&session, "what meetings do i have today").await;
    assert_eq!(listed(&meetings), ["Team meeting"], "{meetings}");
    // No task says "call": every task of the day, since people call any entry that.
    let calls = p.turn(&session, "what calls do i have today").await;
    assert_eq!(listed(&calls).len(), 2, "{calls}");
}

#[tokio::test]
async fn a_change_by_name_is_for_the_task_still_to_do() {
    let p = platform().await;
    let (_, first) = p.say(None, "add take vitamins").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    p.turn(&session, "add buy vitamins").await;
    p.turn(&session, "i bought vitamins").await;
    let tasks = p.tasks().await;
    let bought = tasks.iter().find(|t| t["title"] == "Buy vitamins").expect("bought");
    assert_eq!(bought["status"], "completed", "{tasks:?}");

    let daily = p.turn(&session, "make the vitamins a daily thing").await;
    assert_eq!(daily["actions"][0]["tool"], "update_task", "{daily}");
    let tasks = p.tasks().await;
    let take = tasks
        .iter()
        .find(|t| t["title"] == "Take vitamins")
        .expect("take vitamins");
    assert!(
        take["recurrence"].as_str().is_some_and(|r| r.starts_with("FREQ=DAILY")),
        "{take}"
    );
}

#[tokio::test]
async fn everything_narrowed_by_a_level_is_what_is_still_to_do() {
    let p = platform().await;
    let (_, first) = p.say(None, "add pay the deposit, urgent").await;
    let session = first["session_id"].as_str().expect("session").to_owned();
    p.turn(&session, "add fix the gate, urgent").await;
    p.turn(&session, "i fixed the gate").await;
    let urgent = p.turn(&session, "show me everything marked urgent").await;
    let reply = urgent["reply"].as_str().unwrap_or_default().to_lowercase();
    assert!(reply.contains("pay the deposit"), "{urgent}");
    assert!(!reply.contains("fix the gate"), "{urgent}");
    let all = p.turn(&session, "show me all my tasks").await;
    assert!(
        all["reply"]
            .as_str()
            .is_some_and(|r| r.to_lowercase().contains("fix the gate")),
        "{all}"
    );
}
