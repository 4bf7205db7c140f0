//! The short chaos soak `make test` runs (two minutes of faults; `make chaos` runs ten): the
//! cluster shape under random faults loses and duplicates nothing. The seed is printed; a failing
//! seed goes into `REGRESSIONS` once its cause is fixed.

use todo_tests::chaos::{Config, run};

/// Seeds that once found a fault, replayed on every run.
const REGRESSIONS: &[u64] = &[];

async fn soak(config: Config) {
    let report = run(&config).await;
    println!("{report}");
    assert!(
        report.passed(),
        "the soak found a failure: replay it with CHAOS_SEED={}",
        config.seed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_minutes_of_random_faults_lose_and_duplicate_nothing() {
    // Half of make chaos' rate unless CHAOS_RATE says otherwise: the backlog the local broker
    // drains after the faults stays short on a loaded CI machine.
    let config = Config::from_env(120);
    let rate = if std::env::var_os("CHAOS_RATE").is_some() {
        config.rate
    } else {
        20
    };
    soak(Config { rate, ..config }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeds_that_found_failures_pass() {
    for seed in REGRESSIONS {
        soak(Config {
            seed: *seed,
            ..Config::from_env(60)
        })
        .await;
    }
}
