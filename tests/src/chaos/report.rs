//! The table a soak prints: faults by kind, the load and its errors, latency, and what the
//! checks found, with the first findings of each kind spelled out.

use std::fmt;
use std::time::Duration;

use super::Config;
use super::driver::Recorder;
use super::faults::Injected;
use super::verify::Findings;

/// How the platform came back after the last fault.
#[derive(Debug)]
pub struct Recovery {
    /// From the last heal to the first acknowledged create (`None`: none within a minute).
    pub first_write: Option<Duration>,
    /// From the last heal until every effect had happened (`None`: not within the patience).
    pub drained: Option<Duration>,
    /// Functions that exited without being killed by the injector (and were started again, as
    /// Kubernetes would): a crash is a finding, stopping with a reported error at start is not.
    pub exits: Vec<super::platform::Exit>,
    /// The readiness drill after the soak: each function unready without its dependency, and
    /// ready again with it.
    pub readiness: Vec<super::readiness::Drill>,
}

/// A soak's outcome.
#[derive(Debug)]
pub struct Report {
    seed: u64,
    seconds: u64,
    faults: Vec<(String, u64)>,
    requests: u64,
    errors: u64,
    requests_in_faults: u64,
    errors_in_faults: u64,
    p50: Duration,
    p99: Duration,
    /// What the checks found.
    pub findings: Findings,
    /// How it came back.
    pub recovery: Recovery,
}

impl Report {
    /// Puts the parts together.
    pub fn new(
        config: &Config,
        injected: &Injected,
        recorder: &Recorder,
        findings: Findings,
        recovery: Recovery,
    ) -> Self {
        let (requests, errors, requests_in_faults, errors_in_faults, p50, p99) = recorder.read(|r| {
            let mut latencies = r.latencies.clone();
            latencies.sort_unstable();
            let at = |q: f64| {
                let index = ((latencies.len() as f64 - 1.0) * q).round();
                Duration::from_micros(latencies.get(index as usize).copied().unwrap_or_default())
            };
            (
                r.requests,
                r.errors,
                r.requests_in_faults,
                r.errors_in_faults,
                at(0.5),
                at(0.99),
            )
        });
        Self {
            seed: config.seed,
            seconds: config.duration.as_secs(),
            faults: injected.counts.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            requests,
            errors,
            requests_in_faults,
            errors_in_faults,
            p50,
            p99,
            findings,
            recovery,
        }
    }

    /// Nothing lost, duplicated or stuck, no crash, and the platform came back.
    pub fn passed(&self) -> bool {
        self.findings.clean()
            && !self.recovery.exits.iter().any(super::platform::Exit::crashed)
            && self.recovery.first_write.is_some()
            && self.recovery.drained.is_some()
            && self.recovery.readiness.iter().all(super::readiness::Drill::passed)
    }
}

fn rate(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

fn seconds(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "never".into(), |d| format!("{:.1} s", d.as_secs_f64()))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let findings = &self.findings;
        writeln!(f, "chaos soak: seed {} ({} s of faults)", self.seed, self.seconds)?;
        writeln!(f, "| fault | injected |\n|---|---:|")?;
        for (kind, count) in &self.faults {
            writeln!(f, "| {kind} | {count} |")?;
        }
        let total: u64 = self.faults.iter().map(|(_, n)| n).sum();
        writeln!(f, "| all | {total} |\n")?;
        writeln!(f, "| measure | value |\n|---|---:|")?;
        writeln!(f, "| requests | {} |", self.requests)?;
        writeln!(f, "| error rate | {} |", rate(self.errors, self.requests))?;
        writeln!(
            f,
            "| error rate during faults | {} of {} |",
            rate(self.errors_in_faults, self.requests_in_faults),
            self.requests_in_faults
        )?;
        writeln!(f, "| p50 latency | {:.1} ms |", self.p50.as_secs_f64() * 1e3)?;
        writeln!(f, "| p99 latency | {:.1} ms |", self.p99.as_secs_f64() * 1e3)?;
        writeln!(f, "| acknowledged task writes checked | {} |", findings.writes)?;
        writeln!(
            f,
            "| acknowledged session writes checked | {} |",
            findings.session_writes
        )?;
        writeln!(f, "| writes lost | {} |", findings.writes_lost.len())?;
        writeln!(f, "| effects checked | {} |", findings.effects)?;
        writeln!(f, "| effects lost | {} |", findings.effects_lost.len())?;
        writeln!(f, "| effects duplicated | {} |", findings.effects_duplicated.len())?;
        writeln!(
            f,
            "| webhook redeliveries (same delivery id) | {} |",
            findings.redelivered
        )?;
        writeln!(f, "| stuck in the outbox | {} |", findings.stuck_in_outbox)?;
        writeln!(
            f,
            "| dead letters (poison sent on purpose: {} events, {} consumers) | {} |",
            super::poison::COUNT,
            super::poison::CONSUMERS.len(),
            findings.dead_letters
        )?;
        writeln!(
            f,
            "| dead letters for events that were not poison | {} |",
            findings.unexpected_dead_letters.len()
        )?;
        writeln!(
            f,
            "| first write after the last fault | {} |",
            seconds(self.recovery.first_write)
        )?;
        writeln!(
            f,
            "| every effect done after the last fault | {} |",
            seconds(self.recovery.drained)
        )?;
        writeln!(f, "\n| readiness drill | unready | ready again |\n|---|---:|---:|")?;
        for drill in &self.recovery.readiness {
            writeln!(f, "{drill}")?;
        }
        for exit in &self.recovery.exits {
            let how = exit
                .code
                .map_or_else(|| "a signal".to_owned(), |code| format!("exit code {code}"));
            if exit.unlive {
                writeln!(
                    f,
                    "\n{} failed its liveness probe {} times: restarted, as the kubelet would",
                    exit.function,
                    super::platform::LIVENESS_FAILURES
                )?;
                continue;
            }
            let verdict = if exit.crashed() {
                "a crash"
            } else {
                "stopped with a reported error, restarted"
            };
            writeln!(f, "\n{} exited on its own ({how}): {verdict}", exit.function)?;
        }
        for (title, list) in [
            ("writes lost", &findings.writes_lost),
            ("effects lost", &findings.effects_lost),
            ("effects duplicated", &findings.effects_duplicated),
            ("unexpected dead letters", &findings.unexpected_dead_letters),
        ] {
            if !list.is_empty() {
                writeln!(f, "\n{title} (first 10 of {}):", list.len())?;
                for finding in list.iter().take(10) {
                    writeln!(f, "- {finding}")?;
                }
            }
        }
        writeln!(f, "\n{}", if self.passed() { "PASSED" } else { "FAILED" })
    }
}
