//! The forecaster, the replica policy and the backtest on six weeks of NYC taxi demand.
//! `cargo test -p todo-aiops --test forecast -- --nocapture` prints the backtest reports.

use std::f64::consts::TAU;

use chrono::{NaiveDate, TimeZone, Utc};
use todo_aiops::forecast::{Backtest, Capacity, HoltWinters, ScalingAdvice, Smoothing, Trace};
use todo_aiops::series::Series;

const SEASON: usize = 48;

/// A daily sine on a rising line, at 30-minute steps.
fn sine_with_trend(step: usize) -> f64 {
    100.0 + 50.0 * (TAU * step as f64 / SEASON as f64).sin() + 0.2 * step as f64
}

/// Mean absolute percentage error of one-step forecasts over `scored`, feeding `values`.
fn one_step_mape(values: &[f64], scored: std::ops::Range<usize>) -> f64 {
    let mut forecaster = HoltWinters::new(SEASON, Smoothing::default());
    let mut error = 0.0;
    let mut points = 0;
    for (step, &value) in values.iter().enumerate() {
        if scored.contains(&step) && value.is_finite() {
            error += (forecaster.forecast(1) - value).abs() / value;
            points += 1;
        }
        forecaster.update(value);
    }
    100.0 * error / f64::from(points)
}

#[test]
fn a_daily_sine_on_a_trend_is_learned_to_a_small_error() {
    // Arrange
    let values: Vec<f64> = (0..10 * SEASON).map(sine_with_trend).collect();

    // Act
    let mape = one_step_mape(&values, 3 * SEASON..values.len());
    let mut forecaster = HoltWinters::new(SEASON, Smoothing::default());
    values.iter().for_each(|&v| forecaster.update(v));
    let half_a_day_ahead = forecaster.forecast(SEASON / 2);

    // Assert: level and trend alone would miss by the sine's amplitude (about 30 %).
    assert!(mape < 1.0, "one-step MAPE {mape:.3} %");
    let expected = sine_with_trend(values.len() - 1 + SEASON / 2);
    assert!(
        (half_a_day_ahead - expected).abs() / expected < 0.05,
        "{half_a_day_ahead} for {expected}"
    );
}

#[test]
fn forecasts_are_never_negative_even_when_the_rate_falls_to_zero() {
    // Arrange: a sine that sits at zero half of each day, then a steep fall to silence.
    let mut forecaster = HoltWinters::new(SEASON, Smoothing::default());
    let values = (0..4 * SEASON)
        .map(|step| (30.0 * (TAU * step as f64 / SEASON as f64).sin()).max(0.0))
        .chain((0..SEASON).map(|step| (100.0 - 10.0 * step as f64).max(0.0)));

    // Act and assert
    for value in values {
        forecaster.update(value);
        for ahead in [1, 2, 12, SEASON, 3 * SEASON] {
            let forecast = forecaster.forecast(ahead);
            assert!(forecast >= 0.0 && forecast.is_finite(), "{forecast} at {ahead} ahead");
        }
    }
}

#[test]
fn missing_values_are_skipped_and_keep_the_seasonal_phase() {
    // Arrange: every seventh value missing, in three spellings.
    let values: Vec<f64> = (0..10 * SEASON)
        .map(|step| match step % 21 {
            0 => f64::NAN,
            7 => f64::INFINITY,
            14 => -1.0,
            _ => sine_with_trend(step),
        })
        .collect();

    // Act
    let mape = one_step_mape(&values, 3 * SEASON..values.len());

    // Assert: dropping missing steps instead would shift the phase and miss by tens of percent.
    assert!(mape < 2.0, "one-step MAPE {mape:.3} % with gaps");
}

#[test]
fn before_a_season_the_forecast_follows_level_and_trend() {
    // Arrange
    let mut forecaster = HoltWinters::new(SEASON, Smoothing::default());
    assert_eq!(forecaster.forecast(1), 0.0, "nothing seen yet");

    // Act: a rising line for most of the first season.
    for step in 0..SEASON - 1 {
        forecaster.update(10.0 + step as f64);
    }

    // Assert
    assert!(!forecaster.is_seasonal());
    let forecast = forecaster.forecast(1);
    assert!(
        (40.0..=60.0).contains(&forecast),
        "{forecast} after a line ending at 56"
    );
    forecaster.update(f64::NAN);
    assert!(forecaster.is_seasonal(), "a season has passed, its last step missing");
}

