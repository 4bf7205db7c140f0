//! Template mining with Drain (He, Zhu, Zheng and Lyu, "Drain: An Online Log Parsing Approach with
//! Fixed Depth Tree", ICWS 2017): a message is masked ([`super::mask`]), routed through a prefix
//! tree ([`super::tree`]) to a few templates of the same length, and joins the most similar one if
//! at least `similarity` of its tokens agree; the template then turns the tokens that differ into
//! `<*>`. Otherwise it starts a template of its own.
//!
//! Similarity counts the positions where template and message hold the same token, `<*>` included
//! (a masked value where the template expects one agrees), over the length. Memory is bounded: at
//! `max_clusters` templates the least recently used one is forgotten (its id is never reused),
//! so a stream of ever-new messages cannot grow the miner.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::mask::{WILDCARD, tokenize};
use super::tree::PrefixTree;

/// A template's id: the order in which templates were first seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TemplateId(pub u64);

impl fmt::Display for TemplateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Drain's parameters, with the paper's and Drain3's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct MinerSettings {
    /// Share of agreeing tokens needed to join a template.
    pub similarity: f64,
    /// How many leading tokens route a message through the tree.
    pub depth: usize,
    /// Children per tree node before further tokens share the `<*>` branch.
    pub max_children: usize,
    /// Templates kept; beyond this the least recently used is forgotten.
    pub max_clusters: usize,
}

impl Default for MinerSettings {
    fn default() -> Self {
        Self {
            similarity: 0.5,
            depth: 2,
            max_children: 100,
            max_clusters: 1000,
        }
    }
}

#[derive(Debug, Clone)]
struct Cluster {
    tokens: Vec<String>,
    template: String,
    count: u64,
    /// The miner's clock when a message last joined: least recently used goes first.
    last_used: u64,
    /// Where it sits in the tree, to take it out again.
    path: Vec<String>,
}

/// Learns templates from messages, one at a time.
#[derive(Debug, Clone)]
pub struct TemplateMiner {
    settings: MinerSettings,
    tree: PrefixTree,
    clusters: BTreeMap<TemplateId, Cluster>,
    next_id: u64,
    clock: u64,
    evictions: u64,
}

impl TemplateMiner {
    /// An empty miner.
    pub fn new(settings: MinerSettings) -> Self {
        Self {
            tree: PrefixTree::new(settings.depth, settings.max_children),
            settings,
            clusters: BTreeMap::new(),
            next_id: 0,
            clock: 0,
            evictions: 0,
        }
    }

    /// Files `message` under a template: the id, and whether the template is new.
    pub fn add(&mut self, message: &str) -> (TemplateId, bool) {
        self.clock += 1;
        let tokens = tokenize(message);
        if let Some(id) = self.best_match(&tokens) {
            let cluster = self.clusters.get_mut(&id).expect("the tree only holds live templates");
            let mut changed = false;
            for (kept, token) in cluster.tokens.iter_mut().zip(&tokens) {
                if kept != token && kept != WILDCARD {
                    *kept = WILDCARD.to_owned();
                    changed = true;
                }
            }
            if changed {
                cluster.template = cluster.tokens.join(" ");
            }
            cluster.count += 1;
            cluster.last_used = self.clock;
            return (id, false);
        }
        if self.clusters.len() >= self.settings.max_clusters.max(1) {
            self.evict_least_recently_used();
        }
        let id = TemplateId(self.next_id);
        self.next_id += 1;
        let path = self.tree.insert(&tokens, id);
        let cluster = Cluster {
            template: tokens.join(" "),
            tokens,
            count: 1,
            last_used: self.clock,
            path,
        };
        self.clusters.insert(id, cluster);
        (id, true)
    }

    /// The template `message` would join, without learning from it.
    pub fn find(&self, message: &str) -> Option<TemplateId> {
        self.best_match(&tokenize(message))
    }

    /// A template's text, tokens joined by single spaces; `None` once forgotten.
    pub fn template(&self, id: TemplateId) -> Option<&str> {
        self.clusters.get(&id).map(|c| c.template.as_str())
    }

    /// How many messages joined a template.
    pub fn count(&self, id: TemplateId) -> Option<u64> {
        self.clusters.get(&id).map(|c| c.count)
    }

    /// The templates, by id: id, text and count.
    pub fn templates(&self) -> impl Iterator<Item = (TemplateId, &str, u64)> {
        self.clusters.iter().map(|(id, c)| (*id, c.template.as_str(), c.count))
    }

    /// How many templates are kept.
    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    /// Whether no template is kept.
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// How many templates were forgotten so far (whoever keeps state per template can compare).
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// The most similar template at the message's leaf, if similar enough; ties go to the more
    /// general template (more `<*>`), as in Drain3.
    fn best_match(&self, tokens: &[String]) -> Option<TemplateId> {
        let mut best: Option<(f64, usize, TemplateId)> = None;
        for id in self.tree.candidates(tokens) {
            let cluster = &self.clusters[id];
            let (similarity, wildcards) = similarity(&cluster.tokens, tokens);
            let better = best.is_none_or(|(s, w, _)| similarity > s || (similarity == s && wildcards > w));
            if better {
                best = Some((similarity, wildcards, *id));
            }
        }
        best.filter(|(s, _, _)| *s >= self.settings.similarity)
            .map(|(_, _, id)| id)
    }

    fn evict_least_recently_used(&mut self) {
        let oldest = self.clusters.iter().min_by_key(|(_, c)| c.last_used).map(|(id, _)| *id);
        if let Some(id) = oldest
            && let Some(cluster) = self.clusters.remove(&id)
        {
            self.tree.remove(cluster.tokens.len(), &cluster.path, id);
            self.evictions += 1;
        }
    }
}

/// The share of positions where the tokens agree, and the template's number of `<*>`.
fn similarity(template: &[String], tokens: &[String]) -> (f64, usize) {
    let wildcards = template.iter().filter(|t| *t == WILDCARD).count();
    if template.is_empty() {
        return (1.0, wildcards);
    }
    let same = template.iter().zip(tokens).filter(|(a, b)| a == b).count();
    (same as f64 / template.len() as f64, wildcards)
}
