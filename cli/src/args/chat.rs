//! `todo chat`: a message in plain English, or a conversation.

use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// The message; without one, an interactive chat starts (Ctrl-D or "exit" to leave).
    #[arg(num_args = 0..)]
    pub(crate) message: Vec<String>,
    /// Start a new conversation instead of continuing the last one.
    #[arg(long)]
    pub(crate) new: bool,
    /// Print the whole JSON answer (intent, confidence, actions) instead of the reply.
    #[arg(long)]
    pub(crate) json: bool,
    /// Your IANA time zone for dates (default: the system's).
    #[arg(long, env = "TODO_TIMEZONE")]
    pub(crate) timezone: Option<String>,
}
