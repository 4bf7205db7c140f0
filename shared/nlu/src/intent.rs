//! Decides what a command is for, from its leading verb ("add", "show", "mark … as done",
//! "reschedule") or, without one, from how it is phrased ("task 4 is done", "what's due
//! today?", "that one isn't done yet"). It claims the words that only said the intent, so they
//! do not end up in a title; the slots are read afterwards by the intent's own extractor.

use crate::message::Message;
use crate::types::{Field, Intent};
use crate::{cues, list_question, location, statement, verbs};

/// The intent of a command and how the slot extractors should read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cue {
    pub(crate) intent: Intent,
    pub(crate) confidence: f32,
    /// Tags named are removed ("remove the home tag", "untag").
    pub(crate) removing: bool,
    /// The new value is the title, taken literally ("rename … to …").
    pub(crate) rename: bool,
    /// The new value is the description ("add a note to task 4: …").
    pub(crate) describe: bool,
    /// A field to clear ("remove the due date", "stop repeating").
    pub(crate) clear: Option<Field>,
    /// "do i have …", "is there …": a list question whose leftover words are a search.
    pub(crate) existence: bool,
    /// "how's my day looking": a list of what is due then, said as a date ("today").
    pub(crate) outlook: Option<&'static str>,
    /// "what's next": a list of what is still to do.
    pub(crate) pending: bool,
    /// "replace X with Y": the new name follows "with".
    pub(crate) replacing: bool,
    /// No words said what to do: an add read from what the message holds ("pay rent friday").
    pub(crate) guessed: bool,
    /// "when is my next meeting": only the soonest of what the list finds.
    pub(crate) soonest: bool,
    /// "when is my physio": a time is asked, so only tasks with a due time answer it.
    pub(crate) dated: bool,
}

impl Cue {
    pub(crate) fn new(intent: Intent, confidence: f32) -> Self {
        Self {
            intent,
            confidence,
            removing: false,
            rename: false,
            describe: false,
            clear: None,
            existence: false,
            outlook: None,
            pending: false,
            replacing: false,
            guessed: false,
            soonest: false,
            dated: false,
        }
    }
}

/// Leading words that only make a request polite or chatty.
const PADDING: &[&str] = &[
    "hey|hi|hello|ok|okay|so|oh|oops|um|uh|well|actually|please|kindly|just|quickly|alright|yo|hmm|and|also|then|now|right",
    "alexa|siri|google|cortana|assistant|bot|computer|olly",
    "could|can|would|will you please?",
    "i want|need you to",
    "you can|could|may",
    "i'd like you to",
    "i would like you to",
    "go ahead and",
    "help me",
    "i'm|we're wondering|curious",
    "i|we am|was|are|were wondering|curious",
    "i|we wonder",
    "sure|great|cool|perfect|fine|excellent|awesome|good|thanks ,|.|!",
    ",|!|.|-",
];
/// Trailing words of the same kind.
const TRAILING: &[&str] = &[
    "please|thanks|thx|cheers|actually|anyway|though|!|?|.",
    "thank you",
    "for me",
    "thanks a lot",
    "thank you very much",
    "can|could|will|would you remind me",
    "please? remind me",
    ", set|do that|it up?",
];

/// Claims polite padding at both ends of the message.
pub(crate) fn strip_padding(m: &mut Message<'_>) {
    loop {
        let Some(head) = (0..m.len()).find(|&i| m.is_free(i)) else {
            return;
        };
        let Some(end) = PADDING.iter().find_map(|pattern| m.at(head, pattern)) else {
            break;
        };
        if !(end..m.len()).any(|i| m.is_free_word(i)) {
            break;
        }
        m.take(head..end);
    }
    loop {
        let Some(last) = (0..m.len()).rev().find(|&i| m.is_free(i)) else {
            return;
        };
        let found = TRAILING.iter().find_map(|pattern| {
            let length = pattern.split(' ').count();
            let start = (last + 1).checked_sub(length)?;
            (m.at(start, pattern) == Some(last + 1)).then_some(start)
        });
        match found {
            Some(start) if (0..start).any(|i| m.is_free_word(i)) => m.take(start..last + 1),
            _ => break,
        }
    }
}

