//! `limits db|http|produce|latency`: the limits `make bench` sets its figures against (see
//! `todo_tests::limits`); each prints one `limits <name> key=value ...` line on stdout.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("db") => todo_tests::limits::db::run().await,
        Some("http") => todo_tests::limits::http::run().await,
        Some("produce") => todo_tests::limits::produce::run().await,
        Some("latency") => todo_tests::limits::latency::run().await,
        _ => anyhow::bail!("usage: limits db|http|produce|latency (settings in todo_tests::limits)"),
    }
}
