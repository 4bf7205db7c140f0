//! The MCP handler: lists the task tools and runs them for the caller. One handler serves both
//! transports; only where the caller comes from differs (fixed for stdio, per request for HTTP).

use std::fmt;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult, PaginatedRequestParams,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::Value;
use todo_kit::resilience::Forwarded;

use super::catalog;
use crate::tools::{TaskTools, ToolError};

/// The product name MCP clients see in the server info.
pub const PRODUCT: &str = "evolution-of-todo";

const INSTRUCTIONS: &str = "Manage the signed-in user's todo list. list_tasks and search_tasks \
    show tasks with their ids; the other tools take a task_id from them. user_id may be left out: \
    the credentials decide the user.";

/// Who a call acts for: the user and what is forwarded to task-api on their behalf.
#[derive(Clone)]
pub struct Caller {
    /// The user id (the token's `sub`).
    pub user: String,
    /// The caller's bearer token, correlation id and trace parent, sent on to task-api.
    pub forwarded: Forwarded,
}

// By hand, so that the bearer token never reaches a log.
impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Caller")
            .field("user", &self.user)
            .field("bearer", &self.forwarded.bearer.as_ref().map(|_| "[redacted]"))
            .field("correlation_id", &self.forwarded.correlation_id)
            .field("traceparent", &self.forwarded.traceparent)
            .finish()
    }
}

/// The MCP server handler over the task tools.
#[derive(Debug, Clone)]
pub struct McpServer {
    tools: TaskTools,
    /// Built once: the HTTP transport makes a handler per request.
    catalog: Arc<[Tool]>,
    /// `Some` for a process that runs as one user (stdio). `None` over HTTP, where each request
    /// brings its own [`Caller`] in its extensions, so no state ever carries a user across requests.
    caller: Option<Arc<Caller>>,
}

impl McpServer {
    /// A server that acts for `user` for its whole life, e.g. over stdio.
    pub fn for_user(tools: TaskTools, user: String, forwarded: Forwarded) -> Self {
        Self {
            tools,
            catalog: catalog::tools().into(),
            caller: Some(Arc::new(Caller { user, forwarded })),
        }
    }

    /// A server that takes the caller of each request from the HTTP request's extensions, where
    /// the `/mcp` authentication layer put it.
    pub(super) fn per_request(tools: TaskTools) -> Self {
        Self {
            tools,
            catalog: catalog::tools().into(),
            caller: None,
        }
    }

    fn caller<'a>(&'a self, context: &'a RequestContext<RoleServer>) -> Option<&'a Caller> {
        self.caller.as_deref().or_else(|| {
            context
                .extensions
                .get::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<Caller>())
        })
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(PRODUCT, env!("CARGO_PKG_VERSION")).with_title("Evolution of Todo"))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.catalog.to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.catalog.iter().find(|tool| tool.name == name).cloned()
    }

    /// Runs a task tool. An unknown tool is a protocol error (the request cannot be routed); every
    /// failure of a known tool is a result with `isError: true` that the agent can read.
    #[tracing::instrument(name = "mcp.call_tool", skip_all, fields(tool = %request.name))]
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if self.get_tool(&request.name).is_none() {
            return Err(ErrorData::invalid_params(
                format!("unknown tool '{}'", request.name),
                None,
            ));
        }
        // Over HTTP the authentication layer always sets the caller; missing means a wiring bug.
        let Some(caller) = self.caller(&context) else {
            tracing::error!("MCP tool call without a caller");
            return Err(ErrorData::internal_error("no authenticated caller", None));
        };
        let arguments = request.arguments.map_or(Value::Null, Value::Object);
        let outcome = self
            .tools
            .call(&caller.user, &request.name, &arguments, &caller.forwarded)
            .await;
        let result = match outcome {
            Ok(value) => catalog::success(value),
            Err(error) => {
                match &error {
                    ToolError::Unavailable(reason) => tracing::warn!(%reason, "task-api unavailable"),
                    other => tracing::info!(error = %other, "tool call refused"),
                }
                catalog::failure(&error)
            }
        };
        Ok(result.into())
    }
}
