//! What the assistant can do, in a few lines, for the "help" intent.

/// A short guide to what can be said, with one example per kind of request.
pub fn help_text() -> &'static str {
    "I can keep your to-do list. Try:\n\
     - add: \"Add buy groceries tomorrow at 5pm #home\", \"remind me to pay rent every month on the 1st\"\n\
     - list: \"show my tasks\", \"what's due this week?\", \"anything overdue?\", \"what have I completed?\"\n\
     - search: \"find the dentist task\"\n\
     - complete or reopen: \"mark task 3 as done\", \"the second one isn't done yet\"\n\
     - change: \"move it to friday at 2pm\", \"make the report task urgent\", \"tag it work\", \"rename task 2 to call mom\"\n\
     - repeat: \"make it repeat every monday\", \"stop repeating the gym task\"\n\
     - delete: \"delete the meeting task\" (I ask before deleting)\n\
     Refer to tasks by number from the last list (\"task 3\", \"the last one\"), by name, or as \"it\"."
}
