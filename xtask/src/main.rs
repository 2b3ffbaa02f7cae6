//! Repository chores: `cargo xtask bench` (engine and process timings) and
//! `cargo xtask tune FILE.jsonl` (per-item scores against labels, for tuning the rules).

mod bench;
mod tune;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        Some("tune") => tune::run(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask bench | cargo xtask tune FILE.jsonl [ID...]");
            std::process::exit(2);
        }
    }
}

/// The engine over the built-in pack and lexicons, as the CLI builds it.
fn engine() -> rapport_engine::Engine {
    let load = rapport_pack::builtin_pack();
    for d in &load.diagnostics {
        eprintln!("{d}");
    }
    let guides = load.pack.map(|p| p.guides).unwrap_or_default();
    rapport_engine::Engine::new(guides, &rapport_pack::builtin_lexicons())
}
