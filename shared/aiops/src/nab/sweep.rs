//! What a detection on each row would be worth (NAB's `Sweeper.calcSweepScore`): inside a window
//! the scaled sigmoid of the row's position, rewarding early detection; outside, a cost that is
//! full before the first window and shrinks for rows just after a window.

use super::corpus::{LabelledFile, Profile};

/// NAB's scaled sigmoid: 0.987 at the left edge of a window (-1), 0 at its right edge (0),
/// falling towards -1 past it; -1 for anything more than three window-widths after.
pub fn scaled_sigmoid(relative_position: f64) -> f64 {
    if relative_position > 3.0 {
        -1.0
    } else {
        2.0 / (1.0 + (5.0 * relative_position).exp()) - 1.0
    }
}

/// The worth of a detection on each row of one file, before the profile's weights.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The unweighted scaled-sigmoid value of each row.
    pub unweighted: Vec<f64>,
    /// The index (within the file) of the window each row is in.
    pub window: Vec<Option<u32>>,
    /// Rows before this one are probationary and not scored.
    pub probation: usize,
}

impl Sweep {
    /// NAB's probation: the first 15 % of the rows, at most 750.
    pub fn probation_rows(rows: usize) -> usize {
        ((0.15 * rows as f64).floor()).min(750.0) as usize
    }

    /// The sweep of one labelled file.
    pub fn of(file: &LabelledFile) -> Self {
        let rows = file.series.len();
        let mut unweighted = Vec::with_capacity(rows);
        let mut window = Vec::with_capacity(rows);
        let mut windows = file.windows.iter().enumerate().peekable();
        let mut current: Option<(u32, usize, f64)> = None; // (id, right edge, width)
        let mut previous: Option<(usize, f64)> = None; // (right edge, width)
        for i in 0..rows {
            if current.is_none()
                && let Some(&(id, &(left, right))) = windows.peek()
                && left == i
            {
                windows.next();
                current = Some((id as u32, right, (right - left + 1) as f64));
            }
            match current {
                Some((id, right, width)) => {
                    let position = -((right as f64 - i as f64 + 1.0) / width);
                    unweighted.push(scaled_sigmoid(position));
                    window.push(Some(id));
                    if i == right {
                        previous = Some((right, width));
                        current = None;
                    }
                }
                None => {
                    unweighted.push(match previous {
                        None => -1.0,
                        Some((right, width)) => scaled_sigmoid((i - right) as f64 / (width - 1.0)),
                    });
                    window.push(None);
                }
            }
        }
        Sweep {
            unweighted,
            window,
            probation: Self::probation_rows(rows),
        }
    }

    /// The weighted worth of a detection on row `i` under `profile`.
    pub fn weighted(&self, i: usize, profile: &Profile) -> f64 {
        let max_tp = scaled_sigmoid(-1.0);
        match self.window[i] {
            Some(_) => self.unweighted[i] * profile.tp_weight / max_tp,
            None => self.unweighted[i] * profile.fp_weight,
        }
    }
}
