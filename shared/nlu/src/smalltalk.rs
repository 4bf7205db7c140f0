//! Whole-message replies that are not commands: "yes" and "sure do it" (confirm), "no" and
//! "never mind" (deny), "hi" and "thanks" (greeting), "help" and "what can you do?" (help).
//! They are recognised only when the message is nothing but that: "yes, delete it" confirms,
//! "cancel the dentist task" deletes, "cancel" alone denies.

use crate::message::{Message, listed};
use crate::types::Intent;

const YES: &str = "yes y yep yeah yup ya yea yass sure ok okay k kk confirm confirmed absolutely definitely correct \
    affirmative exactly indeed certainly alright";
const YES_PHRASES: &[&str] = &[
    "do it",
    "go ahead",
    "go for it",
    "sounds good",
    "of course",
    "please do",
    "that's right",
    "that's correct",
    "proceed",
    "let's do it",
    "make it so",
    "yes please",
];
const YES_REST: &str = "please do it go ahead for that's right correct sure ok okay yes yeah delete remove complete that \
    one thanks exactly definitely absolutely sounds good fine perfect great proceed confirm confirmed them all thing \
    is and";
const NO: &str = "no n nope nah cancel abort stop don't negative nevermind wait";
const NO_PHRASES: &[&str] = &[
    "never mind",
    "forget it",
    "not now",
    "no way",
    "do not",
    "keep it",
    "leave it",
    "scratch that",
    "hold on",
    "hang on",
];
const NO_REST: &str = "thanks thank you don't do that it keep no wait mind please not now cancel stop never forget leave \
    abort way actually them as is thing delete remove on";
const HELLO: &str = "hi hello hey hiya howdy yo greetings morning evening afternoon sup heya hallo hola thanks thank \
    cheers";
const HELLO_REST: &str = "there you so much a lot how are doing bot friend again very all everyone buddy what's up \
    guys mate man ok good today";
const HELP_PHRASES: &[&str] = &[
    "what can you do",
    "what can i say",
    "what can i do",
    "what do you do",
    "how does this work",
    "how does it work",
    "what commands",
    "commands",
    "i'm confused",
    "i'm lost",
    "i don't understand",
    "show me what you can do",
    "what are you",
    "instructions",
    "usage",
    "how do i",
    "how can i",
    "how to use",
    "what should i say",
    "what can you help",
    "what can i ask",
    "how do you work",
    "what do you understand",
    "what do you know",
];

/// The small-talk intent of the whole message, if it is only small talk.
pub(crate) fn classify(m: &Message<'_>) -> Option<(Intent, f32)> {
    let words: Vec<&str> = (0..m.len()).filter(|&i| m.is_word_like(i)).map(|i| m.word(i)).collect();
    let Some((first, rest)) = words.split_first() else {
        let has = |symbols: &str| (0..m.len()).any(|i| symbols.contains(m.word(i)));
        return Some(if has("👍👌✅") {
            (Intent::Confirm, 0.8)
        } else if has("👎❌") {
            (Intent::Deny, 0.8)
        } else if has("?") {
            (Intent::Help, 0.8)
        } else {
            (Intent::Unknown, 0.0)
        });
    };
    let starts = |phrases: &[&str]| {
        phrases.iter().find_map(|phrase| {
            let phrase: Vec<&str> = phrase.split(' ').collect();
            words.starts_with(&phrase).then(|| &words[phrase.len()..])
        })
    };
    let only = |rest: &[&str], allowed: &str| rest.iter().all(|w| listed(allowed, w));
    if *first == "help" && only(rest, "me please with this out") || starts(HELP_PHRASES).is_some() {
        return Some((Intent::Help, 0.9));
    }
    if listed(YES, first) && only(rest, YES_REST) || starts(YES_PHRASES).is_some_and(|rest| only(rest, YES_REST)) {
        return Some((Intent::Confirm, if rest.len() > 3 { 0.8 } else { 0.95 }));
    }
    if listed(NO, first) && only(rest, NO_REST) || starts(NO_PHRASES).is_some_and(|rest| only(rest, NO_REST)) {
        return Some((Intent::Deny, if rest.len() > 3 { 0.8 } else { 0.95 }));
    }
    let greeting = starts(&[
        "good morning",
        "good afternoon",
        "good evening",
        "good day",
        "good night",
    ]);
    if listed(HELLO, first) && only(rest, HELLO_REST) || greeting.is_some_and(|rest| only(rest, HELLO_REST)) {
        return Some((Intent::Greeting, 0.9));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(text: &str) -> Option<Intent> {
        classify(&Message::new(text)).map(|(intent, _)| intent)
    }

    #[test]
    fn short_answers_confirm_or_deny() {
        assert_eq!(intent("Yes, delete it"), Some(Intent::Confirm));
        assert_eq!(intent("sure do it"), Some(Intent::Confirm));
        assert_eq!(intent("never mind"), Some(Intent::Deny));
        assert_eq!(intent("No, keep it"), Some(Intent::Deny));
    }

    #[test]
    fn commands_that_start_like_answers_are_not_answers() {
        assert_eq!(intent("cancel the dentist appointment"), None);
        assert_eq!(intent("ok add milk"), None);
        assert_eq!(intent("stop repeating the gym task"), None);
    }

    #[test]
    fn greetings_and_help() {
        assert_eq!(intent("Hi there, how are you?"), Some(Intent::Greeting));
        assert_eq!(intent("good morning"), Some(Intent::Greeting));
        assert_eq!(intent("how do i add a task?"), Some(Intent::Help));
        assert_eq!(intent("?"), Some(Intent::Help));
    }
}
