//! Running a detector over a corpus (one file per worker thread), or reading another detector's
//! output in NAB's results layout, to score either the same way.

use std::path::Path;
use std::time::{Duration, Instant};

use super::corpus::Corpus;
use crate::detector;
use crate::{Error, Result};

/// Our detector's scores for every row of every corpus file, and the time the detection took
/// (the sum over files, so `rows / time` is points per second per core).
pub fn detect_corpus(corpus: &Corpus, threads: usize) -> (Vec<Vec<f64>>, Duration) {
    let threads = threads.max(1).min(corpus.files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, Vec<f64>, Duration)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(file) = corpus.files.get(index) else { break };
                        let started = Instant::now();
                        let scores = detector::detect(&file.series);
                        done.push((index, scores, started.elapsed()));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    results.sort_by_key(|(index, _, _)| *index);
    let busy = results.iter().map(|(_, _, took)| *took).sum();
    (results.into_iter().map(|(_, scores, _)| scores).collect(), busy)
}

/// Another detector's scores from a NAB results folder: `DIR/<category>/<detector>_<file>.csv`
/// (or `DIR/<category>/<file>.csv`), each with an `anomaly_score` column.
pub fn read_results(corpus: &Corpus, dir: &Path) -> Result<Vec<Vec<f64>>> {
    corpus
        .files
        .iter()
        .map(|file| {
            let (category, name) = file.name.split_once('/').unwrap_or(("", &file.name));
            let folder = dir.join(category);
            let path = std::fs::read_dir(&folder)
                .map_err(|e| Error::io(&folder, e))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .find(|path| {
                    path.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n == name || n.ends_with(&format!("_{name}")))
                })
                .ok_or_else(|| Error::Csv {
                    file: folder.join(name).display().to_string(),
                    line: 0,
                    reason: "no results file for this corpus file".into(),
                })?;
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let scores = anomaly_scores(&text, &path.display().to_string())?;
            if scores.len() != file.series.len() {
                return Err(Error::Csv {
                    file: path.display().to_string(),
                    line: 0,
                    reason: format!("{} scores for {} rows", scores.len(), file.series.len()),
                });
            }
            Ok(scores)
        })
        .collect()
}

/// The `anomaly_score` column of a results CSV.
fn anomaly_scores(text: &str, file: &str) -> Result<Vec<f64>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().unwrap_or_default();
    let column = header
        .split(',')
        .position(|c| c.trim() == "anomaly_score")
        .ok_or_else(|| Error::Csv {
            file: file.to_owned(),
            line: 1,
            reason: "no anomaly_score column".into(),
        })?;
    lines
        .enumerate()
        .map(|(i, line)| {
            line.split(',')
                .nth(column)
                .and_then(|cell| cell.trim().parse().ok())
                .ok_or_else(|| Error::Csv {
                    file: file.to_owned(),
                    line: i + 2,
                    reason: format!("`{line}` has no anomaly score"),
                })
        })
        .collect()
}
