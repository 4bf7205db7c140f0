//! Turns task errors into problem+json in one place: the caller's faults become 4xx with a
//! precise detail; ours become a generic 500 (or 503) and are logged with their cause chain.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use todo_kit::Problem;
use todo_kit::audit::AuditEvent;
use todo_kit::error_chain::error_chain;
use todo_kit::problem::InvalidParam;
use todo_tasks::Error;

/// A handler error: a store error, or a problem found before the store was asked.
#[derive(Debug)]
pub(crate) enum ApiError {
    Store(Error),
    Request(Problem),
    /// Another user's task: answered exactly as one that does not exist, and named in the
    /// request's audit record (`routes::cross_user`).
    OthersTask(i64),
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        Self::Store(error)
    }
}

/// The domain's refusals (validation, a bad query) answer as the store's would.
impl From<todo_domain::Error> for ApiError {
    fn from(error: todo_domain::Error) -> Self {
        Self::Store(error.into())
    }
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        Self::Request(problem)
    }
}

fn problem_for(error: &Error) -> Problem {
    match error {
        Error::Validation(errors) => Problem::validation(
            errors.to_string(),
            errors
                .as_slice()
                .iter()
                .map(|e| InvalidParam {
                    name: e.field.clone(),
                    reason: e.message.clone(),
                })
                .collect(),
        ),
        Error::NotFound(id) => Problem::not_found(format!("Task {id} does not exist.")),
        Error::VersionConflict { id, expected, current } => Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "version-conflict",
            "Precondition failed",
            format!(
                "Task {id} changed since you read it: you sent version {expected}, it is now at version {current}. Read it again and retry."
            ),
        ),
        Error::InvalidQuery(detail) => Problem::bad_request("invalid-query", detail.clone()),
        error if error.is_unavailable() => {
            Problem::unavailable("The database is busy or unreachable; try again shortly.")
        }
        Error::Database(_) | Error::Migration(_) | Error::Corrupt(_) => Problem::internal(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Request(problem) => problem.into_response(),
            Self::OthersTask(id) => {
                let mut response = problem_for(&Error::NotFound(id)).into_response();
                response.extensions_mut().insert(AuditEvent::CROSS_USER_ACCESS);
                response
            }
            Self::Store(error) => {
                let problem = problem_for(&error);
                if problem.status_code().is_server_error() {
                    tracing::error!(error.cause_chain = %error_chain(&error), "task store failed");
                }
                problem.into_response()
            }
        }
    }
}
