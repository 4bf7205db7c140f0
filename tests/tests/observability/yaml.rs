//! YAML read into a `serde_json::Value` with serde-saphyr, so that every check looks things up the
//! same way in YAML and JSON files. Plain scalars are typed by YAML 1.2's core schema, as
//! Prometheus, Alertmanager and the Collector read them, and a duplicate key is an error rather
//! than a value silently replaced.

use serde_json::Value;

/// Parses one YAML document.
///
/// # Errors
///
/// When `text` is not YAML, holds more than one document or repeats a key in a mapping; the
/// message shows the line.
pub(crate) fn parse(text: &str) -> Result<Value, serde_saphyr::Error> {
    // Only `true`/`false` are booleans (YAML 1.2): `on`, `yes` and `no` stay strings.
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(text, options)
}

#[test]
fn reads_yaml_as_its_core_schema_types_it() {
    let text = r#"
# comment
a: 1
b: "two # not a comment"   # a comment
c: 'it''s'
d: [x, "y", 3]
e: {k: v}
f:
  - one
  - k: v
    l: w
  -
    - nested
g:
- same indent
h: |
  line one
    indented

  line three
i: >-
  folded
  text

  para
j: 0.5
k: 30s
l: true
m:
n: $1:$2
o: on
p: &anchor {q: 1}
r: *anchor
"#;
    let v = parse(text).expect("parses");
    assert_eq!(v["a"], 1);
    assert_eq!(v["b"], "two # not a comment");
    assert_eq!(v["c"], "it's");
    assert_eq!(v["d"], serde_json::json!(["x", "y", 3]));
    assert_eq!(v["e"], serde_json::json!({"k": "v"}));
    assert_eq!(v["f"], serde_json::json!(["one", {"k": "v", "l": "w"}, ["nested"]]));
    assert_eq!(v["g"], serde_json::json!(["same indent"]));
    assert_eq!(v["h"], "line one\n  indented\n\nline three\n");
    assert_eq!(v["i"], "folded text\npara");
    assert_eq!(v["j"], 0.5);
    assert_eq!(v["k"], "30s");
    assert_eq!(v["l"], true);
    assert_eq!(v["m"], Value::Null);
    assert_eq!(v["n"], "$1:$2");
    assert_eq!(v["o"], "on", "YAML 1.1 booleans stay strings");
    assert_eq!(v["r"], serde_json::json!({"q": 1}), "aliases are resolved");
}

#[test]
fn refuses_what_is_not_one_well_formed_document() {
    for (text, why) in [
        ("a: 1\n  b: 2\n", "bad indentation"),
        ("a: 1\na: 2\n", "a duplicate key"),
        ("a: [1, 2\n", "an unclosed flow sequence"),
        ("a: 1\n---\nb: 2\n", "two documents"),
    ] {
        assert!(parse(text).is_err(), "{why} is refused: {:?}", parse(text));
    }
}
