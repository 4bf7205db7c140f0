//! The streaming detector's promises: scores in [0, 1], no look-ahead, one report per change,
//! quiet on noise, non-finite values skipped.

use todo_aiops::detector::{ANOMALY_THRESHOLD, Detector, Params};

/// A deterministic noisy daily wave at five-minute steps.
fn wave(i: usize) -> f64 {
    let noise = ((i.wrapping_mul(2_654_435_761)) % 1000) as f64 / 1000.0;
    50.0 + 10.0 * (i as f64 * std::f64::consts::TAU / 288.0).sin() + 2.0 * noise
}

fn run(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut detector = Detector::new(Params::default());
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| detector.score(i as i64 * 300, v))
        .collect()
}

fn reports(scores: &[f64]) -> Vec<usize> {
    scores
        .iter()
        .enumerate()
        .filter(|(_, s)| **s >= ANOMALY_THRESHOLD)
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn scores_are_in_the_unit_interval_and_depend_only_on_the_past() {
    let values: Vec<f64> = (0..3000).map(|i| if i == 2000 { 500.0 } else { wave(i) }).collect();
    let all = run(values.iter().copied());
    assert!(all.iter().all(|s| (0.0..=1.0).contains(s)));
    for cut in [500, 1999, 2000, 2500] {
        assert_eq!(run(values[..cut].iter().copied()), all[..cut], "the first {cut} scores");
    }
}

#[test]
fn a_spike_is_reported_at_once_and_the_wave_around_it_is_not() {
    let scores = run((0..3000).map(|i| if i == 2000 { 500.0 } else { wave(i) }));
    assert_eq!(reports(&scores[1000..]), vec![1000], "{:?}", reports(&scores));
}

#[test]
fn a_level_shift_is_one_report_at_its_start() {
    let scores = run((0..4000).map(|i| wave(i) + if i >= 2500 { 40.0 } else { 0.0 }));
    assert_eq!(reports(&scores[1000..]), vec![1500], "{:?}", reports(&scores));
}

#[test]
fn a_wave_that_stops_near_its_peak_is_reported() {
    // The daily wave stays for a day at a level it reaches every day: no value is new, the shape
    // is. (Stopped at its mean, the flat windows are too close to the wave's own crossings to
    // count as new; that is reported only when the wave comes back.)
    let scores = run((0..4000).map(|i| if (2500..2788).contains(&i) { 60.0 } else { wave(i) }));
    let found = reports(&scores[1000..]);
    assert!(found.first().is_some_and(|&i| (1500..1600).contains(&i)), "{found:?}");
}

#[test]
fn noise_alone_is_not_reported_after_warm_up() {
    let scores = run((0..5000).map(wave));
    assert!(reports(&scores[1000..]).is_empty(), "{:?}", reports(&scores));
}

#[test]
fn non_finite_values_are_skipped() {
    let mut detector = Detector::new(Params::default());
    let clean: Vec<f64> = (0..500).map(|i| detector.score(i * 300, wave(i as usize))).collect();
    let mut detector = Detector::new(Params::default());
    let mut with_gaps = Vec::new();
    for i in 0..500 {
        assert_eq!(detector.score(i * 300, f64::NAN), 0.0);
        assert_eq!(detector.score(i * 300, f64::INFINITY), 0.0);
        with_gaps.push(detector.score(i * 300, wave(i as usize)));
    }
    assert_eq!(clean, with_gaps);
}
