//! `todo chat`: one message (`todo chat "add milk tomorrow"`), or a conversation with line editing
//! and history. The session id is kept in the data directory, so consecutive `todo chat` calls
//! continue one conversation ("show my tasks", then "mark the second one done"); an expired or
//! unknown session is replaced by a new one without bothering the user.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;
use serde_json::{Value, json};

use crate::args::ChatArgs;
use crate::client::Client;
use crate::time_zone::system_time_zone;

fn session_file(data_dir: &Path) -> PathBuf {
    data_dir.join("chat.session")
}

struct Conversation<'a> {
    client: &'a Client,
    file: PathBuf,
    session: Option<String>,
    timezone: Option<String>,
    json: bool,
}

impl Conversation<'_> {
    /// Sends one message, starting a new session when the old one is gone.
    async fn say(&mut self, message: &str) -> anyhow::Result<Value> {
        for _ in 0..2 {
            let mut body = json!({ "message": message });
            if let Some(id) = &self.session {
                body["session_id"] = json!(id);
            }
            let headers: Vec<(&str, String)> = self.timezone.iter().map(|tz| ("x-timezone", tz.clone())).collect();
            let (status, answer) = self.client.post_raw("/api/chat", &body, &headers).await?;
            match status {
                s if s.is_success() => {
                    if let Some(id) = answer["session_id"]
                        .as_str()
                        .filter(|id| self.session.as_deref() != Some(*id))
                    {
                        self.session = Some(id.to_owned());
                        // Losing the file only loses the conversation's memory, never a task.
                        let _ = std::fs::write(&self.file, id);
                    }
                    return Ok(answer);
                }
                StatusCode::NOT_FOUND | StatusCode::GONE if self.session.is_some() => self.session = None,
                _ => anyhow::bail!(Client::problem(status, &answer)),
            }
        }
        anyhow::bail!("the chat could not start a session")
    }

    fn print(&self, answer: &Value) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(answer).unwrap_or_default());
        } else {
            println!("{}", answer["reply"].as_str().unwrap_or_default());
        }
    }
}

/// Runs `todo chat`.
///
/// # Errors
/// When the server cannot be reached or refuses the message.
pub(crate) async fn run(client: &Client, data_dir: &Path, args: ChatArgs) -> anyhow::Result<()> {
    let file = session_file(data_dir);
    let session = if args.new {
        None
    } else {
        std::fs::read_to_string(&file)
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let mut conversation = Conversation {
        client,
        file,
        session,
        timezone: args.timezone.clone().or_else(system_time_zone),
        json: args.json,
    };
    if !args.message.is_empty() {
        let answer = conversation.say(&args.message.join(" ")).await?;
        conversation.print(&answer);
        return Ok(());
    }
    interactive(&mut conversation, data_dir).await
}

async fn interactive(conversation: &mut Conversation<'_>, data_dir: &Path) -> anyhow::Result<()> {
    let mut editor = DefaultEditor::new()?;
    let history = data_dir.join("chat.history");
    let _ = editor.load_history(&history);
    println!("Chat with your to-do list (\"help\" for examples, Ctrl-D or \"exit\" to leave).");
    loop {
        let line = match editor.readline("you> ") {
            Ok(line) => line,
            Err(ReadlineError::Interrupted | ReadlineError::Eof) => break,
            Err(error) => return Err(error.into()),
        };
        let message = line.trim();
        if message.is_empty() {
            continue;
        }
        if matches!(message, "exit" | "quit" | "bye") {
            break;
        }
        let _ = editor.add_history_entry(message);
        match conversation.say(message).await {
            Ok(answer) => conversation.print(&answer),
            Err(error) => eprintln!("error: {error:#}"),
        }
    }
    if std::fs::create_dir_all(data_dir).is_ok() {
        let _ = editor.save_history(&history);
    }
    Ok(())
}
