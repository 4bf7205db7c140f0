//! The MCP server: the task tools for AI agents, over the Model Context Protocol.
//!
//! Its tools are exactly [`crate::tools::definitions`], and every call runs
//! [`crate::tools::TaskTools::call`], so an agent changes tasks only through task-api, with the
//! caller's own token, like the chat does. Two transports serve the same handler:
//! - [`router`]: streamable HTTP at `/mcp`, stateless, a bearer token on every request;
//! - [`serve_stdio`]: stdin/stdout for one user, for `todo mcp`.
//!
//! Built on `rmcp`, the official Rust SDK, with a hand-written `ServerHandler`: the tools are data
//! shared with the chat, so there is nothing for the `#[tool]` macros to generate.

mod catalog;
mod server;
mod stdio;
mod streamable;

pub use server::{Caller, McpServer, PRODUCT};
pub use stdio::{serve_io, serve_stdio};
pub use streamable::{PATH, router};
