//! Telling the audit trail that a 404 was an attempt at another user's task: the caller gets the
//! same 404 as for a task that does not exist (nothing tells them it exists), and the request's
//! audit record says `cross_user_access`. One indexed lookup, on the 404s of task ids only; done
//! in the handlers' error path rather than as a route layer, which cost every request a clone of
//! the route and the state.

use todo_tasks::Error;

use crate::AppState;
use crate::error::ApiError;

/// `result` of a store call on `user`'s task: a task that is not found is looked up among other
/// users' tasks, and a hit becomes [`ApiError::OthersTask`] (the same 404, named in the audit).
pub(crate) async fn checked<T>(state: &AppState, user: &str, result: Result<T, Error>) -> Result<T, ApiError> {
    match result {
        Err(Error::NotFound(id)) => match state.store.owned_by_another(user, id).await {
            Ok(true) => {
                tracing::warn!(user_id = user, task_id = id, "a request for another user's task");
                Err(ApiError::OthersTask(id))
            }
            Ok(false) => Err(Error::NotFound(id).into()),
            Err(error) => {
                tracing::debug!(%error, "cannot tell whose task it is");
                Err(Error::NotFound(id).into())
            }
        },
        other => other.map_err(ApiError::from),
    }
}
