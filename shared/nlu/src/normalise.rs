//! Cuts a raw chat message into tokens that are lower-cased and typo-corrected for matching but
//! remember their byte span in the original text. The parser matches on the normalised words; a
//! title is cut from the user's own text (their capitals, their punctuation) once dates, tags and
//! commands have been taken away.

/// What a token is, as far as the tokeniser can tell without context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters and digits, with inner apostrophes, hyphens and `:`, `.` or `/` between digits.
    Word,
    /// Digits only.
    Number,
    /// `#` followed by a word: a tag, or a task number when only digits follow.
    Hashtag,
    /// Text between quotes, taken literally: never parsed for dates or commands.
    Quoted,
    /// One punctuation character.
    Punct,
}

/// One token. `norm` is what the parser matches; `start..end` is the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) norm: String,
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Common misspellings and chat shorthand as `typo:word` pairs. Only words whose correction
/// cannot be another real word the user meant are listed.
const TYPOS: &str = "\
    tomorow:tomorrow tommorow:tomorrow tommorrow:tomorrow tmrw:tomorrow tmr:tomorrow tmrow:tomorrow tomrrow:tomorrow \
    tomorrw:tomorrow tomoorow:tomorrow todays:today's tomorrows:tomorrow's \
    tomorro:tomorrow tomorrw:tomorrow 2moro:tomorrow 2morrow:tomorrow tonite:tonight 2nite:tonight 2day:today \
    remmber:remember remeber:remember rember:remember remembr:remember compelte:complete complet:complete \
    comlete:complete copmlete:complete completd:completed compleet:complete delet:delete delte:delete \
    dlete:delete deleet:delete deleate:delete remvoe:remove reomve:remove pls:please plz:please plese:please \
    pleas:please u:you ur:your thx:thanks thanx:thanks ty:thanks shw:show sho:show lsit:list lst:list \
    serach:search seach:search searh:search wht:what whats:what's thats:that's dont:don't isnt:isn't im:i'm \
    ive:i've wheres:where's prio:priority priorty:priority prioirty:priority priotity:priority urgnet:urgent \
    urgant:urgent importnat:important imporant:important thrid:third secnd:second scond:second wk:week \
    wks:weeks mins:minutes min:minutes hr:hour hrs:hours reschedual:reschedule reshedule:reschedule \
    rescedule:reschedule reschdule:reschedule taks:task tsk:task tasl:task taskk:task tasls:tasks \
    mornin:morning morining:morning evenin:evening aftenoon:afternoon afternon:afternoon wednsday:wednesday \
    wensday:wednesday wendsday:wednesday thursady:thursday thrusday:thursday firday:friday fridya:friday \
    saturady:saturday tuseday:tuesday tuesay:tuesday mondya:monday sundya:sunday febuary:february \
    recuring:recurring reopne:reopen renmae:rename";

/// Splits `text` into tokens.
pub(crate) fn tokenise(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |(pos, _)| *pos);
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if let Some(close) = closing_quote(&chars, i) {
            let (from, to) = (end_of(i + 1), chars[close].0);
            let inner = text[from..to].trim();
            if !inner.is_empty() {
                let offset = text[from..to].find(inner).unwrap_or(0);
                tokens.push(Token {
                    norm: inner.to_lowercase(),
                    kind: Kind::Quoted,
                    start: from + offset,
                    end: from + offset + inner.len(),
                });
            }
            i = close + 1;
        } else if c == '#' && chars.get(i + 1).is_some_and(|(_, n)| n.is_alphanumeric()) {
            let stop = word_end(&chars, i + 1);
            let word = &text[end_of(i + 1)..end_of(stop)];
            tokens.push(Token {
                norm: word.to_lowercase(),
                kind: Kind::Hashtag,
                start,
                end: end_of(stop),
            });
            i = stop;
        } else if let Some(stop) = dotted_meridiem(&chars, i) {
            // "3 p.m.", "9 a.m.": the same as "pm" and "am".
            tokens.push(Token {
                norm: format!("{}m", chars[i].1.to_ascii_lowercase()),
                kind: Kind::Word,
                start,
                end: end_of(stop),
            });
            i = stop;
        } else if c.is_alphanumeric() {
            let stop = word_end(&chars, i);
            push_word(&mut tokens, text, start, end_of(stop));
            i = stop;
        } else {
            let norm = if matches!(c, '’' | '‘') {
                "'".to_owned()
            } else {
                c.to_string()
            };
            tokens.push(Token {
                norm,
                kind: Kind::Punct,
                start,
                end: end_of(i + 1),
            });
            i += 1;
        }
    }
    tokens
}

