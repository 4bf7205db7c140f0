use super::*;

fn norms(text: &str) -> Vec<String> {
    tokenise(text).into_iter().map(|t| t.norm).collect()
}

#[test]
fn words_are_lower_cased_and_punctuation_stands_alone() {
    assert_eq!(norms("Add Milk, please!"), ["add", "milk", ",", "please", "!"]);
}

#[test]
fn typos_and_shorthand_are_corrected() {
    assert_eq!(norms("compelte tmrw pls"), ["complete", "tomorrow", "please"]);
}

#[test]
fn clock_times_keep_their_colon_and_lose_their_meridiem_suffix() {
    assert_eq!(
        norms("at 5pm or 14:30 or 9:30am"),
        ["at", "5", "pm", "or", "14:30", "or", "9:30", "am"]
    );
}

#[test]
fn apostrophes_and_hyphens_stay_inside_words() {
    assert_eq!(norms("what's re-open doctor's"), ["what's", "re-open", "doctor's"]);
}

#[test]
fn quoted_text_is_one_literal_token_with_its_original_span() {
    let text = "Change task 1 to 'Call mom tonight'";
    let tokens = tokenise(text);
    let quoted = tokens.last().expect("a token");
    assert_eq!(quoted.kind, Kind::Quoted);
    assert_eq!(&text[quoted.start..quoted.end], "Call mom tonight");
}

#[test]
fn hashtags_carry_their_word_without_the_hash() {
    let tokens = tokenise("#Work and #3");
    assert_eq!((tokens[0].kind, tokens[0].norm.as_str()), (Kind::Hashtag, "work"));
    assert_eq!((tokens[2].kind, tokens[2].norm.as_str()), (Kind::Hashtag, "3"));
}

#[test]
fn iso_dates_and_uuids_are_single_words() {
    assert_eq!(norms("2026-12-01 7d4e1f20-5b6a"), ["2026-12-01", "7d4e1f20-5b6a"]);
}

#[test]
fn dotted_meridiems_are_am_and_pm() {
    assert_eq!(norms("at 3 p.m. tomorrow"), ["at", "3", "pm", "tomorrow"]);
    assert_eq!(norms("9 A.M."), ["9", "am"]);
    // Not inside a word.
    assert_eq!(norms("map.m"), ["map", ".", "m"]);
}
