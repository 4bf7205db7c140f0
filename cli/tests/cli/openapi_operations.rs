//! Every operation of every function's OpenAPI document, as the ownership sweep and the fuzzer
//! walk them: `(method, path template, documented statuses)`.

use std::collections::BTreeSet;

use utoipa::OpenApi;

/// One documented operation.
pub(crate) struct Operation {
    /// `GET`, `POST`, ...
    pub(crate) method: String,
    /// e.g. `/api/tasks/{id}`.
    pub(crate) path: String,
    /// The statuses its responses document, e.g. `404`.
    pub(crate) statuses: BTreeSet<String>,
}

/// Every operation of task-api, session-api, chat-api, notifier, analytics and aiops.
pub(crate) fn operations() -> Vec<Operation> {
    let documents = [
        task_api::ApiDoc::openapi(),
        session_api::ApiDoc::openapi(),
        chat_api::ApiDoc::openapi(),
        notifier::ApiDoc::openapi(),
        analytics::ApiDoc::openapi(),
        aiops::ApiDoc::openapi(),
    ];
    let mut operations = Vec::new();
    for document in documents {
        let document = serde_json::to_value(document).expect("a document");
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("an item") {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                operations.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    statuses: operation["responses"]
                        .as_object()
                        .map(|r| r.keys().cloned().collect())
                        .unwrap_or_default(),
                });
            }
        }
    }
    operations
}
