//! `todo aiops`: the detector on a CSV file (every row scored from the rows before it only), on a
//! NAB corpus, and the forecast backtest, with the errors a person gets for bad input.

use std::path::PathBuf;

use crate::harness::{Run, temp_dir, todo};

fn aiops(args: &[&str]) -> Run {
    let dir = temp_dir();
    todo(&dir, "http://127.0.0.1:9", args)
}

/// A five-minute series: a daily wave with a little noise, one spike at row 700.
fn series_csv(rows: usize) -> String {
    let mut csv = String::from("timestamp,value\n");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    for i in 0..rows {
        let time = start + chrono::Duration::minutes(5 * i as i64);
        let wave = 50.0 + 10.0 * (i as f64 * std::f64::consts::TAU / 288.0).sin();
        let noise = ((i * 7919) % 13) as f64 / 13.0;
        let value = if i == 700 { 400.0 } else { wave + noise };
        csv.push_str(&format!("{},{value:.3}\n", time.format("%Y-%m-%d %H:%M:%S")));
    }
    csv
}

fn scores(stdout: &str) -> Vec<f64> {
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("timestamp,value,anomaly_score"));
    lines
        .map(|line| line.rsplit(',').next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn detect_scores_every_row_without_looking_ahead() {
    let dir = temp_dir();
    let (full, prefix) = (dir.join("full.csv"), dir.join("prefix.csv"));
    std::fs::write(&full, series_csv(1000)).unwrap();
    std::fs::write(&prefix, series_csv(650)).unwrap();

    let run = aiops(&["aiops", "detect", full.to_str().unwrap()]);
    assert!(run.status.success(), "{}", run.stderr);
    let all = scores(&run.stdout);
    assert_eq!(all.len(), 1000);
    assert!(all.iter().all(|s| (0.0..=1.0).contains(s)), "scores in [0, 1]");
    let spike = all[700];
    assert!(spike > 0.0, "the spike scores");
    assert!(
        all.iter().skip(300).filter(|s| **s >= spike).count() == 1,
        "nothing after warm-up scores as high as the spike"
    );

    // The first 650 rows score the same whether or not the rest of the file exists.
    let run = aiops(&[
        "aiops",
        "detect",
        prefix.to_str().unwrap(),
        "--output",
        dir.join("out.csv").to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", run.stderr);
    let written = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert_eq!(scores(&written), all[..650]);
}

#[test]
fn detect_says_which_line_is_wrong() {
    let dir = temp_dir();
    let file = dir.join("bad.csv");
    std::fs::write(
        &file,
        "timestamp,value\n2026-11-01 00:00:00,1\n2026-11-01 00:05:00,lots\n",
    )
    .unwrap();
    let run = aiops(&["aiops", "detect", file.to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(
        run.stderr.contains("line 3") && run.stderr.contains("`lots` is not a number"),
        "{}",
        run.stderr
    );

    let run = aiops(&["aiops", "detect", dir.join("missing.csv").to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
}

fn nab_dir() -> PathBuf {
    std::env::var_os("NAB_DATA_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/nab"),
        PathBuf::from,
    )
}

#[test]
fn nab_prints_the_score_table_for_a_slice_of_the_corpus() {
    let nab = nab_dir();
    let run = aiops(&[
        "aiops",
        "nab",
        nab.to_str().unwrap(),
        "--only",
        "art_daily_jumpsup",
        "--only",
        "art_daily_no_noise",
    ]);
    assert!(run.status.success(), "{}", run.stderr);
    for expected in [
        "NAB scores over 2 files",
        "standard",
        "low FP",
        "low FN",
        "artificialWithAnomaly",
        "overall",
        "threshold",
        "points/s per core",
    ] {
        assert!(run.stdout.contains(expected), "`{expected}` in\n{}", run.stdout);
    }

    let run = aiops(&["aiops", "nab", nab.to_str().unwrap(), "--only", "no-such-file"]);
    assert!(!run.status.success());
    assert!(
        run.stderr.contains("no corpus file matches --only no-such-file"),
        "{}",
        run.stderr
    );
}

#[test]
fn backtest_reports_the_forecast_error_and_under_provisioning() {
    let trace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/aiops/tests/data/nyc_taxi_requests.csv");
    let run = aiops(&["aiops", "backtest", trace.to_str().unwrap(), "--counts", "--json"]);
    assert!(run.status.success(), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mape = report["mape_percent"].as_f64().unwrap();
    assert!(mape > 0.0 && mape < 15.0, "{report}");
    let (reactive, predictive) = (
        report["reactive"]["under_provisioned_minutes"].as_f64().unwrap(),
        report["predictive"]["under_provisioned_minutes"].as_f64().unwrap(),
    );
    assert!(predictive < reactive, "{report}");

    let run = aiops(&["aiops", "backtest", trace.to_str().unwrap(), "--warmup-days", "60"]);
    assert!(!run.status.success());
    assert!(run.stderr.contains("not enough"), "{}", run.stderr);
}
