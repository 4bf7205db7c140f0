//! The Numenta Anomaly Benchmark's scoring, rebuilt from NAB's `sweeper.py`, `optimizer.py`,
//! `scorer.py` and `runner.py` (v1.1), so our detector is measured the way the published
//! scoreboard measured everyone else's.
//!
//! In short: each labelled window rewards its earliest detection with a scaled sigmoid of the
//! position in the window; every detection outside a window costs the profile's false-positive
//! weight, less the nearer it follows a window; a window without a detection costs the
//! false-negative weight; the first 15 % of a file (at most 750 rows) is probation and not
//! scored. One threshold per profile is optimised over the whole corpus, and the total is
//! normalised so that the null detector scores 0 and a perfect one 100.

mod corpus;
mod report;
mod run;
mod scoring;
mod sweep;

pub use corpus::{Corpus, LabelledFile, Profile};
pub use report::{CategoryScore, NabReport, ProfileScore};
pub use run::{detect_corpus, read_results};
pub use scoring::FileScore;
pub use scoring::{ProfileResult, score_profile};
pub use sweep::{Sweep, scaled_sigmoid};