/// The index after "a.m." or "p.m." (either case, final dot optional) starting a word at `i`.
fn dotted_meridiem(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let at = |j: usize| chars.get(j).map(|(_, c)| c.to_ascii_lowercase());
    let starts_word = i == 0 || !chars[i - 1].1.is_alphanumeric();
    let shape = matches!(at(i), Some('a' | 'p')) && at(i + 1) == Some('.') && at(i + 2) == Some('m');
    if !starts_word || !shape {
        return None;
    }
    let stop = if at(i + 3) == Some('.') { i + 4 } else { i + 3 };
    at(stop).is_none_or(|c| !c.is_alphanumeric()).then_some(stop)
}

/// The index of the quote closing the one at `i`, if `i` opens a quotation. A single quote only
/// opens at the start of a word and closes at the end of one, so apostrophes stay inside words.
fn closing_quote(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let c = chars[i].1;
    let double = matches!(c, '"' | '“' | '”');
    let single = matches!(c, '\'' | '‘' | '’');
    if !double && !single {
        return None;
    }
    let after_space = i == 0 || !chars[i - 1].1.is_alphanumeric();
    if single && (!after_space || chars.get(i + 1).is_none_or(|(_, n)| n.is_whitespace())) {
        return None;
    }
    (i + 1..chars.len()).find(|&j| {
        let q = chars[j].1;
        if double {
            matches!(q, '"' | '“' | '”')
        } else {
            matches!(q, '\'' | '’' | '‘') && chars.get(j + 1).is_none_or(|(_, n)| !n.is_alphanumeric())
        }
    })
}

/// The index after the word starting at `i`: inner `'` and `-` join letters, and `:`, `.`, `/`
/// join digits ("14:30", "5.30").
fn word_end(chars: &[(usize, char)], mut i: usize) -> usize {
    while i < chars.len() {
        let c = chars[i].1;
        let next = chars.get(i + 1).map(|(_, n)| *n);
        let prev = i.checked_sub(1).map(|p| chars[p].1);
        let joins = match c {
            _ if c.is_alphanumeric() => true,
            '\'' | '’' | '-' => next.is_some_and(char::is_alphanumeric),
            ':' | '.' | '/' => next.is_some_and(|n| n.is_ascii_digit()) && prev.is_some_and(|p| p.is_ascii_digit()),
            _ => false,
        };
        if !joins {
            break;
        }
        i += 1;
    }
    i
}

/// Pushes a word, splitting a trailing `am`/`pm` off a clock time ("5pm" is "5" "pm").
fn push_word(tokens: &mut Vec<Token>, text: &str, start: usize, end: usize) {
    let word = text[start..end].to_lowercase().replace('’', "'");
    let split = ["am", "pm"].iter().find_map(|suffix| {
        let stem = word.strip_suffix(suffix)?;
        let clock = !stem.is_empty() && stem.len() <= 5 && stem.bytes().all(|b| b.is_ascii_digit() || b == b':');
        clock.then_some(stem.len())
    });
    if let Some(at) = split {
        push_word(tokens, text, start, start + at);
        tokens.push(Token {
            norm: word[at..].to_owned(),
            kind: Kind::Word,
            start: start + at,
            end,
        });
        return;
    }
    if let Some(stem) = word
        .strip_suffix("'s")
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
    {
        push_word(tokens, text, start, start + stem.len());
        tokens.push(Token {
            norm: "'s".to_owned(),
            kind: Kind::Word,
            start: start + stem.len(),
            end,
        });
        return;
    }
    let kind = if word.bytes().all(|b| b.is_ascii_digit()) {
        Kind::Number
    } else {
        Kind::Word
    };
    let norm = TYPOS
        .split_whitespace()
        .find_map(|pair| pair.split_once(':').filter(|(typo, _)| *typo == word))
        .map_or(word, |(_, right)| right.to_owned());
    tokens.push(Token { norm, kind, start, end });
}

#[cfg(test)]
mod tests;
