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
    "tell me what you can do",
    "what sorts of tasks can you do",
    "give me examples of what to ask",
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
    if is_small_talk(&words) {
        return Some((Intent::Greeting, 0.85));
    }
    if asks_what_i_can_do(&words) {
        return Some((Intent::Help, 0.85));
    }
    None
}

/// Every word of "how's everything", "are you doing okay", "hello, anyone there", "it's good to
/// see you, ai".
const SMALL_TALK: &str = "hi hello hey hiya howdy yo ahoy hoy greetings sup heya how how's hows how're are is you things \
    everything it going doing been have goes life your well okay ok alright fine nice good great see meet to with for \
    fellow ai siri alexa bot assistant anyone there wake up right now today it's what's whats up again you're all \
    tell me i i'd would like want need know let will the ya doin how've hanging treating wassup heyo salutations \
    new happening why morning day friend my so please";
/// Of which one must be there: the others alone ("is it", "are you") ask nothing of the kind.
const SMALL_TALK_ANCHORS: &str = "how how's hows how're going doing up okay ok see meet hello hi hey yo ahoy greetings \
    howdy been how've wassup heyo salutations doin";

/// A greeting or "how are you" with nothing about tasks in it.
fn is_small_talk(words: &[&str]) -> bool {
    words.iter().all(|w| listed(SMALL_TALK, w)) && words.iter().any(|w| listed(SMALL_TALK_ANCHORS, w))
}

/// Words that make a message about tasks, not about the assistant.
const TASK_WORDS: &str = "task tasks list lists todo todos to-do reminder reminders due today tomorrow week my add \
    delete complete remind remember reminded";
/// What people call what an assistant can do: "what kinds of questions can i ask you".
const ABILITIES: &str = "questions question queries topics subjects things kinds types sorts kind type sort \
    information stuff areas knowledge examples";
/// And what they say it does with them.
const ABILITY_VERBS: &str = "ask answer answers answering respond responses help know knowledgable knowledgeable \
    familiar versed accept permissible allowed capable able handle understand like excel experienced have";

/// "what kinds of questions can i ask you", "what things can you help me with", "tell me what
/// you are capable of answering": a question about the assistant itself.
fn asks_what_i_can_do(words: &[&str]) -> bool {
    if words.iter().any(|w| {
        listed(
            "commands features capabilities abilities skills functionalities functionality functions",
            w,
        )
    }) {
        return true;
    }
    // "can you tell me what i have on the 10th": what the person has is their list.
    let mine = words
        .windows(2)
        .any(|pair| listed("i we", pair[0]) && listed("have got", pair[1]));
    if mine || words.iter().any(|w| listed(TASK_WORDS, w)) {
        return false;
    }
    let to_me = words.iter().any(|w| listed("you you're your", w));
    // "what all can you do", but not "can you do the dishes".
    let verb = words.iter().any(|w| listed(ABILITY_VERBS, w)) || words.last() == Some(&"do");
    let noun = words.iter().any(|w| listed(ABILITIES, w));
    let asked = words
        .first()
        .is_some_and(|w| listed("what what's which tell can is how", w));
    asked && verb && (to_me || noun)
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
        assert_eq!(intent("how are things going"), Some(Intent::Greeting));
        assert_eq!(intent("hello, anyone there"), Some(Intent::Greeting));
        assert_eq!(intent("what kinds of questions can i ask you"), Some(Intent::Help));
        assert_eq!(intent("what all can you do"), Some(Intent::Help));
        assert_eq!(intent("i'd like to know how you are doing"), Some(Intent::Greeting));
        assert_eq!(intent("how've you been"), Some(Intent::Greeting));
        assert_eq!(intent("what subjects do you like"), Some(Intent::Help));
        assert_eq!(intent("tell me what you can do for me"), Some(Intent::Help));
        assert_eq!(intent("tell me your functionalities"), Some(Intent::Help));
        assert_eq!(intent("can you tell me what i have on the 10th"), None);
        // About tasks, not about the assistant.
        assert_eq!(intent("how's my day looking"), None);
        assert_eq!(intent("what do i have to do today"), None);
        assert_eq!(intent("what things are on my list"), None);
        assert_eq!(intent("can you do the dishes tomorrow"), None);
    }
}
