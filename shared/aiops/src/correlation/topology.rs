//! The call graph as data: each component and the components it depends on (calls, reads,
//! publishes to). Correlation asks two things of it: are two components close enough to share an
//! incident, and is one upstream of (a dependency of) the other.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

/// What a component is; shown with incidents, and telling functions apart from what they use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    Function,
    Broker,
    Database,
    Cache,
    /// Outside the cluster: the model provider, the object store.
    External,
    /// Prometheus and its exporters.
    Monitoring,
}

/// One component and its direct dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub kind: ComponentKind,
    #[serde(default)]
    pub depends_on: BTreeSet<String>,
}

/// Components and their dependencies; in JSON, `{"task-api": {"kind": "function", "depends_on":
/// ["postgresql"]}, ...}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Topology {
    nodes: BTreeMap<String, Node>,
}

impl Topology {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// The todo platform (DESIGN.md section 2): chat-api calls task-api and session-api, the
    /// consumers hang off Kafka, and everything that keeps data sits on PostgreSQL.
    pub fn platform() -> Self {
        use ComponentKind::{Broker, Cache, Database, External, Function, Monitoring};
        Self::new()
            .with("chat-api", Function, &["task-api", "session-api", "model-provider"])
            .with("task-api", Function, &["postgresql"])
            // Sessions live in Redis; their events leave through the store's outbox to Kafka.
            .with("session-api", Function, &["redis", "kafka"])
            .with("outbox-relay", Function, &["postgresql", "kafka"])
            .with("analytics", Function, &["kafka", "postgresql"])
            .with("notifier", Function, &["kafka", "postgresql"])
            .with("scheduler", Function, &["kafka", "postgresql"])
            .with("archiver", Function, &["kafka", "object-store"])
            .with("backup", Function, &["postgresql", "object-store"])
            .with("aiops", Function, &["prometheus"])
            .with("postgresql", Database, &[])
            .with("kafka", Broker, &[])
            .with("redis", Cache, &[])
            .with("model-provider", External, &[])
            .with("object-store", External, &[])
            .with("prometheus", Monitoring, &[])
    }

    /// This graph with `name` of `kind` depending on `depends_on` (added to what it had).
    pub fn with(mut self, name: &str, kind: ComponentKind, depends_on: &[&str]) -> Self {
        self.add(name, kind, depends_on);
        self
    }

    /// Adds or updates `name`. Dependencies not declared yet are added as `External` until they are.
    pub fn add(&mut self, name: &str, kind: ComponentKind, depends_on: &[&str]) {
        for dependency in depends_on {
            self.nodes.entry((*dependency).to_owned()).or_insert_with(|| Node {
                kind: ComponentKind::External,
                depends_on: BTreeSet::new(),
            });
        }
        let node = self.nodes.entry(name.to_owned()).or_insert_with(|| Node {
            kind,
            depends_on: BTreeSet::new(),
        });
        node.kind = kind;
        node.depends_on.extend(depends_on.iter().map(|d| (*d).to_owned()));
    }

    /// The components and what they depend on.
    pub fn nodes(&self) -> &BTreeMap<String, Node> {
        &self.nodes
    }

    /// The kind of `name`, if the graph knows it.
    pub fn kind(&self, name: &str) -> Option<ComponentKind> {
        self.nodes.get(name).map(|n| n.kind)
    }

    /// The shortest chain `from` -> ... -> `to` following dependencies, both ends included
    /// (`[from]` when they are the same, known or not), or `None` when `from` does not depend on `to`.
    pub fn dependency_path(&self, from: &str, to: &str) -> Option<Vec<String>> {
        if from == to {
            return Some(vec![from.to_owned()]);
        }
        let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        while let Some(current) = queue.pop_front() {
            let Some(node) = self.nodes.get(current) else {
                continue;
            };
            for next in &node.depends_on {
                if next == from || previous.contains_key(next.as_str()) {
                    continue;
                }
                previous.insert(next, current);
                if next == to {
                    let mut path = vec![to.to_owned()];
                    let mut at = to;
                    while let Some(before) = previous.get(at) {
                        path.push((*before).to_owned());
                        at = before;
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(next);
            }
        }
        None
    }

    /// Whether `from` depends on `to`, directly or through others (a component does not depend
    /// on itself).
    pub fn depends_on(&self, from: &str, to: &str) -> bool {
        from != to && self.dependency_path(from, to).is_some()
    }

    /// The number of dependency hops between `a` and `b` in whichever direction one depends on
    /// the other (0 for the same component), or `None` when neither does. Two functions that only
    /// share a dependency are not related: they join one incident through that dependency's signal.
    pub fn hops(&self, a: &str, b: &str) -> Option<usize> {
        let forward = self.dependency_path(a, b).map(|p| p.len() - 1);
        let backward = self.dependency_path(b, a).map(|p| p.len() - 1);
        match (forward, backward) {
            (Some(f), Some(b)) => Some(f.min(b)),
            (one, other) => one.or(other),
        }
    }
}
