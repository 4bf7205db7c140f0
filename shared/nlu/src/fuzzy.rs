//! Typo-tolerant word matching for task titles: "grocries" finds "Buy groceries", "meetings"
//! finds "Team meeting". Scores are deterministic so the resolver can rank and tie candidates.

/// Edit distance with adjacent transpositions (optimal string alignment), on characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// The word without a plural ending: "groceries" → "grocery", "meetings" → "meeting".
pub(crate) fn stem(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies").filter(|s| s.len() >= 3) {
        return format!("{stem}y");
    }
    match word.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_owned(),
        _ => word.to_owned(),
    }
}

/// Past forms and participles that no suffix rule undoes, with their base form.
const IRREGULAR: &[(&str, &str)] = &[
    ("ate", "eat"),
    ("bought", "buy"),
    ("brought", "bring"),
    ("built", "build"),
    ("came", "come"),
    ("caught", "catch"),
    ("dealt", "deal"),
    ("did", "do"),
    ("doing", "do"),
    ("done", "do"),
    ("drank", "drink"),
    ("drawn", "draw"),
    ("drew", "draw"),
    ("drove", "drive"),
    ("eaten", "eat"),
    ("fed", "feed"),
    ("found", "find"),
    ("gave", "give"),
    ("given", "give"),
    ("going", "go"),
    ("gone", "go"),
    ("got", "get"),
    ("gotten", "get"),
    ("had", "have"),
    ("hung", "hang"),
    ("kept", "keep"),
    ("left", "leave"),
    ("lent", "lend"),
    ("made", "make"),
    ("met", "meet"),
    ("paid", "pay"),
    ("put", "put"),
    ("ran", "run"),
    ("rang", "ring"),
    ("read", "read"),
    ("rode", "ride"),
    ("rung", "ring"),
    ("sent", "send"),
    ("sold", "sell"),
    ("spent", "spend"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("swam", "swim"),
    ("swept", "sweep"),
    ("taken", "take"),
    ("taught", "teach"),
    ("thought", "think"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("told", "tell"),
    ("took", "take"),
    ("used", "use"),
    ("went", "go"),
    ("woke", "wake"),
    ("won", "win"),
    ("wore", "wear"),
    ("written", "write"),
    ("wrote", "write"),
];

/// The root of a word, so that its forms compare equal: "walking", "walked" and "walks" give
/// "walk"; "call" and "called" give "cal"; "paid" gives "pay"; "make" and "making" give "mak".
/// Not a dictionary form, only the same string for the forms of one word (English, regular
/// endings and the common irregular pasts).
pub(crate) fn root(word: &str) -> String {
    let base = IRREGULAR
        .iter()
        .find(|(form, _)| *form == word)
        .map_or(word, |(_, base)| base);
    let mut root = stem(base);
    let long_enough = |rest: &str| rest.chars().count() >= 3;
    if let Some(rest) = root.strip_suffix("ied").filter(|r| long_enough(r)) {
        root = format!("{rest}y");
    } else if let Some(rest) = root.strip_suffix("ing").filter(|r| long_enough(r)) {
        root = rest.to_owned();
    } else if let Some(rest) = root.strip_suffix("ed").filter(|r| long_enough(r) && !r.ends_with('e')) {
        root = rest.to_owned();
    }
    if let Some(rest) = root.strip_suffix('e').filter(|r| long_enough(r)) {
        root = rest.to_owned();
    }
    let chars: Vec<char> = root.chars().collect();
    if let [.., a, b] = chars.as_slice()
        && a == b
        && !"aeiou".contains(*b)
        && b.is_alphabetic()
    {
        root.pop();
    }
    root
}

/// Pasts that are also present forms, or that do not report a task as done.
const NOT_A_DEED: &str = "put read doing going left added created deleted removed changed updated edited moved \
    renamed rescheduled postponed tagged marked repeated need needed wanted";

/// True for a past form that can report a task as done at the head of a message ("called the
/// plumber", "paid rent", "fed the cat"): a common irregular past, or a regular "-ed" form.
pub(crate) fn is_past_form(word: &str) -> bool {
    if crate::message::listed(NOT_A_DEED, word) {
        return false;
    }
    let irregular = IRREGULAR.iter().any(|(form, _)| *form == word);
    irregular || word.ends_with("ed") && root(word) != stem(word)
}

/// A word with the forms it is compared by, computed once per word rather than per pair.
struct Forms {
    stem: String,
    root: String,
}

impl Forms {
    fn of(word: &str) -> Self {
        Self {
            stem: stem(word),
            root: root(word),
        }
    }
}

/// How well a query word matches a title word: 1 for the same word (up to plural or another
/// form of it: "walking" for "walk"), 0.8 for a prefix of at least 3 letters, 0.6 for a close
/// typo, 0 otherwise.
#[cfg(test)]
fn word_score(query: &str, word: &str) -> f32 {
    score(&Forms::of(query), &Forms::of(word))
}

/// Verbs people use for one another's tasks: "phoned the electrician" is "call the electrician".
const SYNONYMS: &[&[&str]] = &[
    &["call", "phone", "ring", "rang"],
    &["buy", "purchase", "bought"],
    &["email", "e-mail", "mail"],
    &["fix", "repair"],
    &["tidy", "clean"],
    &["finish", "complete"],
    &["talk", "speak", "spoke", "spoken", "chat"],
    &["book", "reserve"],
];

/// The roots of each synonym group's words, made once: words are compared by root.
static SYNONYM_ROOTS: std::sync::LazyLock<Vec<Vec<String>>> = std::sync::LazyLock::new(|| {
    SYNONYMS
        .iter()
        .map(|group| group.iter().map(|word| root(word)).collect())
        .collect()
});

/// True when two roots are of words of one synonym group.
fn synonyms(a: &str, b: &str) -> bool {
    SYNONYM_ROOTS
        .iter()
        .any(|group| group.iter().any(|r| r == a) && group.iter().any(|r| r == b))
}

fn score(query: &Forms, word: &Forms) -> f32 {
    if query.root == word.root {
        return 1.0;
    }
    if synonyms(&query.root, &word.root) {
        return 0.9;
    }
    let (query, word) = (&query.stem, &word.stem);
    if query.chars().count() >= 3 && word.starts_with(query.as_str()) {
        return 0.8;
    }
    let allowed = match query.chars().count() {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    };
    if allowed > 0 && distance(query, word) <= allowed {
        0.6
    } else {
        0.0
    }
}

/// How much of `title` the words of `query` cover: the mean, over the title's telling words, of
/// each one's best score against any word of the query. For a reference that says more than the
/// title ("picked up the dry cleaning on the way home" for "pick up dry cleaning"), which
/// [`title_score`] refuses because some of its words are not in the title.
pub(crate) fn coverage(query: &str, title: &str) -> f32 {
    let all = words(title);
    let title_words = telling(&all);
    if title_words.is_empty() {
        return 0.0;
    }
    let query_forms: Vec<Forms> = words(query).iter().map(|w| Forms::of(w)).collect();
    let total: f32 = title_words
        .iter()
        .map(|word| {
            let forms = Forms::of(word);
            query_forms.iter().map(|q| score(q, &forms)).fold(0.0, f32::max)
        })
        .sum();
    #[allow(clippy::cast_precision_loss)] // a handful of words
    let mean = total / title_words.len() as f32;
    mean
}

/// Whether a search for `query` finds `title` by its words, in any of their forms ("cutting the
/// grass" finds "cut the grass"), or by most of the title's words when the query says more
/// ("birthday party on my calendar" finds "sarah's birthday party").
pub fn text_matches(query: &str, title: &str) -> bool {
    title_score(query, title) >= 0.6 || coverage(query, title) > 0.55
}

/// Lower-case words of a text, without punctuation.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Words that say what kind of entry something is, not which one: "the event", "my next thing".
const KIND_WORDS: &str = "event events scheduled schedule entry entries thing things item items plan plans calendar \
    appointment appointments meeting meetings task tasks one ones something";

/// True when every word of `text` only says what kind of entry it is ("event scheduled").
pub(crate) fn only_kind_words(text: &str) -> bool {
    let words = words(text);
    !words.is_empty()
        && words
            .iter()
            .all(|w| crate::message::listed(KIND_WORDS, w) || crate::message::listed(WEAK, w))
}

/// Words too common to tell tasks apart; ignored in queries unless they are all there is. Words
/// for an entry in general ("dinner plans", "the lunch event") are among them.
const WEAK: &str = "the a an my to for of and with on at in event events plan plans entry entries item items";

/// The words that tell tasks apart, or all of them when none does.
fn telling(all: &[String]) -> Vec<&String> {
    let strong: Vec<&String> = all.iter().filter(|w| !crate::message::listed(WEAK, w)).collect();
    if strong.is_empty() {
        all.iter().collect()
    } else {
        strong
    }
}

/// How well `query` matches `title`: the mean of each query word's best score, or 0 when any
/// query word matches nothing.
pub(crate) fn title_score(query: &str, title: &str) -> f32 {
    let title_words = words(title);
    let all = words(query);
    let query_words = telling(&all);
    if query_words.is_empty() {
        return 0.0;
    }
    let title_forms: Vec<Forms> = title_words.iter().map(|w| Forms::of(w)).collect();
    let mut total = 0.0;
    for query_word in &query_words {
        let query_forms = Forms::of(query_word);
        let best = title_forms.iter().map(|w| score(&query_forms, w)).fold(0.0, f32::max);
        if best == 0.0 {
            return 0.0;
        }
        total += best;
    }
    #[allow(clippy::cast_precision_loss)] // a handful of words
    let mean = total / query_words.len() as f32;
    mean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_a_transposition_as_one_edit() {
        assert_eq!(distance("compelte", "complete"), 1);
        assert_eq!(distance("grocries", "groceries"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn plural_prefix_and_typo_matches_are_scored_in_that_order() {
        assert!((word_score("meetings", "meeting") - 1.0).abs() < f32::EPSILON);
        assert!((word_score("groc", "groceries") - 0.8).abs() < f32::EPSILON);
        assert!((word_score("grocries", "groceries") - 0.6).abs() < f32::EPSILON);
        assert!(word_score("cat", "car").abs() < f32::EPSILON);
    }

    #[test]
    fn the_forms_of_a_word_share_its_root() {
        let forms: &[&[&str]] = &[
            &["walk", "walks", "walked", "walking"],
            &["call", "calls", "called", "calling"],
            &["make", "makes", "made", "making"],
            &["pay", "pays", "paid", "paying"],
            &["run", "runs", "ran", "running"],
            &["wash", "washes", "washed", "washing"],
            &["carry", "carries", "carried", "carrying"],
            &["feed", "feeds", "fed", "feeding"],
            &["need", "needs", "needed", "needing"],
            &["buy", "buys", "bought", "buying"],
            &["dish", "dishes"],
            &["grocery", "groceries"],
        ];
        for words in forms {
            let roots: Vec<String> = words.iter().map(|w| root(w)).collect();
            assert!(roots.iter().all(|r| *r == roots[0]), "{words:?} -> {roots:?}");
        }
        for (a, b) in [("walk", "wake"), ("bed", "be"), ("call", "calendar"), ("thing", "thin")] {
            assert_ne!(root(a), root(b), "{a} / {b}");
        }
    }

    #[test]
    fn a_task_is_found_from_another_form_of_its_words() {
        assert!((title_score("walking the dog", "walk the dog") - 1.0).abs() < f32::EPSILON);
        assert!((title_score("called the plumber", "Call the plumber") - 1.0).abs() < f32::EPSILON);
        assert!((title_score("paid the electric bill", "pay electric bill") - 1.0).abs() < f32::EPSILON);
        assert!(title_score("calling mom", "Call the plumber").abs() < f32::EPSILON);
    }

    #[test]
    fn synonyms_match_in_any_of_their_forms() {
        assert!(title_score("phoned the electrician", "call the electrician") > 0.9);
        assert!(title_score("spoke to the landlord", "talk to the landlord") > 0.9);
        assert!(title_score("purchased paint", "buy paint") > 0.9);
        assert!(title_score("phoned the electrician", "pay the electrician").abs() < f32::EPSILON);
    }

    #[test]
    fn every_query_word_must_match_the_title() {
        assert!(title_score("the groceries", "Buy groceries") > 0.9);
        assert!(title_score("call mom", "Call Mom tonight") > 0.9);
        assert!(title_score("call dad", "Call Mom tonight").abs() < f32::EPSILON);
    }
}
