//! The labels each sub-expression of a PromQL tree keeps, and the problems found where a matcher,
//! grouping, vector matching or function uses a label the series there do not have.

use std::collections::BTreeSet;

use super::{Env, Labels, Node};

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

pub(super) fn check(node: &Node, env: &mut Env) -> Labels {
    match node {
        Node::Scalar => Labels::Scalar,
        Node::Selector(selector) => {
            let Some(name) = &selector.name else {
                return Labels::Unknown;
            };
            let labels = env.metrics.get(name).cloned().unwrap_or(Labels::Unknown);
            let matchers: Vec<String> = selector.matchers.iter().filter(|m| *m != "__name__").cloned().collect();
            require(env, &format!("the selector of {name}"), &matchers, &labels);
            labels
        }
        Node::Aggregate { op, grouping, args } => {
            let inputs: Vec<Labels> = args.iter().map(|a| check(a, env)).collect();
            let input = inputs.last().cloned().unwrap_or(Labels::Unknown);
            match (op.as_str(), grouping) {
                ("count_values", _) => Labels::Unknown,
                (_, Some((true, by))) => {
                    require(env, &format!("{op} by"), by, &input);
                    Labels::Known(by.iter().cloned().collect())
                }
                (_, Some((false, without))) => {
                    require(env, &format!("{op} without"), without, &input);
                    match input {
                        Labels::Known(k) => Labels::Known(k.into_iter().filter(|l| !without.contains(l)).collect()),
                        other => other,
                    }
                }
                ("topk" | "bottomk" | "limitk" | "limit_ratio", None) => input,
                (_, None) => Labels::Known(BTreeSet::new()),
            }
        }
        Node::Call { name, args, strings } => {
            let inputs: Vec<Labels> = args.iter().map(|a| check(a, env)).collect();
            let vector = |i: usize| inputs.get(i).cloned().unwrap_or(Labels::Unknown);
            match name.as_str() {
                "absent" | "absent_over_time" | "scalar" => Labels::Unknown,
                "vector" | "time" | "pi" => Labels::Known(BTreeSet::new()),
                "histogram_quantile" | "histogram_fraction" => {
                    let input = vector(inputs.len().saturating_sub(1));
                    require(env, name, &["le".to_string()], &input);
                    match input {
                        Labels::Known(k) => Labels::Known(k.into_iter().filter(|l| l != "le").collect()),
                        other => other,
                    }
                }
                "quantile_over_time" => vector(1),
                "label_replace" | "label_join" => match vector(0) {
                    Labels::Known(mut k) => {
                        if name == "label_replace" {
                            let sources: Vec<String> =
                                strings.get(2).into_iter().filter(|s| !s.is_empty()).cloned().collect();
                            require(env, name, &sources, &Labels::Known(k.clone()));
                        }
                        k.extend(strings.first().cloned());
                        Labels::Known(k)
                    }
                    other => other,
                },
                _ => vector(0),
            }
        }
        Node::Binary {
            op,
            lhs,
            rhs,
            matching,
            group,
        } => {
            let l = check(lhs, env);
            let r = check(rhs, env);
            if let Some((true, labels)) = matching {
                require(env, &format!("`{op} on` (left)"), labels, &l);
                require(env, &format!("`{op} on` (right)"), labels, &r);
            }
            let extra = group.as_ref().map(|(_, g)| g.clone()).unwrap_or_default();
            match group {
                Some((true, _)) => require(env, "group_left", &extra, &r),
                Some((false, _)) => require(env, "group_right", &extra, &l),
                None => {}
            }
            match (l, r) {
                (Labels::Scalar, other) | (other, Labels::Scalar) => other,
                (Labels::Known(a), Labels::Known(b)) if op == "or" => Labels::Known(a.union(&b).cloned().collect()),
                (l, r) => {
                    let base = if matches!(group, Some((false, _))) { r } else { l };
                    match base {
                        Labels::Known(mut k) => {
                            k.extend(extra);
                            Labels::Known(k)
                        }
                        other => other,
                    }
                }
            }
        }
    }
}
