//! `rapport score`: one answer to the card or JSON, or a JSON Lines batch.

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};
use rapport::batch::{BatchLine, parse_line};
use rapport_engine::{Report, ScoreError};
use serde::Serialize;
use serde_json::Value;

use crate::card;
use crate::cli::ScoreArgs;
use crate::exit;
use crate::input;
use crate::packs::Library;
use crate::suggest;
use crate::term::{Progress, Style};
use rapport_server::contract::ReportJson;

/// Scores one answer, or a batch.
pub fn run(library: &Library, args: &ScoreArgs) -> Result<u8> {
    if let Some(path) = &args.batch {
        return batch(library, path);
    }
    let engine = &library.engine;
    // Check the id before reading the answer, so a typo is caught before any typing.
    if let Some(id) = &args.question
        && engine.guide(id).is_none()
    {
        return Err(suggest::unknown_question(engine, id).into());
    }
    if let Some(path) = &args.audio {
        return audio(library, args, path);
    }
    let answer = input::read_answer(args.file.as_deref())?;
    let report = score_answer(library, args, &answer)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &ReportJson::new(&report))?;
        writeln!(out)?;
    } else {
        out.write_all(card::render(&report, Style::stdout()).as_bytes())?;
    }
    Ok(exit::OK)
}

/// Scores an answer to the question the arguments name, by id or in words.
fn score_answer(library: &Library, args: &ScoreArgs, answer: &str) -> Result<Report> {
    let engine = &library.engine;
    Ok(match (&args.question, &args.question_text) {
        (Some(id), _) => engine.score(id, answer)?,
        (None, Some(text)) => engine.score_question_text(text, answer)?,
        (None, None) => bail!("say which question: --question ID or --question-text TEXT"),
    })
}

/// The JSON of a spoken answer: the report (docs/contract.md) with the transcript and
/// the delivery heard in the audio added.
#[derive(Serialize)]
struct SpokenReport<'a> {
    #[serde(flatten)]
    report: ReportJson<'a>,
    transcript: &'a str,
    audio: &'a rapport_speech::AudioDelivery,
}

/// Transcribes a recording and scores the transcript.
fn audio(library: &Library, args: &ScoreArgs, path: &Path) -> Result<u8> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("cannot read the recording {}: {e}", path.display()))?;
    let recording = rapport_speech::audio::decode(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let speech = crate::speech::load()?;
    let transcript = speech
        .transcribe(&recording)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let report = score_answer(library, args, &transcript.text)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let doc = SpokenReport {
            report: ReportJson::new(&report),
            transcript: &transcript.text,
            audio: &transcript.delivery,
        };
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        let style = Style::stdout();
        writeln!(out, "{}  {}", style.label("heard"), transcript.text)?;
        out.write_all(card::render(&report, style).as_bytes())?;
        writeln!(
            out,
            "{}  {}",
            style.label("voice"),
            voice_line(&transcript.delivery)
        )?;
    }
    Ok(exit::OK)
}

/// The delivery heard in the audio, in one line.
fn voice_line(d: &rapport_speech::AudioDelivery) -> String {
    let mut parts = vec![
        format!(
            "{:.0} s, {:.0} s of it speaking",
            d.seconds, d.speaking_seconds
        ),
        format!("{:.0} words a minute", d.words_per_minute),
    ];
    parts.push(match d.pauses {
        0 => "no pauses".to_owned(),
        1 => "1 pause".to_owned(),
        n => format!("{n} pauses"),
    });
    if d.long_silences > 0 {
        parts.push(format!(
            "{} long silence{} (longest {:.1} s)",
            d.long_silences,
            if d.long_silences == 1 { "" } else { "s" },
            d.longest_silence
        ));
    }
    parts.push(format!(
        "{} filler{} heard{}",
        d.fillers,
        if d.fillers == 1 { "" } else { "s" },
        if d.fillers_uncertain {
            " (the transcriber drops some: there may be more)"
        } else {
            ""
        }
    ));
    parts.join(" · ")
}

/// One line of batch output for an answer that was scored.
#[derive(Serialize)]
struct BatchReport<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a Value>,
    #[serde(flatten)]
    report: ReportJson<'a>,
}

/// One line of batch output for a line that could not be scored.
#[derive(Serialize)]
struct BatchError<'a> {
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a Value>,
    error: &'a str,
}

/// Scores every line of a JSON Lines file; a bad line is reported and skipped.
fn batch(library: &Library, path: &Path) -> Result<u8> {
    let lines = input::read_lines(path)?;
    let mut progress = Progress::new(lines.len());
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    for (number, line) in &lines {
        let parsed = parse_line::<BatchLine>(line);
        let id = parsed.as_ref().ok().and_then(|l| l.id.as_ref());
        let scored = parsed
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|l| score_line(library, l));
        match scored {
            Ok(report) => {
                let row = BatchReport {
                    id,
                    report: ReportJson::new(&report),
                };
                serde_json::to_writer(&mut out, &row)?;
            }
            Err(message) => {
                failed += 1;
                progress.note(&format!("error: line {number}: {message}"));
                let row = BatchError {
                    line: *number,
                    id,
                    error: &message,
                };
                serde_json::to_writer(&mut out, &row)?;
            }
        }
        writeln!(out)?;
        progress.tick();
    }
    out.flush()?;
    progress.finish();
    if failed > 0 {
        progress.note(&format!(
            "error: {failed} of {} lines could not be scored",
            lines.len()
        ));
        return Ok(exit::UNSCORABLE);
    }
    Ok(exit::OK)
}

fn score_line(library: &Library, line: &BatchLine) -> Result<Report, String> {
    let engine = &library.engine;
    let result = match (&line.question_id, &line.question) {
        (Some(id), _) if engine.guide(id).is_none() => Err(suggest::unknown_question(engine, id)),
        (Some(id), _) => engine.score(id, &line.answer),
        (None, Some(text)) => engine.score_question_text(text, &line.answer),
        (None, None) => {
            return Err("the line needs `question_id` or `question`".to_owned());
        }
    };
    result.map_err(|e: ScoreError| e.to_string())
}
