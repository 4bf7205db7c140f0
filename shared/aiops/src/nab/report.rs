//! The score table: each profile's threshold and normalised score, overall and per category,
//! normalised between the null detector (a constant 0.5, scored like any other detector: 0) and a
//! perfect one (every window found at its left edge: 100), as NAB's `runner.normalize` does.

use std::fmt;

use super::corpus::Corpus;
use super::scoring::{FileScore, score_profile};
use super::sweep::Sweep;

/// A category's (or the whole corpus') score under one profile.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CategoryScore {
    pub category: String,
    pub raw: f64,
    pub null: f64,
    pub perfect: f64,
    /// `None` for a category without windows, where only false positives can move the score.
    pub normalized: Option<f64>,
    pub windows: usize,
    pub detected: usize,
    pub false_positives: usize,
}

/// One profile's result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProfileScore {
    pub profile: String,
    pub threshold: f64,
    pub overall: CategoryScore,
    pub categories: Vec<CategoryScore>,
    pub files: Vec<FileScore>,
}

/// A detector's scores under every profile of a corpus.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NabReport {
    pub files: usize,
    pub rows: usize,
    pub profiles: Vec<ProfileScore>,
}

impl NabReport {
    /// Scores a detector's output: `scores[f][i]` is the anomaly score of row `i` of corpus file `f`.
    pub fn score(corpus: &Corpus, scores: &[Vec<f64>]) -> Self {
        assert_eq!(scores.len(), corpus.files.len(), "one score list per corpus file");
        for (file, scores) in corpus.files.iter().zip(scores) {
            assert_eq!(scores.len(), file.series.len(), "one score per row of {}", file.name);
        }
        let sweeps: Vec<Sweep> = corpus.files.iter().map(Sweep::of).collect();
        let null_scores: Vec<Vec<f64>> = corpus.files.iter().map(|f| vec![0.5; f.series.len()]).collect();
        let profiles = corpus
            .profiles
            .iter()
            .map(|profile| {
                let detector = score_profile(corpus, &sweeps, scores, profile);
                let null = score_profile(corpus, &sweeps, &null_scores, profile);
                let summarise = |category: Option<&str>| {
                    let in_category = |name: &str| category.is_none_or(|c| category_of(name) == c);
                    let pick = |files: &[FileScore]| -> Vec<FileScore> {
                        files.iter().filter(|f| in_category(&f.name)).cloned().collect()
                    };
                    let (mine, nulls) = (pick(&detector.files), pick(&null.files));
                    let windows: usize = mine.iter().map(|f| f.windows).sum();
                    let raw: f64 = mine.iter().map(|f| f.score).sum();
                    let null: f64 = nulls.iter().map(|f| f.score).sum();
                    let perfect = windows as f64 * profile.tp_weight;
                    CategoryScore {
                        category: category.unwrap_or("overall").to_owned(),
                        raw,
                        null,
                        perfect,
                        normalized: (perfect > null).then(|| 100.0 * (raw - null) / (perfect - null)),
                        windows,
                        detected: mine.iter().map(|f| f.detected).sum(),
                        false_positives: mine.iter().map(|f| f.false_positives).sum(),
                    }
                };
                let mut names: Vec<&str> = corpus.files.iter().map(|f| f.category()).collect();
                names.dedup();
                ProfileScore {
                    profile: profile.name.clone(),
                    threshold: detector.threshold,
                    overall: summarise(None),
                    categories: names.into_iter().map(|c| summarise(Some(c))).collect(),
                    files: detector.files,
                }
            })
            .collect();
        NabReport {
            files: corpus.files.len(),
            rows: corpus.row_count(),
            profiles,
        }
    }

    /// The normalised overall score of a profile (`standard`, `reward_low_FP_rate`, `reward_low_FN_rate`).
    pub fn overall(&self, profile: &str) -> Option<f64> {
        self.profiles.iter().find(|p| p.profile == profile)?.overall.normalized
    }
}

fn category_of(name: &str) -> &str {
    name.split_once('/').map_or("", |(category, _)| category)
}

impl fmt::Display for NabReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "NAB scores over {} files, {} rows", self.files, self.rows)?;
        let Some(first) = self.profiles.first() else {
            return Ok(());
        };
        write!(f, "{:<24}", "category")?;
        for profile in &self.profiles {
            write!(f, " {:>19}", short_name(&profile.profile))?;
        }
        writeln!(f, " {:>9} {:>6}", "windows", "FP")?;
        let rows = first.categories.len();
        for row in 0..=rows {
            let pick = |p: &ProfileScore| {
                if row < rows {
                    p.categories[row].clone()
                } else {
                    p.overall.clone()
                }
            };
            let category = pick(first);
            write!(f, "{:<24}", category.category)?;
            for profile in &self.profiles {
                let score = pick(profile);
                match score.normalized {
                    Some(value) => write!(f, " {value:>19.2}")?,
                    None => write!(f, " {:>19}", format!("(raw {:.2})", score.raw))?,
                }
            }
            writeln!(
                f,
                " {:>9} {:>6}",
                format!("{}/{}", category.detected, category.windows),
                category.false_positives
            )?;
        }
        write!(f, "{:<24}", "threshold")?;
        for profile in &self.profiles {
            write!(f, " {:>19.6}", profile.threshold)?;
        }
        writeln!(f)
    }
}

fn short_name(profile: &str) -> &str {
    match profile {
        "reward_low_FP_rate" => "low FP",
        "reward_low_FN_rate" => "low FN",
        other => other,
    }
}
