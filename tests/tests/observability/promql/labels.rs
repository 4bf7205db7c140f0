//! The labels each sub-expression of promql-parser's tree keeps, and the problems found where a
//! matcher, grouping, vector matching or function uses a label the series there do not have.

use std::collections::{BTreeMap, BTreeSet};

use promql_parser::parser::{
    AggregateExpr, BinaryExpr, Call, Expr, LabelModifier, ParenExpr, SubqueryExpr, UnaryExpr, VectorMatchCardinality,
    VectorSelector,
};

use super::{Env, Labels};

fn require(env: &mut Env, what: &str, labels: &[String], on: &Labels) {
    if let Labels::Known(known) = on {
        for label in labels {
            if !known.contains(label) {
                env.problems.push(format!(
                    "{what} uses label {label:?}, which the series there do not have ({known:?})"
                ));
            }
        }
    }
}

/// `labels` with `extra` added, when they are known.
fn with(labels: Labels, extra: &[String]) -> Labels {
    match labels {
        Labels::Known(mut known) => {
            known.extend(extra.iter().cloned());
            Labels::Known(known)
        }
        other => other,
    }
}

/// `labels` less `dropped`, when they are known.
fn without(labels: Labels, dropped: &[String]) -> Labels {
    match labels {
        Labels::Known(known) => Labels::Known(known.into_iter().filter(|l| !dropped.contains(l)).collect()),
        other => other,
    }
}

pub(super) fn check(expr: &Expr, env: &mut Env) -> Labels {
    match expr {
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => Labels::Scalar,
        Expr::VectorSelector(vs) => selector(vs, env),
        Expr::MatrixSelector(ms) => selector(&ms.vs, env),
        Expr::Paren(ParenExpr { expr })
        | Expr::Unary(UnaryExpr { expr })
        | Expr::Subquery(SubqueryExpr { expr, .. }) => check(expr, env),
        Expr::Aggregate(aggregate) => aggregation(aggregate, env),
        Expr::Call(call) => function(call, env),
        Expr::Binary(binary) => operation(binary, env),
        Expr::Extension(_) => Labels::Unknown,
    }
}

fn selector(vs: &VectorSelector, env: &mut Env) -> Labels {
    let Some(name) = &vs.name else {
        return Labels::Unknown;
    };
    let labels = env.metrics.get(name).cloned().unwrap_or(Labels::Unknown);
    let matchers: Vec<String> = (vs.matchers.matchers.iter())
        .chain(vs.matchers.or_matchers.iter().flatten())
        .map(|m| m.name.clone())
        .filter(|m| m != "__name__")
        .collect();
    require(env, &format!("the selector of {name}"), &matchers, &labels);
    labels
}

fn aggregation(aggregate: &AggregateExpr, env: &mut Env) -> Labels {
    if let Some(param) = &aggregate.param {
        check(param, env);
    }
    let input = check(&aggregate.expr, env);
    let op = aggregate.op.to_string();
    match (op.as_str(), &aggregate.modifier) {
        ("count_values", _) => Labels::Unknown,
        (_, Some(LabelModifier::Include(by))) => {
            require(env, &format!("{op} by"), &by.labels, &input);
            Labels::Known(by.labels.iter().cloned().collect())
        }
        (_, Some(LabelModifier::Exclude(dropped))) => {
            require(env, &format!("{op} without"), &dropped.labels, &input);
            without(input, &dropped.labels)
        }
        ("topk" | "bottomk" | "limitk" | "limit_ratio", None) => input,
        (_, None) => Labels::Known(BTreeSet::new()),
    }
}