fn capacity() -> Capacity {
    Capacity {
        per_replica_rps: 10.0,
        target_utilisation: 0.5,
        min_replicas: 1,
        max_replicas: 8,
    }
}

#[test]
fn replicas_plan_for_the_target_utilisation_within_the_bounds() {
    let capacity = capacity();
    assert_eq!(capacity.replicas_for(0.0), 1, "min_replicas");
    assert_eq!(
        capacity.replicas_for(f64::NAN),
        1,
        "a missing rate needs no more than the minimum"
    );
    assert_eq!(capacity.replicas_for(25.0), 5, "25 rps at 5 rps per replica");
    assert_eq!(capacity.replicas_for(25.1), 6, "rounded up");
    assert_eq!(capacity.replicas_for(1_000.0), 8, "max_replicas");
    assert_eq!(capacity.replicas_for(f64::INFINITY), 8, "max_replicas");
    let broken = Capacity {
        per_replica_rps: 0.0,
        ..capacity
    };
    assert_eq!(broken.replicas_for(1.0), 8, "an unknown capacity plans for the maximum");
}

#[test]
fn predictive_replicas_are_never_below_reactive_ones() {
    let capacity = capacity();
    for current in [0.0, 3.0, 12.5, 26.0, 90.0] {
        for forecast in [0.0, 1.0, 12.5, 30.0, 200.0] {
            let reactive = capacity.replicas_for(current);
            let predictive = capacity.predictive_replicas(current, forecast);
            assert_eq!(
                predictive,
                reactive.max(capacity.replicas_for(forecast)),
                "{current} now, {forecast} ahead"
            );
        }
    }
}

#[test]
fn scaling_advice_serialises_desired_replicas_for_keda() -> Result<(), serde_json::Error> {
    // Arrange
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();

    // Act: the forecast rises, then one where it falls below the current rate.
    let rising = ScalingAdvice::new("task-api", 12.0, 31.0, 900, &capacity(), at);
    let falling = ScalingAdvice::new("task-api", 31.0, f64::NAN, 900, &capacity(), at);
    let json = serde_json::to_value(&rising)?;

    // Assert
    assert_eq!((rising.reactive_replicas, rising.desired_replicas), (3, 7));
    assert_eq!((falling.reactive_replicas, falling.desired_replicas), (7, 7));
    assert_eq!(falling.forecast_rps, 0.0, "JSON has no NaN");
    assert_eq!(json["desired_replicas"], 7);
    assert_eq!(json["horizon_seconds"], 900);
    assert_eq!(json["generated_at"], "2026-03-01T12:00:00Z");
    assert_eq!(serde_json::from_value::<ScalingAdvice>(json)?, rising);
    Ok(())
}

#[test]
fn a_trace_fills_missing_steps_and_refuses_disorder() -> todo_aiops::Result<()> {
    // Arrange
    let gappy = "timestamp,value\n2014-09-08 00:00:00,1\n2014-09-08 00:30:00,2\n2014-09-08 02:00:00,5\n";
    let disordered = "timestamp,value\n2014-09-08 00:30:00,1\n2014-09-08 00:00:00,2\n";

    // Act
    let trace = Trace::from_series(&Series::parse_csv(gappy, "gappy")?, "gappy")?.scaled(2.0);
    let refused = Trace::from_series(&Series::parse_csv(disordered, "disordered")?, "disordered");

    // Assert
    assert_eq!(trace.step_seconds, 1_800);
    assert_eq!(trace.len(), 5);
    assert_eq!(trace.rates[..2], [2.0, 4.0]);
    assert!(trace.rates[2].is_nan() && trace.rates[3].is_nan());
    assert_eq!(trace.rates[4], 10.0);
    assert!(refused.is_err());
    Ok(())
}

