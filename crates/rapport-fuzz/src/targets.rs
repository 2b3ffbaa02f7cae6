//! The four targets: what each is given and the invariants each checks.

use std::io::Cursor;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;
use rapport_engine::{Band, Engine, Report, ScoreError};
use tower::ServiceExt;

use crate::corpus::Corpus;

/// One fuzz target.
pub trait Target {
    /// Its name, as given to `--target` and used for its findings' folder.
    fn name(&self) -> &'static str;
    /// Its seed inputs.
    fn seeds(&self, corpus: &Corpus) -> Vec<Vec<u8>>;
    /// The longest input worth trying.
    fn max_len(&self) -> usize {
        100_000
    }
    /// Runs one input; `Err` says which invariant broke.
    fn run(&mut self, input: &[u8]) -> Result<(), String>;
}

/// The target names, in the order a run goes through them.
pub const TARGETS: [&str; 4] = ["engine", "pack", "batch", "api"];

/// The target of this name.
pub fn target(name: &str) -> Option<Box<dyn Target>> {
    match name {
        "engine" => Some(Box::new(EngineTarget)),
        "pack" => Some(Box::new(PackTarget)),
        "batch" => Some(Box::new(BatchTarget)),
        "api" => Some(Box::new(ApiTarget::new())),
        _ => None,
    }
}

/// The built-in lexicons, read once: every pack input builds an engine over them.
fn lexicons() -> &'static rapport_pack::Lexicons {
    static LEXICONS: OnceLock<rapport_pack::Lexicons> = OnceLock::new();
    LEXICONS.get_or_init(rapport_pack::builtin_lexicons)
}

/// The engine over the built-in packs with the fitted score, as the CLI and the web
/// app score (the lexical engine: the model is not loaded).
fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let packs: Vec<_> = rapport_pack::builtin_packs()
                .into_iter()
                .flat_map(|load| load.pack)
                .collect();
            Arc::new(Engine::from_packs(&packs, lexicons()))
        })
        .clone()
}

/// A report's invariants: a score within 0–100 in its band, and evidence that is the
/// answer's own text at offsets on character boundaries.
fn check_report(report: &Report, answer: &str) -> Result<(), String> {
    if report.score > 100 {
        return Err(format!("score {} over 100", report.score));
    }
    if report.band != Band::from_score(report.score) {
        return Err(format!("band {:?} for score {}", report.band, report.score));
    }
    let evidence = report
        .criteria
        .iter()
        .chain(&report.tips)
        .flat_map(|c| &c.evidence)
        .chain(&report.delivery.negativity);
    for e in evidence {
        match answer.get(e.start..e.end) {
            Some(text) if text == e.text && e.start < e.end => {}
            _ => {
                return Err(format!(
                    "evidence {}..{} {:?} is not the answer's text",
                    e.start, e.end, e.text
                ));
            }
        }
    }
    if !(0.0..=1.0).contains(&report.relevance) {
        return Err(format!("relevance {} outside 0..1", report.relevance));
    }
    Ok(())
}

/// The invariants of a scoring's outcome: a report's, or a refusal's.
fn check_scored(result: Result<Report, ScoreError>, answer: &str) -> Result<(), String> {
    match result {
        Ok(report) => check_report(&report, answer),
        Err(err) => check_refusal(&err),
    }
}

/// A refusal's message: named, lower-case, no final period (docs/contract.md, bad input).
fn check_refusal(err: &ScoreError) -> Result<(), String> {
    let message = err.to_string();
    if message.is_empty() || message.starts_with(char::is_uppercase) || message.ends_with('.') {
        return Err(format!("refusal message {message:?}"));
    }
    Ok(())
}

/// `engine`: the input's first line is a guide id, or `?` and a free question; the
/// rest is the answer.
struct EngineTarget;

