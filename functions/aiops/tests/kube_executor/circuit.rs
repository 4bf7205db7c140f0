//! The circuit from chat-api to the model providers, held open and let go through its
//! `LLM_CIRCUIT` setting in either variant: the object is read, its containers sent back with the
//! one variable set (the rest kept) and the `resourceVersion` read, so that a concurrent edit is
//! refused rather than overwritten.

use aiops::remediate::Executor;
use aiops::remediate::kube::Platform;
use axum::http::Method;
use serde_json::{Value, json};
use todo_aiops::remediation::{Action, MODEL_PROVIDER};

use crate::fake_api::{DEPLOYMENT, KSVC, spawn, the_one_patch};

fn circuit(open: bool) -> Action {
    let (function, dependency) = ("chat-api".to_owned(), MODEL_PROVIDER.to_owned());
    if open {
        Action::OpenCircuit { function, dependency }
    } else {
        Action::CloseCircuit { function, dependency }
    }
}

fn env_of(object: &Value) -> Vec<(String, Value)> {
    object["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .expect("env")
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap_or_default().to_owned(),
                v.get("value").cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

#[tokio::test]
async fn opening_and_closing_the_circuit_sets_llm_circuit_on_chat_api_and_keeps_the_rest() {
    for (platform, path, rolls) in [
        (Platform::Knative, format!("{KSVC}/chat-api"), "a new revision"),
        (Platform::Keda, format!("{DEPLOYMENT}/chat-api"), "a rollout"),
    ] {
        for open in [true, false] {
            // Arrange
            let (executor, api) = spawn(platform).await;

            // Act
            let outcome = executor.execute(&circuit(open)).await;

            // Assert
            let value = if open { "open" } else { "closed" };
            assert!(outcome.ok, "{platform}: {outcome:?}");
            assert!(
                outcome.detail.contains(&format!("LLM_CIRCUIT={value}")),
                "{}",
                outcome.detail
            );
            assert!(outcome.detail.contains(rolls), "{}", outcome.detail);
            let requests = api.requests();
            assert_eq!(
                (requests[0].method.clone(), requests[0].path.clone()),
                (Method::GET, path.clone())
            );
            let patch = the_one_patch(&api, &path);
            assert_eq!(patch["metadata"]["resourceVersion"], "41", "guarded by what was read");
            let now = api.object(&path);
            assert_eq!(
                env_of(&now),
                [
                    ("LOG_FORMAT".to_owned(), json!("json")),
                    ("RUST_LOG".to_owned(), json!("info")),
                    ("LLM_CIRCUIT".to_owned(), json!(value)),
                ],
                "{platform}"
            );
            let containers = now["spec"]["template"]["spec"]["containers"]
                .as_array()
                .expect("containers");
            assert_eq!(containers.len(), 2, "the sidecar stays");
            assert_eq!(containers[0]["image"], "registry.digitalocean.com/todo/todo:1");
        }
    }
}
