//! Error bursts per log template: each line is mined into a template, counted per (service,
//! template, level) in fixed buckets, and reported when its bucket's count is improbable under a
//! Poisson law with the template's recent mean rate ([`super::rate`]).
//!
//! Why a tail probability rather than a fixed threshold: a template that logs 30 lines a minute
//! is not in trouble at 40, while one that logs one a day is at 10. Why a minimum count: one or
//! two errors are improbable for a quiet template but not worth waking anyone. Why a warm-up: a
//! template's first buckets tell nothing about its rate, so only error templates may fire then
//! (a new error that floods is exactly what we look for; a new info line is a deployment).
//! At start-up every template is new, so a steady error template at the burst count fires once.
//! Only lines at or above `min_level` are mined and counted, so chatty debug and info lines
//! cannot push the error templates out of the bounded miner.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::drain::{MinerSettings, TemplateId, TemplateMiner};
use super::line::{Level, LogLine};
use super::rate::{Rate, Rules};

/// The detector's knobs.
#[derive(Debug, Clone, PartialEq)]
pub struct BurstSettings {
    /// The counting bucket.
    pub bucket: TimeDelta,
    /// Weight of the latest bucket in the mean (0.1: about the last 10 buckets).
    pub alpha: f64,
    /// Fewer lines than this in a bucket are never a burst.
    pub min_count: u64,
    /// A bucket whose count is at most this probable is a burst (1e-5: a score of 5).
    pub max_p: f64,
    /// The least expected count per bucket, however quiet the template was.
    pub floor: f64,
    /// Buckets after a template's first line during which only error templates fire.
    pub warmup_buckets: i64,
    /// Lines below this level are ignored.
    pub min_level: Level,
    /// (service, template, level) rates kept; beyond, the least recently seen is forgotten.
    pub max_tracked: usize,
    pub miner: MinerSettings,
}

impl Default for BurstSettings {
    fn default() -> Self {
        Self {
            bucket: TimeDelta::minutes(1),
            alpha: 0.1,
            min_count: 5,
            max_p: 1e-5,
            floor: 0.05,
            warmup_buckets: 5,
            min_level: Level::Warn,
            max_tracked: 5000,
            miner: MinerSettings::default(),
        }
    }
}

/// A template logging much more than usual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogAnomaly {
    pub template_id: TemplateId,
    pub template: String,
    pub level: Level,
    pub service: Option<String>,
    pub bucket_start: DateTime<Utc>,
    /// Lines in the bucket when the burst was found.
    pub count: u64,
    /// The mean count per bucket so far (0 for a new template).
    pub expected: f64,
    /// `-log10` of the probability of at least `count` lines where `expected` were due.
    pub score: f64,
}

type Key = (Option<String>, TemplateId, Level);

/// Mines templates and watches their rates.
#[derive(Debug, Clone)]
pub struct LogBurstDetector {
    settings: BurstSettings,
    miner: TemplateMiner,
    rates: HashMap<Key, Rate>,
    clock: u64,
    seen_evictions: u64,
}

impl LogBurstDetector {
    /// A detector that has seen nothing.
    pub fn new(settings: BurstSettings) -> Self {
        Self {
            miner: TemplateMiner::new(settings.miner.clone()),
            settings,
            rates: HashMap::new(),
            clock: 0,
            seen_evictions: 0,
        }
    }

    /// The templates learnt so far.
    pub fn miner(&self) -> &TemplateMiner {
        &self.miner
    }

    /// Takes one raw line in; lines that are not JSON log lines are skipped.
    pub fn observe_raw(&mut self, raw: &str) -> Option<LogAnomaly> {
        LogLine::parse(raw).and_then(|line| self.observe(&line))
    }

    /// Takes one line in, and reports its template if this line makes the bucket a burst (once
    /// per burst).
    pub fn observe(&mut self, line: &LogLine) -> Option<LogAnomaly> {
        if line.level < self.settings.min_level {
            return None;
        }
        let (id, _) = self.miner.add(&line.message);
        if self.miner.evictions() != self.seen_evictions {
            self.seen_evictions = self.miner.evictions();
            let miner = &self.miner;
            self.rates
                .retain(|(_, template, _), _| miner.template(*template).is_some());
        }
        let seconds = self.settings.bucket.num_seconds().max(1);
        let bucket = line.timestamp.timestamp().div_euclid(seconds);
        let key = (line.service.clone(), id, line.level);
        if !self.rates.contains_key(&key) && self.rates.len() >= self.settings.max_tracked.max(1) {
            self.forget_least_recently_seen();
        }
        self.clock += 1;
        let rules = self.rules();
        let rate = self.rates.entry(key).or_insert_with(|| Rate::new(bucket));
        rate.last_used = self.clock;
        let burst = rate.observe(bucket, &rules, line.level >= Level::Error)?;
        Some(LogAnomaly {
            template_id: id,
            template: self.miner.template(id).unwrap_or_default().to_owned(),
            level: line.level,
            service: line.service.clone(),
            bucket_start: DateTime::from_timestamp(burst.bucket * seconds, 0).unwrap_or(line.timestamp),
            count: burst.count,
            expected: burst.expected,
            score: burst.score,
        })
    }

    fn rules(&self) -> Rules {
        Rules {
            alpha: self.settings.alpha.clamp(0.0, 1.0),
            min_count: self.settings.min_count.max(1),
            ln_max_p: self.settings.max_p.max(f64::MIN_POSITIVE).ln(),
            floor: self.settings.floor.max(1e-9),
            warmup_buckets: self.settings.warmup_buckets,
        }
    }

    fn forget_least_recently_seen(&mut self) {
        let oldest = self
            .rates
            .iter()
            .min_by_key(|(_, r)| r.last_used)
            .map(|(k, _)| k.clone());
        if let Some(key) = oldest {
            self.rates.remove(&key);
        }
    }
}
