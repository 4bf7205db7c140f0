//! A message read in the light of the question the assistant asked last: "which one do you mean?"
//! ([`Pending::Clarify`]) is answered by a task ("2", "the second one", "the milk one") for the
//! original command; "which task should I delete?" ([`Pending::Missing`]) by the rest of the
//! command (see [`super::missing`]). Anything else is read on its own.

use todo_nlu::{self as nlu, Intent, Understanding};

use super::missing;
use super::state::Pending;

/// What `message` means after `pending`, and the text of the command acted on (the message, or
/// the command it completes).
pub(super) fn understand_in_context(
    message: &str,
    pending: Option<&Pending>,
    ctx: &nlu::Context,
    threshold: f32,
) -> (Understanding, String) {
    let mut understanding = nlu::understand(message, ctx);
    match pending {
        Some(Pending::Clarify { message: original }) => {
            let asked = nlu::understand(original, ctx);
            // The question numbered its options: a bare "2" picks the second; "the milk one"
            // or "the second one" is read as a task even though it commands nothing.
            if let Ok(position) = message.trim().trim_end_matches('.').parse::<i32>() {
                understanding.target = Some(nlu::TaskRef::Position { position });
            } else if understanding.intent == Intent::Unknown && understanding.target.is_none() {
                understanding.target = nlu::reference(message, ctx, asked.intent);
            }
            // An answer to "which one?" names a task; the action is the original message's.
            let answers = understanding.target.is_some()
                && matches!(understanding.intent, Intent::Unknown | Intent::Confirm)
                || understanding.confidence < threshold && understanding.target.is_some();
            if answers {
                // "task 2" there is the second option too, not task #2.
                let target = match understanding.target.clone() {
                    Some(nlu::TaskRef::Number { number }) => i32::try_from(number)
                        .ok()
                        .map(|position| nlu::TaskRef::Position { position }),
                    other => other,
                };
                understanding = Understanding { target, ..asked };
            }
            (understanding, message.to_owned())
        }
        Some(Pending::Missing { message: original }) => {
            match missing::completed(original, message, &understanding, ctx, threshold) {
                Some((completed, text)) => (completed, text),
                None => (understanding, message.to_owned()),
            }
        }
        _ => (understanding, message.to_owned()),
    }
}
