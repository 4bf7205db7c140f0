//! `todo`: the embedded all-in-one server (`todo serve`) and the client commands that talk to it
//! (or to any task-api) over HTTP.
//!
//! Errors print the server's problem detail (and each invalid field) and exit non-zero.

mod args;
mod background;
mod client;
mod commands;
mod dev_auth;
mod embedded;
mod fault;
mod object_stores;
mod render;
mod serve;
mod time_zone;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run(args, &cli.global.data_dir).await,
        command => commands::run(&cli.global, command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