impl Target for EngineTarget {
    fn name(&self) -> &'static str {
        "engine"
    }

    fn seeds(&self, corpus: &Corpus) -> Vec<Vec<u8>> {
        let mut seeds = Vec::new();
        for (i, answer) in corpus.answers.iter().enumerate() {
            let (id, question) = &corpus.questions[i % corpus.questions.len()];
            let head = if i % 3 == 0 {
                format!("?{question}")
            } else {
                id.clone()
            };
            seeds.push(format!("{head}\n{answer}").into_bytes());
        }
        seeds
    }

    fn run(&mut self, input: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(input);
        let (head, answer) = text.split_once('\n').unwrap_or(("", &text));
        let engine = engine();
        let result = match head.strip_prefix('?') {
            Some(question) => engine.score_question_text(question, answer),
            None => engine.score(head, answer),
        };
        check_scored(result, answer)
    }
}

/// `pack`: the input is one pack file (a `[pack]` table and guides); when it loads,
/// an engine is built from it and each guide scores one of its own samples.
struct PackTarget;

impl Target for PackTarget {
    fn name(&self) -> &'static str {
        "pack"
    }

    fn seeds(&self, corpus: &Corpus) -> Vec<Vec<u8>> {
        corpus
            .packs
            .iter()
            .map(|p| p.clone().into_bytes())
            .collect()
    }

    fn max_len(&self) -> usize {
        200_000
    }

    fn run(&mut self, input: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(input).into_owned();
        let lines = text.lines().count() + 1;
        let load = rapport_pack::parse_pack(&[("fuzz/pack.toml".to_owned(), text)]);
        for d in &load.diagnostics {
            if d.line.is_some_and(|l| l == 0 || l > lines) {
                return Err(format!(
                    "diagnostic at line {:?} of {lines}: {}",
                    d.line, d.message
                ));
            }
        }
        let Some(pack) = load.pack else {
            return Ok(());
        };
        let engine = Engine::from_packs(std::slice::from_ref(&pack), lexicons());
        for guide in pack.guides.iter().take(3) {
            let answer = guide
                .samples
                .first()
                .map_or("I listened and fixed it.", |s| s.text.as_str());
            check_scored(engine.score(&guide.id, answer), answer)?;
        }
        Ok(())
    }
}

/// `batch`: the input is a JSON Lines file, read and scored line by line as
/// `rapport score --batch` does.
struct BatchTarget;

impl Target for BatchTarget {
    fn name(&self) -> &'static str {
        "batch"
    }

    fn seeds(&self, corpus: &Corpus) -> Vec<Vec<u8>> {
        corpus
            .lines
            .chunks(3)
            .map(|lines| lines.join("\n").into_bytes())
            .collect()
    }

    fn max_len(&self) -> usize {
        rapport::batch::MAX_LINE_BYTES + 4096
    }

    fn run(&mut self, input: &[u8]) -> Result<(), String> {
        let Ok(lines) = rapport::batch::read_lines(Cursor::new(input), "fuzz") else {
            return Ok(());
        };
        let mut last = 0;
        let engine = engine();
        for (number, line) in &lines {
            if *number <= last || line.len() > rapport::batch::MAX_LINE_BYTES {
                return Err(format!("line {number} after {last}, {} bytes", line.len()));
            }
            last = *number;
            let Ok(parsed) = rapport::batch::parse_line::<rapport::batch::BatchLine>(line) else {
                continue;
            };
            let result = match (&parsed.question_id, &parsed.question) {
                (Some(id), _) => engine.score(id, &parsed.answer),
                (None, Some(q)) => engine.score_question_text(q, &parsed.answer),
                (None, None) => continue,
            };
            check_scored(result, &parsed.answer)?;
        }
        Ok(())
    }
}

/// `api`: the input is a request, `METHOD PATH` on the first line, the content type
/// on the second, then the body; sent to the web app's router over a SQLite store in
/// a temporary folder. No answer may be a 5xx, and every `/api` error is JSON.
struct ApiTarget {
    runtime: tokio::runtime::Runtime,
    router: Router,
    csrf: String,
    _dir: tempfile::TempDir,
}

/// The address the app believes it listens on (its Host check).
const ADDR: &str = "127.0.0.1:7878";

