//! What the checks need from a PromQL expression: the metric names it reads, and the labels each
//! part keeps, so that matchers, groupings and vector matching can be checked against what is
//! exported. promql-parser (the one GreptimeDB uses) parses; it refuses unknown functions and
//! malformed syntax, so an expression it cannot read fails the test instead of being skipped.
//!
//! `labels` works out the labels each part of the crate's tree keeps; the crate has no notion of that.

mod labels;

use std::collections::{BTreeMap, BTreeSet};

use promql_parser::parser::{self, AggregateExpr, Expr};
use promql_parser::util::{ExprVisitor, walk_expr};

use crate::grafana::variables_in;

/// Stands in for a Grafana variable (`$__rate_interval`, `${service}`): Grafana puts a duration
/// where our panels use one outside a label value, and inside a label value any text will do.
const GRAFANA_VARIABLE_STANDIN: &str = "5m";

/// Whether `name` reads as a metric name on its own, as an exporter's list must hold.
pub(crate) fn is_metric_name(name: &str) -> bool {
    matches!(parser::parse(name), Ok(Expr::VectorSelector(vs))
        if vs.name.as_deref() == Some(name) && vs.matchers.matchers.is_empty())
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

/// A parsed expression.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// None for Grafana's `label_values(label)`, which names no series.
    expr: Option<Expr>,
    /// For a Grafana `label_values(selector, label)`, the label.
    label: Option<String>,
}

impl Parsed {
    /// Parses PromQL, with Grafana's variables standing for what Grafana puts there.
    ///
    /// # Errors
    ///
    /// promql-parser's message when the expression is not PromQL or calls an unknown function.
    pub(crate) fn of(text: &str) -> Result<Self, String> {
        let expr = parser::parse(&without_grafana_variables(text))?;
        Ok(Self {
            expr: Some(expr),
            label: None,
        })
    }

    /// Grafana's `label_values(selector, label)` or `label_values(label)`.
    ///
    /// # Errors
    ///
    /// When the query is another kind of variable query, or its selector is not PromQL.
    pub(crate) fn label_values(text: &str) -> Result<Self, String> {
        let inner = text
            .trim()
            .strip_prefix("label_values(")
            .and_then(|t| t.strip_suffix(')'))
            .ok_or("only label_values(...) variable queries are supported")?;
        match inner.rsplit_once(',') {
            Some((selector, label)) => Ok(Self {
                label: Some(label.trim().to_string()),
                ..Self::of(selector)?
            }),
            None => Ok(Self {
                expr: None,
                label: Some(inner.trim().to_string()),
            }),
        }
    }

    /// Every metric name the expression reads.
    pub(crate) fn names(&self) -> BTreeSet<String> {
        let mut names = Names::default();
        if let Some(expr) = &self.expr {
            walk_expr(&mut names, expr).unwrap_or_else(|never| match never {});
        }
        names.0
    }

    /// Checks labels against what is known, recording problems in `env`; returns the labels of
    /// the result.
    pub(crate) fn check(&self, env: &mut Env) -> Labels {
        let labels = self.expr.as_ref().map_or(Labels::Scalar, |e| labels::check(e, env));
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

/// Collects the names of the selectors in a tree.
#[derive(Debug, Default)]
struct Names(BTreeSet<String>);

impl ExprVisitor for Names {
    type Error = std::convert::Infallible;

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, Self::Error> {
        match expr {
            Expr::VectorSelector(vs) => self.0.extend(vs.name.clone()),
            Expr::MatrixSelector(ms) => self.0.extend(ms.vs.name.clone()),
            // The walk skips an aggregation's parameter (topk's k, quantile's φ).
            Expr::Aggregate(AggregateExpr { param: Some(param), .. }) => {
                walk_expr(self, param)?;
            }
            _ => {}
        }
        Ok(true)
    }
}

/// `text` with each Grafana variable replaced by [`GRAFANA_VARIABLE_STANDIN`].
fn without_grafana_variables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in variables_in(text) {
        out.push_str(&text[copied..at.start]);
        out.push_str(GRAFANA_VARIABLE_STANDIN);
        copied = at.end;
    }
    out + &text[copied..]
}

#[test]
fn reads_every_metric_name_an_expression_reads() {
    let p = Parsed::of(
        r#"sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"$service", method!="GET"}[$__rate_interval]))
               / on (service) group_left (pod) max by (service, pod) (up offset 5m) > bool 0.5
               or vector(0) unless absent(foo{a="b"}) and histogram_quantile(0.9, x:y:z) + -Inf
               or topk(scalar(k), max_over_time(m[${__range}:1m])) # a comment"#,
    )
    .expect("parses");
    let names: Vec<String> = p.names().into_iter().collect();
    assert_eq!(
        names,
        ["foo", "http_request_duration_seconds_bucket", "k", "m", "up", "x:y:z"]
    );
}

#[test]
fn refuses_what_is_not_promql() {
    for (text, why) in [
        ("rate(x[5m]", "an unclosed call"),
        ("notafunction(x)", "an unknown function"),
        ("sum by (a) (rate(x[5m]) + )", "a missing operand"),
        (r#"x{a="b" c="d"}"#, "matchers without a comma"),
        ("rate(x)", "an instant vector where a range is needed"),
    ] {
        assert!(Parsed::of(text).is_err(), "{why} is refused");
    }
    assert!(is_metric_name("kube_pod_info") && is_metric_name("service:x:ratio_rate5m"));
    assert!(!is_metric_name("9lives") && !is_metric_name("a-b") && !is_metric_name(r#"a{b="c"}"#));
    assert!(Parsed::label_values("query_result(up)").is_err());
}

#[test]
fn finds_labels_the_series_do_not_have() {
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