#[test]
fn an_unannounced_jump_under_provisions_both_policies_for_one_horizon() {
    // Arrange: one request per second for a day of minutes, then ten; nothing foretells the jump.
    let start = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut rates = vec![1.0; 1_440];
    rates.extend([10.0; 60]);
    let trace = Trace {
        start,
        step_seconds: 60,
        rates,
    };
    let capacity = Capacity {
        per_replica_rps: 1.0,
        target_utilisation: 1.0,
        min_replicas: 1,
        max_replicas: 20,
    };
    let backtest = Backtest {
        horizon_steps: 5,
        warmup_steps: 60,
        capacity,
        mape_floor_rps: 0.01,
    };

    // Act
    let report = backtest.run(&trace, HoltWinters::new(60, Smoothing::default()));

    // Assert: seeing the jump before deciding would avoid it; not seeing it costs the horizon.
    assert_eq!(report.reactive.under_provisioned_minutes, 5.0);
    assert_eq!(report.predictive.under_provisioned_minutes, 5.0);
    assert_eq!(report.scored_steps, 1_500 - 60);
}

/// The shipped trace: NYC taxi passengers per 30 minutes, one passenger one request, so
/// requests per second are passengers / 1800 (README.md beside the file).
fn nyc_taxi_trace() -> todo_aiops::Result<Trace> {
    const FILE: &str = "tests/data/nyc_taxi_requests.csv";
    let series = Series::parse_csv(include_str!("data/nyc_taxi_requests.csv"), FILE)?;
    Ok(Trace::from_series(&series, FILE)?.scaled(1.0 / 1_800.0))
}

/// Two requests per second per replica: 1-12 replicas over the trace's 0.9-15.9 rps.
fn nyc_backtest() -> Backtest {
    Backtest {
        horizon_steps: 1,
        // A week, so the daily and the weekly model are scored on the same five weeks.
        warmup_steps: 7 * SEASON,
        capacity: Capacity {
            per_replica_rps: 2.0,
            target_utilisation: 0.7,
            min_replicas: 1,
            max_replicas: 50,
        },
        mape_floor_rps: 0.01,
    }
}

#[test]
fn the_forecast_beats_reactive_scaling_on_the_nyc_taxi_trace() -> todo_aiops::Result<()> {
    // Arrange
    let trace = nyc_taxi_trace()?;
    assert_eq!((trace.len(), trace.step_seconds), (6 * 7 * SEASON, 1_800));

    // Act
    let report = nyc_backtest().run(&trace, HoltWinters::daily(trace.step_seconds, Smoothing::default()));
    println!("{report}");

    // Assert
    let mape = report.mape_percent.expect("scored points");
    let persistence = report.persistence_mape_percent.expect("scored points");
    assert!(mape < 15.0, "MAPE {mape:.2} %");
    assert!(
        mape < persistence,
        "MAPE {mape:.2} % against the current rate's {persistence:.2} %"
    );
    assert_eq!(report.below_mape_floor + report.missing_actual, 0);
    assert!(
        report.predictive.under_provisioned_minutes < report.reactive.under_provisioned_minutes,
        "{report}"
    );
    Ok(())
}

#[test]
fn a_weekly_season_forecasts_the_nyc_taxi_trace_better_still() -> todo_aiops::Result<()> {
    // Arrange
    let trace = nyc_taxi_trace()?;

    // Act
    let daily = nyc_backtest().run(&trace, HoltWinters::daily(trace.step_seconds, Smoothing::default()));
    let weekly = nyc_backtest().run(&trace, HoltWinters::weekly(trace.step_seconds, Smoothing::default()));
    println!("{weekly}");

    // Assert
    assert_eq!(weekly.season_steps, 7 * SEASON);
    let (daily, weekly_mape) = (daily.mape_percent.unwrap(), weekly.mape_percent.unwrap());
    assert!(
        weekly_mape < daily,
        "weekly {weekly_mape:.2} % against daily {daily:.2} %"
    );
    assert!(weekly.predictive.under_provisioned_minutes < weekly.reactive.under_provisioned_minutes);
    Ok(())
}
