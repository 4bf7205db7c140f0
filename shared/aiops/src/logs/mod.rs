//! Log anomalies: error bursts per log template.
//!
//! Error counts per service say that something fails, not what; a new message that suddenly
//! floods ("connection refused" from the pool, "event sent to dead-letter") says what. We learn
//! templates from the JSON log lines with Drain ([`TemplateMiner`]: "task <*> not found" for every
//! task id), count each template per minute, and flag a bucket whose count the template's recent
//! rate makes improbable ([`LogBurstDetector`]). The anomalies can feed the correlator as signals
//! of the line's service.
//!
//! Pure computation: lines come in as text with their own timestamps; nothing here reads a clock
//! or a file.

mod detector;
mod drain;
mod line;
mod mask;
mod poisson;
mod rate;
mod tree;

pub use detector::{BurstSettings, LogAnomaly, LogBurstDetector};
pub use drain::{MinerSettings, TemplateId, TemplateMiner};
pub use line::{Level, LogLine};
pub use mask::{WILDCARD, is_parameter, tokenize};
