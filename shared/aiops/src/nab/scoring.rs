//! One profile's score of a detector's output (NAB's `calcScoreByThreshold`, `optimizeThreshold`
//! and `scoreDataSet`): the threshold that maximises the corpus total, then each file's score at
//! that threshold.

use super::corpus::{Corpus, Profile};
use super::sweep::Sweep;

/// One file's score at the chosen threshold.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FileScore {
    pub name: String,
    pub score: f64,
    pub windows: usize,
    /// Windows with at least one detection after probation.
    pub detected: usize,
    /// Detections outside every window after probation.
    pub false_positives: usize,
}

/// A profile's threshold, corpus total and per-file scores.
#[derive(Debug, Clone)]
pub struct ProfileResult {
    pub profile: Profile,
    pub threshold: f64,
    pub total: f64,
    pub files: Vec<FileScore>,
}

/// Scores `scores` (one per row of each corpus file, in corpus order) under `profile`.
pub fn score_profile(corpus: &Corpus, sweeps: &[Sweep], scores: &[Vec<f64>], profile: &Profile) -> ProfileResult {
    let threshold = optimise_threshold(sweeps, scores, profile);
    let files: Vec<FileScore> = corpus
        .files
        .iter()
        .zip(sweeps)
        .zip(scores)
        .map(|((file, sweep), scores)| score_file(&file.name, file.windows.len(), sweep, scores, profile, threshold))
        .collect();
    let total = files.iter().map(|f| f.score).sum();
    ProfileResult {
        profile: profile.clone(),
        threshold,
        total,
        files,
    }
}

/// Sweeps the threshold down through every distinct score of the scored rows (all files
/// together) and keeps the best total; on a tie the higher threshold, as NAB's stable sort does.
fn optimise_threshold(sweeps: &[Sweep], scores: &[Vec<f64>], profile: &Profile) -> f64 {
    // (anomaly score, weighted worth, global window id)
    let mut rows: Vec<(f64, f64, Option<usize>)> = Vec::new();
    let mut window_parts: Vec<f64> = Vec::new();
    for (sweep, scores) in sweeps.iter().zip(scores) {
        let base = window_parts.len();
        let mut seen = vec![
            false;
            sweep
                .window
                .iter()
                .flatten()
                .map(|&w| w as usize + 1)
                .max()
                .unwrap_or(0)
        ];
        for (i, &score) in scores.iter().enumerate().skip(sweep.probation) {
            let window = sweep.window[i].map(|w| w as usize);
            if let Some(w) = window {
                seen[w] = true;
            }
            rows.push((score, sweep.weighted(i, profile), window.map(|w| base + w)));
        }
        // Windows that never leave probation have no part, as in NAB.
        window_parts.extend(seen.iter().map(|&s| if s { -profile.fn_weight } else { f64::NAN }));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));

    let mut total: f64 = window_parts.iter().filter(|p| !p.is_nan()).sum();
    let (mut best_threshold, mut best_total) = (1.1, total);
    let mut current = 1.1;
    for (score, worth, window) in rows {
        if score != current {
            if total > best_total {
                (best_threshold, best_total) = (current, total);
            }
            current = score;
        }
        match window {
            None => total += worth,
            Some(w) if worth > window_parts[w] => {
                total += worth - window_parts[w];
                window_parts[w] = worth;
            }
            Some(_) => {}
        }
    }
    if total > best_total {
        best_threshold = current;
    }
    best_threshold
}

/// One file's score when every row scoring at least `threshold` is a detection.
fn score_file(
    name: &str,
    windows: usize,
    sweep: &Sweep,
    scores: &[f64],
    profile: &Profile,
    threshold: f64,
) -> FileScore {
    let mut parts: Vec<Option<f64>> = vec![None; windows];
    let mut scorable = vec![false; windows];
    let mut fp_total = 0.0;
    let mut false_positives = 0;
    for (i, &score) in scores.iter().enumerate().skip(sweep.probation) {
        let window = sweep.window[i].map(|w| w as usize);
        if let Some(w) = window {
            scorable[w] = true;
        }
        if score < threshold {
            continue;
        }
        let worth = sweep.weighted(i, profile);
        match window {
            None => {
                fp_total += worth;
                false_positives += 1;
            }
            Some(w) => parts[w] = Some(parts[w].map_or(worth, |p: f64| p.max(worth))),
        }
    }
    let window_total: f64 = parts
        .iter()
        .zip(&scorable)
        .filter(|(_, scorable)| **scorable)
        .map(|(part, _)| part.unwrap_or(-profile.fn_weight))
        .sum();
    FileScore {
        name: name.to_owned(),
        score: window_total + fp_total,
        windows,
        detected: parts.iter().flatten().count(),
        false_positives,
    }
}
