//! `cargo run --release -p rapport-speech --example transcribe MODEL_DIR FILE.wav`: prints
//! the transcript, the word timings and the delivery, with the time each stage took.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(file)) = (args.get(1), args.get(2)) else {
        return Err("usage: transcribe MODEL_DIR FILE.wav".into());
    };
    let t = Instant::now();
    let speech = rapport_speech::Speech::load(std::path::Path::new(dir))?;
    eprintln!("loaded in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let audio = rapport_speech::audio::decode(&std::fs::read(file)?)?;
    let transcript = speech.transcribe(&audio)?;
    eprintln!(
        "{:.1} s of audio transcribed in {:.0} ms",
        audio.seconds(),
        t.elapsed().as_secs_f64() * 1e3
    );
    println!("{}", serde_json::to_string_pretty(&transcript)?);
    Ok(())
}
