//! `todo serve`: the embedded all-in-one. Every function's Router on one port (the gateway role),
//! over SQLite in the data directory unless `DATABASE_URL` says otherwise, with a development
//! secret and a token for user `local` that the client commands pick up, and the outbox relay
//! publishing every change to the event bus (in process unless `--bus kafka://...`). Chat sessions
//! live in process (`SESSION_STORE=redis://...` to keep them in Redis).
//!
//! [`run`] starts it all: the credentials ([`credentials`]), the functions on the shared store and
//! bus ([`functions`]), the one Router they answer with ([`gateway`]) and what it prints once
//! listening ([`banner`]).

mod banner;
mod credentials;
mod functions;
mod gateway;
mod run;

pub(crate) use run::run;
