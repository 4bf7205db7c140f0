//! A NAB corpus on disk: the data files by category, `combined_windows.json` (the labelled
//! windows per file) and `profiles.json` (the cost matrices). Only files that have labels are
//! part of the corpus, so a folder holding a subset of NAB scores as that subset.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::series::{Series, parse_timestamp};
use crate::{Error, Result};

/// A scoring profile: how much a true positive, a false positive and a missed window weigh.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub tp_weight: f64,
    pub fp_weight: f64,
    pub fn_weight: f64,
}

impl Profile {
    /// NAB's three profiles, in the order the scoreboard prints them.
    pub fn parse_all(json: &str, file: &str) -> Result<Vec<Profile>> {
        let value: Value = serde_json::from_str(json).map_err(|e| json_error(file, e.to_string()))?;
        let profiles = value
            .as_object()
            .ok_or_else(|| json_error(file, "expected an object of profiles".into()))?;
        let mut out = Vec::with_capacity(profiles.len());
        for (name, profile) in profiles {
            let weight = |key: &str| {
                profile["CostMatrix"][key]
                    .as_f64()
                    .ok_or_else(|| json_error(file, format!("profile {name} has no CostMatrix.{key}")))
            };
            out.push(Profile {
                name: name.clone(),
                tp_weight: weight("tpWeight")?,
                fp_weight: weight("fpWeight")?,
                fn_weight: weight("fnWeight")?,
            });
        }
        let order = |p: &Profile| match p.name.as_str() {
            "standard" => 0,
            "reward_low_FP_rate" => 1,
            "reward_low_FN_rate" => 2,
            _ => 3,
        };
        out.sort_by_key(order);
        Ok(out)
    }
}

/// One labelled data file: its path relative to the corpus (`realKnownCause/nyc_taxi.csv`), the
/// series and its windows as inclusive row ranges.
#[derive(Debug, Clone)]
pub struct LabelledFile {
    pub name: String,
    pub series: Series,
    pub windows: Vec<(usize, usize)>,
}

impl LabelledFile {
    /// The category: the folder the file is in.
    pub fn category(&self) -> &str {
        self.name.split_once('/').map_or("", |(category, _)| category)
    }
}

/// The labelled files of a corpus and its profiles.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub root: PathBuf,
    pub files: Vec<LabelledFile>,
    pub profiles: Vec<Profile>,
}

impl Corpus {
    /// Reads `DIR/combined_windows.json`, `DIR/profiles.json` and every labelled file under `DIR`
    /// (NAB's layout: `data/` beside `labels/` and `config/` is accepted too).
    pub fn load(dir: &Path) -> Result<Self> {
        let locate = |flat: &str, nested: &str| {
            let flat = dir.join(flat);
            if flat.exists() { flat } else { dir.join(nested) }
        };
        let windows_path = locate("combined_windows.json", "labels/combined_windows.json");
        let profiles_path = locate("profiles.json", "config/profiles.json");
        let data_dir = if dir.join("data").is_dir() {
            dir.join("data")
        } else {
            dir.to_owned()
        };

        let profiles = Profile::parse_all(&read(&profiles_path)?, &profiles_path.display().to_string())?;
        let windows_file = windows_path.display().to_string();
        let labels: Value =
            serde_json::from_str(&read(&windows_path)?).map_err(|e| json_error(&windows_file, e.to_string()))?;
        let labels = labels
            .as_object()
            .ok_or_else(|| json_error(&windows_file, "expected an object of files".into()))?;

        let mut files = Vec::with_capacity(labels.len());
        for (name, windows) in labels {
            let series = Series::read_csv(&data_dir.join(name))?;
            let windows = window_rows(&series, windows)
                .map_err(|reason| json_error(&windows_file, format!("{name}: {reason}")))?;
            files.push(LabelledFile {
                name: name.clone(),
                series,
                windows,
            });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Corpus {
            root: dir.to_owned(),
            files,
            profiles,
        })
    }

    /// The number of labelled windows: a perfect detector's true positives.
    pub fn window_count(&self) -> usize {
        self.files.iter().map(|f| f.windows.len()).sum()
    }

    /// The number of rows in all files.
    pub fn row_count(&self) -> usize {
        self.files.iter().map(|f| f.series.len()).sum()
    }
}

/// Turns a file's `[start, end]` timestamp pairs into row ranges. NAB requires both ends to be
/// rows of the file; so do we.
fn window_rows(series: &Series, windows: &Value) -> std::result::Result<Vec<(usize, usize)>, String> {
    let pairs = windows.as_array().ok_or("windows must be a list")?;
    let row = |value: &Value| {
        let text = value.as_str().ok_or("a window bound is not a string")?;
        let time = parse_timestamp(text).ok_or_else(|| format!("`{text}` is not a timestamp"))?;
        series
            .timestamps
            .iter()
            .position(|t| *t == time)
            .ok_or_else(|| format!("window bound {text} is not a row of the file"))
    };
    pairs
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([start, end]) => Ok((row(start)?, row(end)?)),
            _ => Err("a window must be [start, end]".to_owned()),
        })
        .collect()
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

fn json_error(file: &str, reason: String) -> Error {
    Error::Json {
        file: file.to_owned(),
        reason,
    }
}
