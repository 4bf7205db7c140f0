//! `make chaos`: one soak of the cluster shape under random faults (`CHAOS_SECS`, default 600;
//! `CHAOS_SEED` replays a run's faults). Prints the table and exits 1 when anything was lost,
//! duplicated or stuck. Needs the function binaries built beside it (`cargo build --workspace`).
//! Ctrl-C or SIGTERM stops it and every process it started.

use tokio::signal::unix::{SignalKind, signal};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = todo_tests::chaos::Config::from_env(600);
    let mut terminate = signal(SignalKind::terminate()).expect("SIGTERM handler");
    // Dropping the soak drops the platform, whose processes are killed on drop.
    let report = tokio::select! {
        report = todo_tests::chaos::run(&config) => report,
        _ = tokio::signal::ctrl_c() => return interrupted(),
        _ = terminate.recv() => return interrupted(),
    };
    println!("{report}");
    if report.passed() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

fn interrupted() -> std::process::ExitCode {
    eprintln!("chaos: interrupted; the processes it started are stopped");
    std::process::ExitCode::from(130)
}