impl ApiTarget {
    fn new() -> ApiTarget {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("a runtime: {e}"));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
        let path = dir.path().join("fuzz.db");
        let store = runtime
            .block_on(rapport_store::open(&path.to_string_lossy()))
            .unwrap_or_else(|e| panic!("the store: {e}"));
        let config = rapport_server::Config::new(ADDR.parse().unwrap_or_else(|e| panic!("{e}")));
        let state = rapport_server::AppState::new(engine(), store, config);
        ApiTarget {
            runtime,
            csrf: state.csrf_token().to_owned(),
            router: rapport_server::app(state),
            _dir: dir,
        }
    }
}

impl Target for ApiTarget {
    fn name(&self) -> &'static str {
        "api"
    }

    fn seeds(&self, corpus: &Corpus) -> Vec<Vec<u8>> {
        let json = "application/json";
        let form = "application/x-www-form-urlencoded";
        let mut seeds = Vec::new();
        for (i, answer) in corpus.answers.iter().enumerate().step_by(4) {
            let (id, question) = &corpus.questions[i % corpus.questions.len()];
            let score = serde_json::json!({ "question_id": id, "answer": answer });
            let free = serde_json::json!({ "question_text": question, "answer": answer });
            let attempt =
                serde_json::json!({ "question_id": id, "answer": answer, "mode": "practice" });
            let matching =
                serde_json::json!({ "questions": [question, "Why should we hire you?"] });
            let encoded: String = answer
                .bytes()
                .map(|b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
                    b' ' => "+".to_owned(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            for (request, kind, body) in [
                ("POST /api/score", json, score.to_string()),
                ("POST /api/score", json, free.to_string()),
                ("POST /api/attempts", json, attempt.to_string()),
                ("POST /api/match", json, matching.to_string()),
                (
                    &format!("POST /practice/{id}") as &str,
                    form,
                    format!("csrf={{csrf}}&answer={encoded}"),
                ),
                ("GET /api/attempts?limit=5&offset=0", json, String::new()),
                (&format!("GET /api/progress/{id}"), json, String::new()),
                (&format!("GET /api/guides/{id}"), json, String::new()),
                ("DELETE /api/attempts", json, String::new()),
                (&format!("GET /history/{id}"), json, String::new()),
            ] {
                seeds.push(format!("{request}\n{kind}\n{body}").into_bytes());
            }
        }
        seeds
    }

    fn run(&mut self, input: &[u8]) -> Result<(), String> {
        let mut parts = input.splitn(3, |&b| b == b'\n');
        let line = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
        let kind = parts.next().unwrap_or_default().to_vec();
        let body = parts.next().unwrap_or_default();
        let body = String::from_utf8_lossy(body)
            .replace("{csrf}", &self.csrf)
            .into_bytes();
        let (method, path) = line.split_once(' ').unwrap_or(("GET", &line));
        let Ok(method) = Method::from_bytes(method.as_bytes()) else {
            return Ok(());
        };
        let Ok(request) = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, ADDR)
            .header(header::CONTENT_TYPE, kind)
            .body(Body::from(body))
        else {
            return Ok(());
        };
        let path = request.uri().path();
        let api = path == "/api" || path.starts_with("/api/");
        let router = self.router.clone();
        self.runtime.block_on(async move {
            let response = router
                .oneshot(request)
                .await
                .map_err(|e| format!("the router failed: {e}"))?;
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("the body: {e}"))?
                .to_bytes();
            if status.is_server_error() {
                return Err(format!("{status}: {}", String::from_utf8_lossy(&bytes)));
            }
            if api && status.is_client_error() {
                let json: Result<serde_json::Value, _> = serde_json::from_slice(&bytes);
                if !json.is_ok_and(|j| j["error"].is_string()) {
                    return Err(format!(
                        "{status} without a JSON error: {}",
                        String::from_utf8_lossy(&bytes)
                    ));
                }
            }
            Ok(())
        })
    }
}
