//! MCP over stdin/stdout, for `todo mcp`: an agent starts the CLI as a child process and speaks
//! JSON-RPC lines to it. The process acts for one user with that user's token, so stdout must
//! carry nothing but MCP messages: logs go to stderr.

use anyhow::Context;
use rmcp::ServiceExt;
use todo_kit::resilience::Forwarded;
use tokio::io::{AsyncRead, AsyncWrite};

use super::McpServer;
use crate::tools::TaskTools;

/// Serves the task tools for `user` over stdin/stdout until the client closes its end.
///
/// # Errors
/// When the MCP handshake fails or the session ends abnormally.
pub async fn serve_stdio(tools: TaskTools, user: String, forwarded: Forwarded) -> anyhow::Result<()> {
    serve_io(tools, user, forwarded, rmcp::transport::stdio()).await
}

/// Serves the task tools for `user` over any byte stream pair (stdio, a pipe, an in-memory duplex
/// in tests) until the client closes its end.
///
/// # Errors
/// When the MCP handshake fails or the session ends abnormally.
pub async fn serve_io<R, W>(tools: TaskTools, user: String, forwarded: Forwarded, io: (R, W)) -> anyhow::Result<()>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let running = McpServer::for_user(tools, user, forwarded)
        .serve(io)
        .await
        .context("Failed to start the MCP session")?;
    let reason = running.waiting().await.context("The MCP session failed")?;
    tracing::debug!(?reason, "MCP session ended");
    Ok(())
}
