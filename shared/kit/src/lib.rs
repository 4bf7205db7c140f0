//! The runtime kit every function shares, so that each function's crate holds only its own
//! business logic: serving a Router over HTTP or Lambda with graceful shutdown, settings from the
//! environment, logging, problem+json errors, JSON extraction, authentication, and the request
//! context (request id, correlation id, trace parent) that flows into events.

pub mod audit;
pub mod auth;
pub mod bus;
pub mod clock;
pub mod context;
pub mod error_chain;
pub mod function;
pub mod handler;
pub mod health;
pub mod idempotency;
pub mod json;
pub mod layers;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod paging;
pub mod percentile;
pub mod problem;
pub mod redacted;
pub mod resilience;
pub mod serve;
pub mod settings;
pub mod telemetry;

pub use auth::{AuthUser, Authenticator};
pub use context::RequestContext;
pub use json::{AppJson, AppPath};
pub use problem::Problem;
