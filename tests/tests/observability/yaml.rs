//! A YAML reader for the subset our files use: block mappings and sequences, flow collections,
//! quoted, plain and block scalars, read into a `serde_json::Value`. It keeps the test free of a
//! YAML dependency, and it refuses what it does not understand rather than guess, so a construct
//! it cannot read fails the test instead of being checked wrongly.
//!
//! This module reads the block structure (indentation, `key:` and `- `); `flow` reads what is
//! written on one line.

mod flow;

use serde_json::{Map, Value};

use flow::Flow;

/// Parses block mappings and sequences, flow collections, quoted, plain and block scalars.
/// Anchors, tags, multi-document files and multi-line plain scalars are refused.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    let mut reader = Reader {
        lines: text.lines().map(|l| (0, l.to_string())).collect(),
        pos: 0,
    };
    for (i, (indent, line)) in reader.lines.iter_mut().enumerate() {
        if line.starts_with("---") && i == 0 {
            line.clear();
        }
        if !line.trim().is_empty() && line[..line.len() - line.trim_start().len()].contains('\t') {
            return Err(format!("line {}: tab in indentation", i + 1));
        }
        *indent = line.len() - line.trim_start().len();
    }
    let Some((indent, _)) = reader.peek() else {
        return Ok(Value::Null);
    };
    let value = reader.block(indent)?;
    match reader.peek() {
        None => Ok(value),
        Some(_) => Err(format!("line {}: unexpected content", reader.pos + 1)),
    }
}

struct Reader {
    /// (indentation, line without its line break)
    lines: Vec<(usize, String)>,
    pos: usize,
}

