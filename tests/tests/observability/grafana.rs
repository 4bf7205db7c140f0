//! Grafana dashboards and provisioning. A dashboard Grafana accepts can still show empty or
//! misplaced panels, so the structure is checked here: titles and unique uids, panel ids and grid
//! positions, variables that exist, and queries that reach their data through the `${datasource}`
//! and `${loki}` variables rather than a datasource uid of one installation.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde_json::{Value, json};

use crate::{files, get, list, obs, read, str_of, yaml_file};

const DASHBOARDS: &[&str] = &[
    "service-overview.json",
    "kafka.json",
    "database.json",
    "cluster.json",
    "business.json",
];
const GRAFANA_BUILTINS: &[&str] = &[
    "__rate_interval",
    "__interval",
    "__range",
    "__interval_ms",
    "__range_s",
    "__range_ms",
    "__dashboard",
    "__from",
    "__to",
];

pub(crate) fn dashboards() -> Vec<(String, Value)> {
    let dir = obs("grafana/dashboards");
    files(&dir, ".json")
        .into_iter()
        .map(|path| {
            let name = path.file_name().expect("name").to_string_lossy().into_owned();
            let value = serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{name} is not valid JSON: {e}"));
            (name, value)
        })
        .collect()
}

/// Every panel, rows' nested panels included.
pub(crate) fn panels(dashboard: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for panel in list(get(dashboard, "panels")) {
        out.push(panel);
        out.extend(list(get(panel, "panels")));
    }
    out
}

/// The Grafana variables `$name`, `${name}` and `${name:format}` in `text`: where each is written,
/// and its name. `$1` (a `label_replace` group) is not one.
pub(crate) fn variables_in(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find('$').map(|i| from + i) {
        let after = &text[at + 1..];
        let (name, end) = match after.strip_prefix('{') {
            Some(inner) => {
                let end = inner.find('}').map_or(text.len(), |close| at + 2 + close + 1);
                (inner.split(['}', ':']).next().unwrap_or_default(), end)
            }
            None => {
                let length = after
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .unwrap_or(after.len());
                (&after[..length], at + 1 + length)
            }
        };
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            from = at + 1;
        } else {
            out.push((at..end, name));
            from = end;
        }
    }
    out
}

