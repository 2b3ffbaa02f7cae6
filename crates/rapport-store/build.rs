//! Rebuilds the crate when a migration is added or changed: `sqlx::migrate!` embeds the
//! files under `migrations/` at compile time, but on stable Rust it cannot ask cargo to
//! watch the folder itself (see the `migrate!` documentation).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