fn significant(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

impl Reader {
    /// The next significant line: skips blank and comment lines.
    fn peek(&mut self) -> Option<(usize, String)> {
        while self.pos < self.lines.len() && !significant(&self.lines[self.pos].1) {
            self.pos += 1;
        }
        self.lines.get(self.pos).map(|(i, l)| (*i, l.trim().to_string()))
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("line {}: {what}", self.pos + 1))
    }

    fn block(&mut self, indent: usize) -> Result<Value, String> {
        match self.peek() {
            Some((_, line)) if line == "-" || line.starts_with("- ") => self.sequence(indent),
            Some(_) => self.mapping(indent),
            None => Ok(Value::Null),
        }
    }

    fn sequence(&mut self, indent: usize) -> Result<Value, String> {
        let mut items = Vec::new();
        while let Some((at, line)) = self.peek() {
            if at < indent || !(line == "-" || line.starts_with("- ")) {
                break;
            }
            if at > indent {
                return self.err("unexpected indentation in a sequence");
            }
            let rest = line[1..].trim_start().to_string();
            if rest.is_empty() || rest.starts_with('#') {
                self.pos += 1;
                items.push(self.nested(indent)?);
            } else if split_key(&rest).is_some() {
                // `- key: value`: a mapping whose keys sit where `key` starts.
                let column = indent + (line.len() - rest.len());
                self.lines[self.pos] = (column, format!("{}{rest}", " ".repeat(column)));
                items.push(self.mapping(column)?);
            } else {
                self.pos += 1;
                items.push(self.value(&rest, indent)?);
            }
        }
        Ok(Value::Array(items))
    }

    /// The value on the lines after a `key:` or `-` with nothing after it.
    fn nested(&mut self, indent: usize) -> Result<Value, String> {
        match self.peek() {
            Some((at, _)) if at > indent => self.block(at),
            Some((at, line)) if at == indent && (line == "-" || line.starts_with("- ")) => self.sequence(at),
            _ => Ok(Value::Null),
        }
    }

    fn mapping(&mut self, indent: usize) -> Result<Value, String> {
        let mut map = Map::new();
        while let Some((at, line)) = self.peek() {
            if at < indent || (at == indent && (line == "-" || line.starts_with("- "))) {
                break;
            }
            if at > indent {
                return self.err("unexpected indentation (multi-line plain scalars are not supported)");
            }
            let Some((key, rest)) = split_key(&line) else {
                return self.err("expected `key: value`");
            };
            if map.contains_key(&key) {
                return self.err(&format!("duplicate key {key:?}"));
            }
            self.pos += 1;
            let value = if rest.is_empty() || rest.starts_with('#') {
                self.nested(indent)?
            } else {
                self.value(&rest, indent)?
            };
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    /// A value written after `key: ` or `- ` (the line is consumed); `indent` is the parent's.
    fn value(&mut self, text: &str, indent: usize) -> Result<Value, String> {
        let first = text.chars().next().unwrap_or(' ');
        match first {
            '|' | '>' => self.block_scalar(text, indent),
            '&' | '*' | '!' | '%' | '@' | '`' => {
                self.err("anchors, aliases, tags and reserved indicators are not supported")
            }
            _ => {
                let mut chars = Flow {
                    text: text.chars().collect(),
                    at: 0,
                };
                let value = chars.value(false).or_else(|e| self.err(&e))?;
                chars.skip_space();
                if chars.at < chars.text.len() && chars.text[chars.at] != '#' {
                    return self.err(&format!("unexpected text after a value: {text:?}"));
                }
                Ok(value)
            }
        }
    }

    fn block_scalar(&mut self, header: &str, indent: usize) -> Result<Value, String> {
        let header = header.split('#').next().unwrap_or("").trim();
        let folded = header.starts_with('>');
        let chomp = header[1..].chars().find(|c| *c == '-' || *c == '+');
        if header[1..].chars().any(|c| c.is_ascii_digit()) {
            return self.err("explicit indentation indicators are not supported");
        }
        let mut body: Vec<String> = Vec::new();
        let mut block_indent = None;
        while self.pos < self.lines.len() {
            let (at, line) = &self.lines[self.pos];
            if line.trim().is_empty() {
                body.push(String::new());
            } else if *at > indent {
                let bi = *block_indent.get_or_insert(*at);
                if *at < bi {
                    return self.err("block scalar line indented less than its first line");
                }
                body.push(line[bi..].to_string());
            } else {
                break;
            }
            self.pos += 1;
        }
        let trailing = body.iter().rev().take_while(|l| l.is_empty()).count();
        let content = &body[..body.len() - trailing];
        let mut text = String::new();
        if folded {
            let mut previous_text = false;
            for line in content {
                if line.is_empty() {
                    text.push('\n');
                    previous_text = false;
                } else {
                    if previous_text {
                        text.push(' ');
                    }
                    text.push_str(line);
                    previous_text = true;
                }
            }
        } else {
            text = content.join("\n");
        }
        match chomp {
            Some('-') => {}
            Some(_) => text.push_str(&"\n".repeat(trailing + 1)),
            None if !content.is_empty() => text.push('\n'),
            None => {}
        }
        Ok(Value::String(text))
    }
}

/// Splits `key: rest` (or `key:`) outside quotes; None when the line is not a mapping entry.
fn split_key(line: &str) -> Option<(String, String)> {
    let chars: Vec<char> = line.chars().collect();
    let (key, mut at) = match chars.first() {
        Some('"') | Some('\'') => {
            let mut flow = Flow {
                text: chars.clone(),
                at: 0,
            };
            let Ok(Value::String(key)) = flow.quoted() else {
                return None;
            };
            (key, flow.at)
        }
        Some('[') | Some('{') => return None,
        _ => {
            let end = (0..chars.len()).find(|&i| chars[i] == ':' && chars.get(i + 1).is_none_or(|c| *c == ' '))?;
            if chars[..end].contains(&'#') && chars[..end].windows(2).any(|w| w[0] == ' ' && w[1] == '#') {
                return None;
            }
            (chars[..end].iter().collect::<String>().trim().to_string(), end)
        }
    };
    if chars.get(at) != Some(&':') || chars.get(at + 1).is_some_and(|c| *c != ' ') || key.is_empty() {
        return None;
    }
    at += 1;
    Some((key, chars[at..].iter().collect::<String>().trim().to_string()))
}

#[test]
fn reads_the_constructs_our_files_use() {
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
    assert!(parse("a: 1\n  b: 2\n").is_err(), "bad indentation is refused");
    assert!(parse("a: &x 1\n").is_err(), "anchors are refused");
    assert!(parse("a: 1\na: 2\n").is_err(), "duplicate keys are refused");
}