#[test]
fn dashboards_are_well_formed_and_use_datasource_variables() {
    let found = dashboards();
    let names: BTreeSet<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    for expected in DASHBOARDS {
        assert!(
            names.contains(expected),
            "missing dashboard grafana/dashboards/{expected}"
        );
    }
    let mut problems = Vec::new();
    let mut uids = BTreeSet::new();
    for (file, dashboard) in &found {
        let mut problem = |text: String| problems.push(format!("{file}: {text}"));
        for key in ["title", "uid"] {
            if str_of(dashboard, key).trim().is_empty() {
                problem(format!("no {key}"));
            }
        }
        let uid = str_of(dashboard, "uid");
        if uid.len() > 40 || !uids.insert(uid.to_string()) {
            problem(format!("uid {uid:?} is longer than 40 characters or not unique"));
        }
        if !get(dashboard, "id").is_null() {
            problem("id should be null in a provisioned dashboard".into());
        }
        let variables: BTreeMap<&str, &Value> = list(get(get(dashboard, "templating"), "list"))
            .iter()
            .map(|v| (str_of(v, "name"), v))
            .collect();
        match variables.get("datasource") {
            Some(v) if str_of(v, "type") == "datasource" && str_of(v, "query") == "prometheus" => {}
            _ => problem("templating has no variable `datasource` of type datasource, query prometheus".into()),
        }
        for (name, variable) in &variables {
            if str_of(variable, "type") == "query"
                && get(variable, "datasource") != &json!({"type": "prometheus", "uid": "${datasource}"})
            {
                problem(format!("variable {name} does not query through ${{datasource}}"));
            }
            let definition = str_of(variable, "definition");
            if !definition.is_empty() && definition != str_of(get(variable, "query"), "query") {
                problem(format!("variable {name}: definition and query.query differ"));
            }
        }
        let all = panels(dashboard);
        if all.iter().all(|p| str_of(p, "type") == "row") {
            problem("no panels".into());
        }
        let mut ids = BTreeSet::new();
        for panel in &all {
            let title = str_of(panel, "title");
            let id = get(panel, "id").as_u64();
            if id.is_none() || !ids.insert(id) {
                problem(format!(
                    "panel {title:?}: id {:?} missing or not unique",
                    get(panel, "id")
                ));
            }
            let grid = get(panel, "gridPos");
            let dims: Vec<Option<u64>> = ["h", "w", "x", "y"].iter().map(|k| get(grid, k).as_u64()).collect();
            match dims[..] {
                [Some(h), Some(w), Some(x), Some(_)] if h > 0 && w > 0 && x + w <= 24 => {}
                _ => problem(format!(
                    "panel {title:?}: gridPos {grid} needs h, w, x, y within 24 columns"
                )),
            }
            if str_of(panel, "type") == "row" {
                continue;
            }
            let expected = match str_of(get(panel, "datasource"), "type") {
                "prometheus" => json!({"type": "prometheus", "uid": "${datasource}"}),
                "loki" => json!({"type": "loki", "uid": "${loki}"}),
                other => {
                    problem(format!(
                        "panel {title:?}: datasource type {other:?} is neither prometheus nor loki"
                    ));
                    continue;
                }
            };
            if get(panel, "datasource") != &expected {
                problem(format!("panel {title:?}: datasource should be {expected}"));
            }
            let targets = list(get(panel, "targets"));
            if targets.is_empty() {
                problem(format!("panel {title:?}: no targets"));
            }
            for target in targets {
                if target.get("datasource").is_some_and(|d| d != &expected) {
                    problem(format!("panel {title:?}: target datasource should be {expected}"));
                }
                if str_of(target, "expr").trim().is_empty() {
                    problem(format!("panel {title:?}: target without expr"));
                }
            }
            if str_of(get(panel, "datasource"), "type") == "loki" {
                match variables.get("loki") {
                    Some(v) if str_of(v, "type") == "datasource" && str_of(v, "query") == "loki" => {}
                    _ => problem(format!(
                        "panel {title:?} uses ${{loki}} but there is no loki datasource variable"
                    )),
                }
            }
        }
        // Every variable a query refers to exists.
        let text = serde_json::to_string(&all).expect("json")
            + &serde_json::to_string(get(dashboard, "templating")).expect("json");
        for (_, name) in variables_in(&text) {
            if !variables.contains_key(name) && !GRAFANA_BUILTINS.contains(&name) && !name.starts_with("__") {
                problem(format!("refers to ${name}, which is not a template variable"));
            }
        }
    }
    assert!(problems.is_empty(), "dashboards:\n  {}", problems.join("\n  "));
}

#[test]
fn grafana_provisioning_names_both_datasources_and_the_dashboards() {
    let datasources = yaml_file(&obs("grafana/provisioning/datasources/datasources.yml"));
    assert_eq!(get(&datasources, "apiVersion"), &json!(1));
    let types: BTreeSet<&str> = list(get(&datasources, "datasources"))
        .iter()
        .map(|d| str_of(d, "type"))
        .collect();
    assert!(
        types.contains("prometheus") && types.contains("loki"),
        "datasources provisioned: {types:?}"
    );
    let providers = yaml_file(&obs("grafana/provisioning/dashboards/dashboards.yml"));
    assert_eq!(get(&providers, "apiVersion"), &json!(1));
    let provider = list(get(&providers, "providers"))
        .first()
        .expect("a dashboard provider");
    assert_eq!(str_of(provider, "type"), "file");
    assert!(
        str_of(get(provider, "options"), "path").starts_with('/'),
        "the provider needs an absolute path"
    );
}