/// The intent of the command in `m`, claiming the words that said it.
pub(crate) fn classify(m: &mut Message<'_>) -> Cue {
    strip_padding(m);
    let Some(head) = m.first_free_word() else {
        return Cue::new(Intent::Unknown, 0.1);
    };
    cues::take_fillers(m);
    let question = m.clone();
    let places = location::take(m);
    // "i want to take the 8am meeting … off my calendar": the verb may follow a wish.
    let taken_off = || {
        let words: Vec<usize> = (head..m.len()).filter(|&i| m.is_free_word(i)).take(4).collect();
        words.into_iter().find_map(|i| {
            let mut tried = m.clone();
            let found = verbs::taken_off(&mut tried, i)?;
            tried.take(head..i);
            Some((tried, found))
        })
    };
    let cue = places
        .leaving
        .then(taken_off)
        .flatten()
        .map(|(tried, found)| {
            *m = tried;
            found
        })
        .or_else(|| placed(m, places))
        // "on my to dos remove mop kitchen": the command follows the place said first.
        .unwrap_or_else(|| detect(m, m.first_free_word().unwrap_or(head)));
    // Read as a question about the list when it read as nothing, or as an add or change that
    // was only a question ("will an oil change be on my to-do list tomorrow").
    let mut asked = question;
    let cue = match cue.intent {
        Intent::Unknown | Intent::Add | Intent::Update if !places.leaving => {
            match list_question::about_the_list(&mut asked) {
                Some(list) => {
                    *m = asked;
                    list
                }
                None => cue,
            }
        }
        _ => cue,
    };
    cues::take_echoes(m, cue.intent);
    cue
}

/// "throw mopping onto my to do list", "i need to include a stop at the pharmacy to the list": a
/// task put in its place is added, and the verb that put it there is not part of its title.
fn placed(m: &mut Message<'_>, places: location::Places) -> Option<Cue> {
    if !places.arriving {
        return None;
    }
    if location::take_placing_verb(m).is_some() {
        return Some(Cue::new(Intent::Add, 0.85));
    }
    let head = m.first_free_word()?;
    // "make sure that mopping is on my to do list", "be sure to put folding laundry on my list".
    if let Some(end) = m.at(head, "make|be sure that|to?") {
        m.take(head..end);
        location::take_placing_verb(m);
        return Some(Cue::new(Intent::Add, 0.8));
    }
    // "cleaning needs to be on my to do list": nothing else is asked.
    let mut probe = m.clone();
    if detect(&mut probe, head).intent == Intent::Unknown {
        return Some(Cue::new(Intent::Add, 0.7));
    }
    let mut tried = m.clone();
    let cue = verbs::at_head(&mut tried, head).filter(|cue| cue.intent == Intent::Add)?;
    location::take_placing_verb(&mut tried);
    *m = tried;
    Some(cue)
}

fn detect(m: &mut Message<'_>, head: usize) -> Cue {
    if let Some(cue) = cues::stop_repeating(m)
        .or_else(|| cues::note_for(m))
        .or_else(|| cues::outlook(m))
        .or_else(|| cues::next_up(m))
        .or_else(|| cues::back_on_the_list(m))
        .or_else(|| cues::not_done_after_all(m))
        .or_else(|| cues::list_only(m))
    {
        return cue;
    }
    if let Some(cue) = verbs::at_head(m, head) {
        return cue;
    }
    if let Some(cue) = statement::statement(m) {
        return cue;
    }
    // A time may come first: "every monday at 9 remind me to water the plants".
    if let Some(i) = (head + 1..m.len()).find(|&i| verbs::is_add_request(m, i))
        && let Some(cue) = verbs::at_head(m, i)
    {
        return cue;
    }
    // A later clause may carry the command: "i don't need it anymore, delete it".
    for i in head + 1..m.len() {
        if cues::clause_start(m, i)
            && let Some(cue) = verbs::at_head(m, i)
        {
            return Cue {
                confidence: cue.confidence - 0.1,
                ..cue
            };
        }
    }
    cues::fallback(m)
}

#[cfg(test)]
mod tests;
