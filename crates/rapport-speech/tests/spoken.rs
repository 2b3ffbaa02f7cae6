//! Real speech, made on this machine with espeak-ng from our own sample answers in several
//! voices and speeds, transcribed by the real model: the word error rate stays under a
//! floor, and the spoken answer's card takes the steps the written answer's card takes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rapport_engine::Engine;
use rapport_speech::{Speech, audio};

/// Where the installed speech model is, as `rapport model install` puts it.
fn model_dir() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let data = var("RAPPORT_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("rapport")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/rapport")))
        .expect("no data directory: set RAPPORT_DATA_DIR or HOME");
    data.join("models").join("whisper-tiny.en")
}

fn speech() -> &'static Speech {
    static SPEECH: OnceLock<Speech> = OnceLock::new();
    SPEECH.get_or_init(|| {
        let dir = model_dir();
        Speech::load(&dir).unwrap_or_else(|e| {
            panic!("the speech model is needed ({e}): run scripts/install-model.sh")
        })
    })
}

fn engine() -> Engine {
    let mut packs = Vec::new();
    for load in rapport_pack::builtin_packs() {
        packs.extend(load.pack);
    }
    Engine::from_packs(&packs, &rapport_pack::builtin_lexicons())
}

/// Speaks `text` with espeak-ng into a WAV file in `dir`.
fn speak(dir: &Path, name: &str, voice: &str, wpm: u32, text: &str) -> Vec<u8> {
    let path = dir.join(format!("{name}.wav"));
    let status = Command::new("espeak-ng")
        .args(["-v", voice, "-s", &wpm.to_string(), "-w"])
        .arg(&path)
        .arg(text)
        .status()
        .expect("espeak-ng is needed (Debian package espeak-ng): run scripts/install-browser.sh");
    assert!(status.success(), "espeak-ng failed for {name}");
    std::fs::read(&path).expect("espeak-ng wrote the file")
}

/// Lower-case words without punctuation.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word error rate: edit distance over the reference's length.
fn wer(reference: &[String], hypothesis: &[String]) -> f64 {
    let mut row: Vec<usize> = (0..=hypothesis.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, h) in hypothesis.iter().enumerate() {
            let cost = usize::from(r != h);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[hypothesis.len()] as f64 / reference.len().max(1) as f64
}

/// Three readings of whole sample answers (about a minute each): an American and a
/// British voice, at three speeds.
const READINGS: [(&str, &str, u32); 3] = [
    ("saying-no", "en-us", 170),
    ("above-and-beyond", "en-gb", 175),
    ("mistake-with-customer", "en-us", 145),
];

#[test]
fn spoken_samples_are_transcribed_and_judged_as_written() {
    let engine = engine();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut errors = 0.0;
    let mut total = 0usize;
    let mut report = Vec::new();
    for (guide_id, voice, wpm) in READINGS {
        let guide = engine
            .guide(guide_id)
            .unwrap_or_else(|| panic!("no guide {guide_id}"));
        let text = guide.samples[0].text.trim();
        let wav = speak(dir.path(), guide_id, voice, wpm, text);
        let recording = audio::decode(&wav).expect("espeak-ng's WAV decodes");
        let heard = speech()
            .transcribe(&recording)
            .expect("speech is transcribed");
        let (reference, hypothesis) = (words(text), words(&heard.text));
        let rate = wer(&reference, &hypothesis);
        errors += rate * reference.len() as f64;
        total += reference.len();
        let written = engine.score(guide_id, text).expect("the sample scores");
        let spoken = engine
            .score(guide_id, &heard.text)
            .expect("the transcript scores");
        let met = |r: &rapport_engine::Report| {
            r.criteria
                .iter()
                .filter(|c| c.met)
                .map(|c| c.id.clone())
                .collect::<Vec<_>>()
        };
        report.push(format!(
            "{guide_id} ({voice}, {wpm} wpm, {:.0} s): WER {rate:.3}, written {} {:?}, spoken {} {:?}, {:.0} words a minute heard",
            recording.seconds(),
            written.score,
            met(&written),
            spoken.score,
            met(&spoken),
            heard.delivery.words_per_minute
        ));
        assert_eq!(
            met(&written),
            met(&spoken),
            "{}\nheard: {}",
            report.join("\n"),
            heard.text
        );
        assert!(
            (i32::from(written.score) - i32::from(spoken.score)).abs() <= 10,
            "{}",
            report.join("\n")
        );
    }
    let overall = errors / total as f64;
    eprintln!(
        "{}\noverall WER {overall:.3} over {total} words",
        report.join("\n")
    );
    // Measured 0.143 over these readings (0.127 to 0.162 each; greedy decoding is
    // deterministic). espeak-ng's voices are harder for the tiny model than a person's
    // (its slips are names and sound-alikes: "rang" heard as "ran"), so the floor is
    // 0.20: a weight-layout or decoding bug costs far more (a dropped window alone puts a
    // reading over 0.4).
    assert!(overall <= 0.20, "WER {overall:.3}\n{}", report.join("\n"));
}

#[test]
fn fillers_survive_in_the_transcript_when_spoken() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text =
        "Um, so the customer, uh, called back the next day, and, um, I had the refund ready.";
    let wav = speak(dir.path(), "fillers", "en-us", 150, text);
    let heard = speech()
        .transcribe(&audio::decode(&wav).expect("decodes"))
        .expect("transcribed");
    eprintln!("heard: {} ({} fillers)", heard.text, heard.delivery.fillers);
    assert!(heard.delivery.fillers_uncertain);
    // Primed with a line of fillers, the model writes them down: all three "um"/"uh"
    // said here were heard when this was written; two at least must survive.
    assert!(heard.delivery.fillers >= 2, "{}", heard.text);
    let said = words(text);
    let got = words(&heard.text);
    let kept = said.iter().filter(|w| got.contains(w)).count();
    assert!(kept * 10 >= said.len() * 7, "{}", heard.text);
}

#[test]
fn silence_and_noise_are_refused_as_silent() {
    let quiet = vec![0.0f32; 16_000 * 3];
    let wav = audio::wav_bytes(&quiet, 16_000);
    let err = speech()
        .transcribe(&audio::decode(&wav).expect("decodes"))
        .expect_err("silence has no transcript");
    assert!(err.to_string().contains("no speech"), "{err}");
}
