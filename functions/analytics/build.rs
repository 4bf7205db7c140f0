//! `sqlx::migrate!` embeds `migrations/` when the crate compiles; without this, an added or edited
//! migration would not rebuild the crate, and a stale schema would ship.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
