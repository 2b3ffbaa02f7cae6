//! Repository chores: `cargo xtask bench`.

fn main() {
    println!("usage: cargo xtask bench");
}
