//! What `todo serve` prints once it listens: where it is, what runs, and commands to try.

use std::path::Path;

use crate::dev_auth;

/// Prints how to use the server. Write errors are ignored: a server must not stop because the
/// terminal that started it went away.
pub(super) fn print_banner(
    url: &str,
    database_url: &str,
    bus: &str,
    data_dir: &Path,
    dev_token: bool,
    sign_in: Option<&str>,
) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    macro_rules! println {
        ($($arg:tt)*) => { let _ = writeln!(out, $($arg)*); };
    }
    let database = database_url.split('@').next_back().unwrap_or(database_url);
    println!("todo serve: listening on {url}");
    println!("  database: {database}");
    println!("  events:   {bus} (outbox relay, analytics, webhooks, scheduler, aiops and live stream running)");
    println!("  API docs: {url}/api/openapi.json");
    println!("  metrics:  {url}/metrics");
    if let Some(link) = sign_in {
        println!();
        println!("Open the web page (this link signs you in once; `todo web` prints a new one):");
        println!("  {link}");
        println!();
    }
    if dev_token {
        let token_file = dev_auth::token_path(data_dir);
        println!(
            "  token for user 'local': {} (the todo command uses it automatically)",
            token_file.display()
        );
        println!();
        let todo = command_name();
        println!("Try, in another terminal:");
        println!("  {todo} add \"Buy milk\" --due tomorrow --tag home");
        println!("  {todo} add \"Call the dentist\" --due \"in 30 minutes\" --remind 10m");
        println!("  {todo} list");
        println!("  {todo} watch                 # changes, due dates and reminders, live");
        println!("  {todo} analytics summary");
        println!(
            "  curl -H \"Authorization: Bearer $(cat {})\" {url}/api/tasks",
            token_file.display()
        );
    }
    println!("Stop with Ctrl-C.");
}

/// `todo` when this binary is the one on `PATH`, else its full path, so the hints can be pasted.
fn command_name() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "todo".into();
    };
    let on_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .any(|dir| dir.join("todo").canonicalize().ok().as_deref() == Some(exe.as_path()))
        })
        .unwrap_or(false);
    if on_path {
        "todo".into()
    } else {
        exe.display().to_string()
    }
}
