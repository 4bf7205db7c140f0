//! Splitting a message into tokens and masking the ones that are parameters.
//!
//! Drain compares messages token by token, so values that change from line to line (ids,
//! counts, addresses, durations, quoted user input) are replaced by `<*>` first; otherwise every
//! request id would start a template of its own. Masked: numbers with an optional unit (`12ms`,
//! `1.5s`, `3MiB`, `42%`), hex (`0x1f`, trace ids), UUIDs, IPv4/IPv6 addresses (with a port),
//! dates and times, and quoted strings. `key=value` masks only the value; surrounding punctuation
//! (`(42),`) is kept.

/// What a parameter becomes.
pub const WILDCARD: &str = "<*>";

/// The masked tokens of `message`, split on whitespace; a quoted string (which may hold spaces)
/// is one token.
pub fn tokenize(message: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut rest = message.trim_start();
    while !rest.is_empty() {
        let end = token_end(rest);
        tokens.push(mask(&rest[..end]));
        rest = rest[end..].trim_start();
    }
    tokens
}

/// Where the token at the start of `text` ends: at whitespace, unless a quote opens at the start
/// of the token or right after `=`/`:` and closes later.
fn token_end(text: &str) -> usize {
    let mut previous: Option<char> = None;
    for (index, c) in text.char_indices() {
        if c.is_whitespace() {
            return index;
        }
        let opens = matches!(c, '"' | '\'' | '`') && matches!(previous, None | Some('=' | ':'));
        if opens && let Some(close) = text[index + 1..].find(c) {
            let after = index + 1 + close + c.len_utf8();
            // Continue after the closing quote (`"a b",` keeps its comma).
            return after + token_end_plain(&text[after..]);
        }
        previous = Some(c);
    }
    text.len()
}

/// Up to the next whitespace.
fn token_end_plain(text: &str) -> usize {
    text.find(char::is_whitespace).unwrap_or(text.len())
}

/// The token with its parameter part replaced by [`WILDCARD`].
fn mask(token: &str) -> String {
    if let Some((key, value)) = token.split_once('=')
        && !key.is_empty()
    {
        return format!("{key}={}", mask(value));
    }
    if is_parameter(token) {
        return WILDCARD.to_owned();
    }
    let trimmed =
        token.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | '.' | '!' | '?'));
    let trimmed = if trimmed.ends_with(':') && !trimmed[..trimmed.len() - 1].contains(':') {
        &trimmed[..trimmed.len() - 1]
    } else {
        trimmed
    };
    if trimmed.is_empty() || !is_parameter(trimmed) {
        return token.to_owned();
    }
    let start = token.find(trimmed).unwrap_or(0);
    format!("{}{WILDCARD}{}", &token[..start], &token[start + trimmed.len()..])
}

/// Whether a token (without punctuation) is a value rather than a word.
pub fn is_parameter(token: &str) -> bool {
    is_quoted(token) || is_number(token) || is_hex(token) || is_uuid(token) || is_ip(token) || is_datetime(token)
}

fn is_quoted(token: &str) -> bool {
    let mut chars = token.chars();
    match (chars.next(), chars.next_back()) {
        (Some(open), Some(close)) => open == close && matches!(open, '"' | '\'' | '`'),
        _ => false,
    }
}

/// Units after a number: durations, sizes, percentages, multipliers.
const UNITS: [&str; 20] = [
    "ns", "us", "µs", "ms", "s", "m", "h", "d", "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "%", "x",
    "bytes",
];

/// `42`, `-3.5`, `1e-3`, `12ms`, `2m30s`, `3MiB`, `99.5%`.
fn is_number(token: &str) -> bool {
    let token = token.strip_prefix(['-', '+']).unwrap_or(token);
    let mut rest = token;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
            .unwrap_or(rest.len());
        if digits == 0 || !rest[..digits].starts_with(|c: char| c.is_ascii_digit()) {
            return false;
        }
        let after = &rest[digits..];
        let unit_len = after.find(|c: char| c.is_ascii_digit()).unwrap_or(after.len());
        let unit = after[..unit_len].to_ascii_lowercase();
        let exponent = (unit == "e" || unit == "e-" || unit == "e+") && unit_len < after.len();
        if !(unit.is_empty() || exponent || UNITS.contains(&unit.as_str())) {
            return false;
        }
        rest = &after[unit_len..];
        parts += 1;
    }
    parts > 0
}

/// `0x1F`, or eight or more hex digits with at least one digit (`4bf92f3577b34da6`).
fn is_hex(token: &str) -> bool {
    if let Some(digits) = token.strip_prefix("0x").or_else(|| token.strip_prefix("0X")) {
        return !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit());
    }
    token.len() >= 8 && token.chars().all(|c| c.is_ascii_hexdigit()) && token.chars().any(|c| c.is_ascii_digit())
}

/// `0192f3a4-7c1e-7d2b-9a61-5f4e3d2c1b0a`.
fn is_uuid(token: &str) -> bool {
    token.len() == 36
        && token.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// `10.244.0.17`, `10.244.0.17:8080`, `::1`, `fe80::1%eth0`, `[2001:db8::1]:443`.
fn is_ip(token: &str) -> bool {
    let host = token
        .rsplit_once(':')
        .filter(|(_, port)| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()));
    let ipv4 = |s: &str| {
        let octets: Vec<&str> = s.split('.').collect();
        octets.len() == 4
            && octets
                .iter()
                .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u8>().is_ok())
    };
    if ipv4(token) || host.is_some_and(|(h, _)| ipv4(h)) {
        return true;
    }
    let bare = token.trim_start_matches('[');
    let bare = bare.split(']').next().unwrap_or(bare);
    let bare = bare.split('%').next().unwrap_or(bare);
    bare.matches(':').count() >= 2 && bare.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
}

/// `2026-03-14`, `2026-03-14T12:00:03.512Z`, `12:00:03`, `+01:00`.
fn is_datetime(token: &str) -> bool {
    token.starts_with(|c: char| c.is_ascii_digit())
        && token.chars().any(|c| matches!(c, '-' | ':'))
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T' | 'Z' | '.' | '+'))
}
