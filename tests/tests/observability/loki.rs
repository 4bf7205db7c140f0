//! The Alloy log pipeline and the LogQL queries in `observability/loki/README.md`. Every Loki label
//! value starts a new stream, so only low-cardinality fields (service, level, and what discovery
//! sets) may become labels; ids, routes and statuses go to structured metadata, and the documented
//! queries must select streams only on those labels.

use std::collections::BTreeSet;

use crate::{obs, read};

/// The keys of the `values = { ... }` (or `expressions = { ... }`) map of the first `block {` in an
/// Alloy file.
fn alloy_map_keys(config: &str, block: &str, map: &str) -> BTreeSet<String> {
    let start = config
        .find(&format!("{block} {{"))
        .unwrap_or_else(|| panic!("config.alloy has no {block} block"));
    let body = &config[start..];
    let open = body
        .find(&format!("{map} = {{"))
        .unwrap_or_else(|| panic!("{block} has no {map} map"));
    let inner = &body[open..];
    let close = inner.find('}').expect("closing brace");
    inner[inner.find('{').expect("opening brace") + 1..close]
        .lines()
        .filter_map(|line| {
            line.split_once('=')
                .map(|(k, _)| k.trim().trim_matches('"').to_string())
        })
        .filter(|k| !k.is_empty() && !k.starts_with("//"))
        .collect()
}

#[test]
fn alloy_pipeline_keeps_labels_low_cardinality() {
    let config = read(&obs("loki/config.alloy"));
    let parsed = alloy_map_keys(&config, "stage.json", "expressions");
    for field in [
        "timestamp",
        "level",
        "service",
        "message",
        "trace_id",
        "span_id",
        "ce_id",
        "ce_type",
        "request_id",
        "route",
        "status",
    ] {
        assert!(parsed.contains(field), "stage.json does not extract {field}");
    }
    let labels = alloy_map_keys(&config, "stage.labels", "values");
    assert_eq!(
        labels,
        ["level", "service"].map(String::from).into(),
        "only service and level become labels from the line"
    );
    let metadata = alloy_map_keys(&config, "stage.structured_metadata", "values");
    for field in [
        "trace_id",
        "span_id",
        "ce_id",
        "ce_type",
        "request_id",
        "route",
        "status",
    ] {
        assert!(metadata.contains(field), "{field} should be structured metadata");
    }
    // Labels set from Kubernetes discovery.
    let relabelled: BTreeSet<&str> = config
        .lines()
        .filter_map(|l| l.trim().strip_prefix("target_label"))
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert_eq!(
        relabelled,
        ["container", "namespace", "service"].into(),
        "labels set by discovery.relabel"
    );
    assert!(
        config.contains("stage.timestamp") && config.contains("RFC3339"),
        "the line's own timestamp is used"
    );
}

#[test]
fn logql_queries_select_on_pipeline_labels() {
    let readme = read(&obs("loki/README.md"));
    let labels = ["service", "level", "namespace", "container", "cluster"];
    let blocks: Vec<&str> = readme
        .split("```logql")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or(""))
        .collect();
    assert!(
        blocks.len() >= 7,
        "loki/README.md should hold the seven queries of issue 6, found {}",
        blocks.len()
    );
    for topic in [
        "Errors per service",
        "Logs of one trace",
        "Slow requests",
        "Dead-lettered events",
        "Failed webhook deliveries",
        "Outbox publish failures",
        "Top error messages",
    ] {
        assert!(
            readme.contains(&format!("**{topic}.**")),
            "loki/README.md has no query for {topic}"
        );
    }
    for block in blocks {
        // Stream selectors: `{` not preceded by a template's `{{`.
        for selector in block
            .split('{')
            .skip(1)
            .filter(|s| !s.starts_with('{') && !s.starts_with('.'))
        {
            let inner = selector.split('}').next().unwrap_or("");
            for matcher in inner.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                let label: String = matcher
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    labels.contains(&label.as_str()),
                    "LogQL selector {{{inner}}} uses {label:?}, which is not a label"
                );
            }
        }
    }
}
