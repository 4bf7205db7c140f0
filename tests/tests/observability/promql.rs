//! A PromQL reader: the metric names an expression reads, the labels its matchers and groupings
//! use, and the labels each sub-expression keeps. It is enough to check names and labels against
//! what is exported, not to evaluate anything; it refuses unknown functions and syntax so that an
//! expression it cannot read fails the test instead of being skipped.
//!
//! `lexer` turns text into tokens, `parser` builds the tree below (knowing the names in `keywords`),
//! `labels` works out the labels each part keeps.

mod keywords;
mod labels;
mod lexer;
mod parser;

use std::collections::{BTreeMap, BTreeSet};

pub(crate) fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// What is known of the labels of an expression's result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Labels {
    /// A number, not a vector.
    Scalar,
    /// Exactly these label names may appear.
    Known(BTreeSet<String>),
    /// Not known (an exporter's metric, `absent`, ...): nothing is checked.
    Unknown,
}

/// The metrics whose labels are known, and the problems found so far.
#[derive(Debug)]
pub(crate) struct Env {
    pub(crate) metrics: BTreeMap<String, Labels>,
    pub(crate) problems: Vec<String>,
}

/// A selector as written: metric name (if any) and the label names of its matchers.
#[derive(Debug, Clone)]
struct Selector {
    name: Option<String>,
    matchers: Vec<String>,
}

/// The expression tree, as far as names and labels are concerned.
#[derive(Debug, Clone)]
enum Node {
    Scalar,
    Selector(Selector),
    Aggregate {
        op: String,
        grouping: Option<(bool, Vec<String>)>,
        args: Vec<Node>,
    },
    Call {
        name: String,
        args: Vec<Node>,
        strings: Vec<String>,
    },
    Binary {
        op: String,
        lhs: Box<Node>,
        rhs: Box<Node>,
        matching: Option<(bool, Vec<String>)>,
        group: Option<(bool, Vec<String>)>,
    },
}

/// A parsed expression.
#[derive(Debug)]
pub(crate) struct Parsed {
    root: Node,
    /// For a Grafana `label_values(selector, label)`, the label.
    label: Option<String>,
}

impl Parsed {
    pub(crate) fn of(text: &str) -> Result<Self, String> {
        let root = parser::parse(text)?;
        Ok(Self { root, label: None })
    }

    /// Grafana's `label_values(selector, label)` or `label_values(label)`.
    pub(crate) fn label_values(text: &str) -> Result<Self, String> {
        let inner = text
            .trim()
            .strip_prefix("label_values(")
            .and_then(|t| t.strip_suffix(')'))
            .ok_or("only label_values(...) variable queries are supported")?;
        match inner.rsplit_once(',') {
            Some((selector, label)) => {
                let mut parsed = Self::of(selector)?;
                parsed.label = Some(label.trim().to_string());
                Ok(parsed)
            }
            None => Ok(Self {
                root: Node::Scalar,
                label: Some(inner.trim().to_string()),
            }),
        }
    }

    /// Every metric name the expression reads.
    pub(crate) fn names(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        collect_names(&self.root, &mut out);
        out
    }

    /// Checks labels against what is known, recording problems in `env`; returns the labels of
    /// the result.
    pub(crate) fn check(&self, env: &mut Env) -> Labels {
        let labels = labels::check(&self.root, env);
        if let (Some(label), Labels::Known(known)) = (&self.label, &labels)
            && !known.contains(label)
        {
            env.problems.push(format!(
                "label_values asks for {label:?}, which the series do not have ({known:?})"
            ));
        }
        labels
    }
}

fn collect_names(node: &Node, out: &mut BTreeSet<String>) {
    match node {
        Node::Scalar => {}
        Node::Selector(s) => out.extend(s.name.clone()),
        Node::Aggregate { args, .. } | Node::Call { args, .. } => args.iter().for_each(|a| collect_names(a, out)),
        Node::Binary { lhs, rhs, .. } => {
            collect_names(lhs, out);
            collect_names(rhs, out);
        }
    }
}

#[test]
fn reads_names_and_labels() {
    let p = Parsed::of(
        r#"sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"$service", method!="GET"}[$__rate_interval]))
               / on (service) group_left (pod) max by (service, pod) (up offset 5m) > bool 0.5
               or vector(0) unless absent(foo{a="b"}) and histogram_quantile(0.9, x:y:z) + -Inf"#,
    )
    .expect("parses");
    let names: Vec<String> = p.names().into_iter().collect();
    assert_eq!(names, ["foo", "http_request_duration_seconds_bucket", "up", "x:y:z"]);
    assert!(Parsed::of("rate(x[5m]").is_err());
    assert!(Parsed::of("notafunction(x)").is_err());
    assert!(Parsed::of(r#"x{a="b" c="d"}"#).is_err());

    let mut env = Env {
        metrics: BTreeMap::new(),
        problems: Vec::new(),
    };
    env.metrics.insert(
        "m".into(),
        Labels::Known(["service".to_string(), "le".to_string()].into()),
    );
    let labels = Parsed::of(r#"histogram_quantile(0.5, sum by (service, le) (rate(m{service="a"}[5m])))"#)
        .expect("parses")
        .check(&mut env);
    assert_eq!(labels, Labels::Known(["service".to_string()].into()));
    assert!(env.problems.is_empty(), "{:?}", env.problems);
    Parsed::of(r#"sum by (pod) (m{endpoint="x"})"#)
        .expect("parses")
        .check(&mut env);
    assert_eq!(env.problems.len(), 2, "{:?}", env.problems);
    let lv = Parsed::label_values("label_values(m, nope)").expect("parses");
    lv.check(&mut env);
    assert_eq!(env.problems.len(), 3, "{:?}", env.problems);
}
