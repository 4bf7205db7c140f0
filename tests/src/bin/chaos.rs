//! `make chaos`: one soak of the cluster shape under random faults (`CHAOS_SECS`, default 600;
//! `CHAOS_SEED` replays a run's faults). Prints the table and exits 1 when anything was lost,
//! duplicated or stuck. Needs the function binaries built beside it (`cargo build --workspace`).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = todo_tests::chaos::Config::from_env(600);
    let report = todo_tests::chaos::run(&config).await;
    println!("{report}");
    if report.passed() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