fn function(call: &Call, env: &mut Env) -> Labels {
    let name = call.func.name;
    let mut vectors = Vec::new();
    let mut strings = Vec::new();
    for arg in &call.args.args {
        match arg.as_ref() {
            Expr::StringLiteral(s) => strings.push(s.val.clone()),
            other => vectors.push(check(other, env)),
        }
    }
    let vector = |i: usize| vectors.get(i).cloned().unwrap_or(Labels::Unknown);
    match name {
        "absent" | "absent_over_time" | "scalar" => Labels::Unknown,
        "vector" | "time" | "pi" => Labels::Known(BTreeSet::new()),
        "histogram_quantile" | "histogram_fraction" => {
            let input = vector(vectors.len().saturating_sub(1));
            require(env, name, &["le".to_string()], &input);
            without(input, &["le".to_string()])
        }
        "quantile_over_time" => vector(1),
        "label_replace" | "label_join" => {
            let input = vector(0);
            if name == "label_replace" {
                let sources: Vec<String> = strings.get(2).into_iter().filter(|s| !s.is_empty()).cloned().collect();
                require(env, name, &sources, &input);
            }
            with(input, &strings[..strings.len().min(1)])
        }
        _ => vector(0),
    }
}

fn operation(binary: &BinaryExpr, env: &mut Env) -> Labels {
    let op = binary.op.to_string();
    let l = check(&binary.lhs, env);
    let r = check(&binary.rhs, env);
    let modifier = binary.modifier.as_ref();
    if let Some(LabelModifier::Include(on)) = modifier.and_then(|m| m.matching.as_ref()) {
        require(env, &format!("`{op} on` (left)"), &on.labels, &l);
        require(env, &format!("`{op} on` (right)"), &on.labels, &r);
    }
    let card = modifier.map(|m| &m.card);
    let extra = card
        .and_then(VectorMatchCardinality::labels)
        .map(|g| g.labels.clone())
        .unwrap_or_default();
    match card {
        Some(VectorMatchCardinality::ManyToOne(_)) => require(env, "group_left", &extra, &r),
        Some(VectorMatchCardinality::OneToMany(_)) => require(env, "group_right", &extra, &l),
        _ => {}
    }
    let group_right = matches!(card, Some(VectorMatchCardinality::OneToMany(_)));
    match (l, r) {
        (Labels::Scalar, other) | (other, Labels::Scalar) => other,
        (Labels::Known(a), Labels::Known(b)) if op == "or" => Labels::Known(a.union(&b).cloned().collect()),
        (l, r) => with(if group_right { r } else { l }, &extra),
    }
}

#[cfg(test)]
fn labels_of(env: &mut Env, text: &str) -> Labels {
    super::Parsed::of(text).expect("parses").check(env)
}

#[test]
fn follows_labels_through_matching_grouping_and_relabelling() {
    let known = |labels: &[&str]| Labels::Known(labels.iter().map(|l| l.to_string()).collect());
    let mut env = Env {
        metrics: BTreeMap::from([
            ("a".to_string(), known(&["service", "pod", "instance"])),
            ("b".to_string(), known(&["pod", "node"])),
        ]),
        problems: Vec::new(),
    };
    assert_eq!(
        labels_of(&mut env, "a * on (pod) group_left (node) b"),
        known(&["service", "pod", "instance", "node"])
    );
    assert_eq!(
        labels_of(&mut env, "sum without (instance) (a)"),
        known(&["service", "pod"])
    );
    assert_eq!(
        labels_of(&mut env, "a or b"),
        known(&["service", "pod", "instance", "node"])
    );
    assert_eq!(labels_of(&mut env, "2 * b"), known(&["pod", "node"]));
    assert_eq!(
        labels_of(&mut env, r#"label_replace(b, "host", "$1", "node", "(.*)")"#),
        known(&["pod", "node", "host"])
    );
    assert!(env.problems.is_empty(), "{:?}", env.problems);

    labels_of(&mut env, "a / on (node) b");
    labels_of(&mut env, "a * on (pod) group_left (zone) b");
    labels_of(&mut env, r#"label_replace(b, "host", "$1", "zone", "(.*)")"#);
    labels_of(&mut env, "count without (zone) (a)");
    assert_eq!(env.problems.len(), 4, "{:?}", env.problems);
}
