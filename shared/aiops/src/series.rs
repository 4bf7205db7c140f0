//! A metric series as NAB and `todo aiops detect` exchange it: CSV rows of `timestamp,value`
//! with a header, timestamps as `YYYY-MM-DD HH:MM:SS` (fractions and a `T` separator accepted).

use chrono::NaiveDateTime;

use crate::{Error, Result};

/// One series: the timestamps as written (to echo them back) and parsed, and the values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub raw_timestamps: Vec<String>,
    pub timestamps: Vec<NaiveDateTime>,
    pub values: Vec<f64>,
}

impl Series {
    /// Parses `timestamp,value` CSV text; `file` only names the source in errors.
    pub fn parse_csv(text: &str, file: &str) -> Result<Self> {
        let mut series = Series::default();
        let mut lines = text.lines().enumerate();
        let Some((_, header)) = lines.next() else {
            return Err(csv_error(
                file,
                1,
                "the file is empty; expected a `timestamp,value` header",
            ));
        };
        let columns: Vec<&str> = header.split(',').map(str::trim).collect();
        let (Some(time_column), Some(value_column)) = (
            columns.iter().position(|c| c.eq_ignore_ascii_case("timestamp")),
            columns.iter().position(|c| c.eq_ignore_ascii_case("value")),
        ) else {
            return Err(csv_error(
                file,
                1,
                format!("the header is `{header}`; expected columns `timestamp` and `value`"),
            ));
        };
        for (index, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let line_number = index + 1;
            let (Some(time), Some(value)) = (cells.get(time_column), cells.get(value_column)) else {
                return Err(csv_error(file, line_number, format!("`{line}` has too few columns")));
            };
            let timestamp = parse_timestamp(time)
                .ok_or_else(|| csv_error(file, line_number, format!("`{time}` is not a timestamp")))?;
            let value: f64 = value
                .parse()
                .map_err(|_| csv_error(file, line_number, format!("`{value}` is not a number")))?;
            series.raw_timestamps.push((*time).to_owned());
            series.timestamps.push(timestamp);
            series.values.push(value);
        }
        Ok(series)
    }

    /// Reads and parses a CSV file.
    pub fn read_csv(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse_csv(&text, &path.display().to_string())
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the series has no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Seconds since the epoch of each row (the detector's clock).
    pub fn epoch_seconds(&self) -> impl Iterator<Item = i64> + '_ {
        self.timestamps.iter().map(|t| t.and_utc().timestamp())
    }

    /// The rows with a score each, as `timestamp,value,anomaly_score` CSV.
    pub fn scored_csv(&self, scores: &[f64]) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.len() * 40 + 32);
        out.push_str("timestamp,value,anomaly_score\n");
        for ((time, value), score) in self.raw_timestamps.iter().zip(&self.values).zip(scores) {
            let _ = writeln!(out, "{time},{value},{score}");
        }
        out
    }
}

/// Parses NAB's timestamps (`2014-04-10 07:15:00`, optionally with fractions or a `T`).
pub fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text.trim(), format).ok())
}

fn csv_error(file: &str, line: usize, reason: impl Into<String>) -> Error {
    Error::Csv {
        file: file.to_owned(),
        line,
        reason: reason.into(),
    }
}
