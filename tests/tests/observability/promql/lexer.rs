//! PromQL text to tokens. Strings keep their value (label values, `label_replace` arguments);
//! numbers, durations and Grafana variables only need to be recognised.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    Ident(String),
    Number,
    Str(String),
    /// A Grafana variable such as `$__rate_interval` or `${service}`.
    Var,
    Punct(&'static str),
}

pub(super) fn tokens(text: &str) -> Result<Vec<Token>, String> {
    const PUNCT: &[&str] = &[
        "==", "!=", "<=", ">=", "=~", "!~", "(", ")", "{", "}", "[", "]", ",", "+", "-", "*", "/", "%", "^", "<", ">",
        "=", "@", ":",
    ];
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' || c == '\'' || c == '`' {
            let mut s = String::new();
            i += 1;
            loop {
                let d = *chars.get(i).ok_or("unterminated string")?;
                i += 1;
                if d == c {
                    break;
                }
                if d == '\\' && c != '`' {
                    s.push(*chars.get(i).ok_or("unterminated escape")?);
                    i += 1;
                } else {
                    s.push(d);
                }
            }
            out.push(Token::Str(s));
        } else if c == '$' {
            i += 1;
            if chars.get(i) == Some(&'{') {
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
                i += 1;
            } else {
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
            out.push(Token::Var);
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            while i < chars.len() {
                let d = chars[i];
                let exponent_sign = (d == '-' || d == '+') && matches!(chars[i - 1], 'e' | 'E');
                if d.is_ascii_alphanumeric() || d == '.' || d == '_' || exponent_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Token::Number);
        } else if c.is_ascii_alphabetic()
            || c == '_'
            || (c == ':' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else if let Some(p) = PUNCT
            .iter()
            .find(|p| chars[i..].starts_with(&p.chars().collect::<Vec<_>>()))
        {
            out.push(Token::Punct(p));
            i += p.len();
        } else {
            return Err(format!("unexpected character {c:?}"));
        }
    }
    Ok(out)
}
