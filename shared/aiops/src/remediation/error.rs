//! What the engine refuses: unknown actions, transitions an action's status does not allow, and
//! unusable playbooks. The routes answer the first two with 404 and 409, the last with 400.

use super::record::ActionStatus;

/// Why a remediation call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemediationError {
    /// No action has this id (or it was forgotten with old history).
    #[error("no remediation action {0}")]
    UnknownAction(String),
    /// The action's status does not allow the operation (approving a running action, reporting
    /// on one that was never handed out).
    #[error("cannot {operation} action {id}: it is {status:?}")]
    Conflict {
        id: String,
        operation: &'static str,
        status: ActionStatus,
    },
    /// An approval or rejection without a name to audit.
    #[error("an approval or rejection needs the name of who decided")]
    Anonymous,
    /// Playbooks that do not parse or cannot work.
    #[error("invalid playbooks: {0}")]
    Playbooks(String),
}
