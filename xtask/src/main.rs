//! Repository chores: `cargo xtask bench` (engine and process timings; speech to text
//! through `cargo xtask bench-speech`) and
//! `cargo xtask tune FILE.jsonl` (per-item scores against labels, for tuning the rules).

mod bench;
mod fit;
mod model_bench;
mod speech_bench;
mod tune;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        Some("bench-speech") => speech_bench::run(&args[1..]),
        Some("tune") => tune::run(&args[1..]),
        Some("fit") => fit::run(&args[1..]),
        Some("match") => tune::matches(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask bench | cargo xtask bench-speech | cargo xtask fit [--write] FILE.jsonl... | cargo xtask tune FILE.jsonl [ID...] | cargo xtask match FILE.jsonl"
            );
            std::process::exit(2);
        }
    }
}

/// The lexical engine over the built-in pack and lexicons, as the CLI builds it (with
/// the fitted score the pack ships).
fn lexical_engine() -> rapport_engine::Engine {
    let mut packs = Vec::new();
    for load in rapport_pack::builtin_packs() {
        for d in &load.diagnostics {
            eprintln!("{d}");
        }
        packs.extend(load.pack);
    }
    rapport_engine::Engine::from_packs(&packs, &rapport_pack::builtin_lexicons())
}

/// The engine as the CLI scores, with the model when `RAPPORT_MODEL_DIR` names one.
fn engine() -> rapport_engine::Engine {
    let mut engine = lexical_engine();
    // `RAPPORT_MODEL_DIR=... cargo xtask tune` measures the engine with the model.
    if let Some(dir) = std::env::var_os("RAPPORT_MODEL_DIR") {
        match rapport_embed::Model::load(std::path::Path::new(&dir)) {
            Ok(model) => {
                if let Err(e) = engine.enable_semantic(std::sync::Arc::new(model), Vec::new()) {
                    eprintln!("warning: {e}");
                }
            }
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    engine
}
