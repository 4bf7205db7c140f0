//! What YAML writes on one line after `key: ` or `- `: flow sequences and mappings, quoted
//! strings and plain scalars, typed as YAML 1.2's core schema reads them.

use serde_json::{Map, Number, Value};

pub(super) struct Flow {
    pub(super) text: Vec<char>,
    pub(super) at: usize,
}

impl Flow {
    pub(super) fn skip_space(&mut self) {
        while self.at < self.text.len() && self.text[self.at] == ' ' {
            self.at += 1;
        }
    }

    pub(super) fn value(&mut self, in_flow: bool) -> Result<Value, String> {
        self.skip_space();
        match self.text.get(self.at) {
            Some('"') | Some('\'') => self.quoted(),
            Some('[') => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.text.get(self.at) == Some(&']') {
                        self.at += 1;
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value(true)?);
                    self.skip_space();
                    match self.text.get(self.at) {
                        Some(',') => self.at += 1,
                        Some(']') => {}
                        _ => return Err("expected `,` or `]` in a flow sequence".into()),
                    }
                }
            }
            Some('{') => {
                self.at += 1;
                let mut map = Map::new();
                loop {
                    self.skip_space();
                    if self.text.get(self.at) == Some(&'}') {
                        self.at += 1;
                        return Ok(Value::Object(map));
                    }
                    let key = match self.value(true)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    self.skip_space();
                    if self.text.get(self.at) != Some(&':') {
                        return Err("expected `:` in a flow mapping".into());
                    }
                    self.at += 1;
                    let value = self.value(true)?;
                    map.insert(key, value);
                    self.skip_space();
                    match self.text.get(self.at) {
                        Some(',') => self.at += 1,
                        Some('}') => {}
                        _ => return Err("expected `,` or `}` in a flow mapping".into()),
                    }
                }
            }
            _ => {
                let start = self.at;
                while self.at < self.text.len() {
                    let c = self.text[self.at];
                    let next_space = self.text.get(self.at + 1).is_none_or(|n| *n == ' ');
                    if (c == '#' && self.at > start && self.text[self.at - 1] == ' ')
                        || (in_flow && (c == ',' || c == ']' || c == '}' || (c == ':' && next_space)))
                    {
                        break;
                    }
                    self.at += 1;
                }
                let plain: String = self.text[start..self.at].iter().collect();
                Ok(scalar(plain.trim()))
            }
        }
    }

    pub(super) fn quoted(&mut self) -> Result<Value, String> {
        let quote = self.text[self.at];
        self.at += 1;
        let mut out = String::new();
        while let Some(&c) = self.text.get(self.at) {
            self.at += 1;
            match (quote, c) {
                ('\'', '\'') if self.text.get(self.at) == Some(&'\'') => {
                    out.push('\'');
                    self.at += 1;
                }
                ('\'', '\'') | ('"', '"') => return Ok(Value::String(out)),
                ('"', '\\') => {
                    let escaped = self.text.get(self.at).copied().ok_or("unterminated escape")?;
                    self.at += 1;
                    out.push(match escaped {
                        'n' => '\n',
                        't' => '\t',
                        '\\' => '\\',
                        '"' => '"',
                        '/' => '/',
                        other => return Err(format!("unsupported escape \\{other}")),
                    });
                }
                _ => out.push(c),
            }
        }
        Err("unterminated quoted string (multi-line quoted scalars are not supported)".into())
    }
}

/// A plain scalar: null, bool, integer, float or string, as YAML 1.2's core schema reads them.
fn scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && let Ok(n) = text.parse::<i64>()
    {
        return Value::Number(n.into());
    }
    let float_like = digits
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && digits.contains('.')
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.');
    if float_like && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}
