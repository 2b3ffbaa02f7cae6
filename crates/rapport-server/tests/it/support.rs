//! The test app: an [`AppState`] over the built-in guides and a SQLite store in a
//! temporary directory, and helpers that send requests with this server's Host header.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use rapport_engine::Engine;
use rapport_server::{AppState, Config, app};
use tower::ServiceExt;

/// The address the test server pretends to listen on.
pub const ADDR: &str = "127.0.0.1:7878";

/// The fixed clock: 2026-01-01 00:00 UTC.
pub const NOW_MS: i64 = 1_767_225_600_000;

fn fixed_clock() -> i64 {
    NOW_MS
}

/// One engine for every test: building it compiles the lexicons.
fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let packs: Vec<_> = rapport_pack::builtin_packs()
                .into_iter()
                .flat_map(|load| load.pack)
                .collect();
            assert!(
                packs.iter().any(|p| !p.guides.is_empty()),
                "the built-in pack has guides"
            );
            Arc::new(Engine::from_packs(
                &packs,
                &rapport_pack::builtin_lexicons(),
            ))
        })
        .clone()
}

/// The app under test and the directory its database lives in.
pub struct TestApp {
    state: AppState,
    router: Router,
    _dir: tempfile::TempDir,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// The status code (compares with plain numbers: `reply.status == 404`).
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub body: String,
    /// The body as sent (a recording).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The `Location` header (empty when there is none).
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The code of a refused form post, which is shown as a page (never JSON):
    /// `data-error` on the page's panel. Panics when the reply is not such a page.
    pub fn refusal(&self) -> String {
        let html = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        assert!(
            html,
            "a refused form is a page: {:?} {}",
            self.headers, self.body
        );
        let (_, rest) = self
            .body
            .split_once("class=\"panel refused\" data-error=\"")
            .unwrap_or_else(|| panic!("not a refusal page: {}", self.body));
        rest.split('"').next().unwrap_or("").to_owned()
    }

    /// The `error` code of a JSON error body.
    pub fn code(&self) -> String {
        self.json()["error"].as_str().unwrap_or("").to_owned()
    }
}

impl TestApp {
    /// A fresh app with an empty store.
    pub async fn new() -> TestApp {
        TestApp::with_accounts(None).await
    }

    /// A fresh app with an empty store, serving a team when `accounts` is given.
    pub async fn with_accounts(accounts: Option<rapport_server::AccountsConfig>) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("rapport.db");
        let store = rapport_store::open(path.to_str().expect("UTF-8 path"))
            .await
            .expect("open the store");
        let addr: SocketAddr = ADDR.parse().expect("address");
        let config = Config {
            addr,
            clock: fixed_clock,
            accounts,
        };
        let state = AppState::new(engine(), store, config);
        TestApp {
            router: app(state.clone()),
            state,
            _dir: dir,
        }
    }

    /// The SQLite file the store lives in.
    pub fn db_path(&self) -> std::path::PathBuf {
        self._dir.path().join("rapport.db")
    }

    /// The app's state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The token forms must carry.
    pub fn csrf(&self) -> String {
        self.state.csrf_token().to_owned()
    }

    /// A request builder with the right Host header.
    pub fn request(method: Method, path: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, ADDR)
    }

    /// Sends a request as built.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("read the body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Reply {
        let request = TestApp::request(Method::GET, path)
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Reply {
        let request = TestApp::request(Method::DELETE, path)
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.post_raw(path, "application/json", body.to_string())
            .await
    }

    /// `POST path` with this content type and body.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: String) -> Reply {
        self.post_bytes(path, content_type, body.into_bytes()).await
    }

    /// `POST path` with this content type and a body that need not be text (a recording).
    pub async fn post_bytes(&self, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let request = TestApp::request(Method::POST, path)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// `POST path` with an HTML form body.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_raw(path, "application/x-www-form-urlencoded", form(fields))
            .await
    }

    /// Saves an attempt through the API and returns its JSON.
    pub async fn attempt(&self, question_id: &str, answer: &str) -> serde_json::Value {
        let reply = self
            .post_json(
                "/api/attempts",
                &serde_json::json!({ "question_id": question_id, "answer": answer }),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json()
    }

    /// How many attempts the store holds.
    pub async fn count(&self) -> usize {
        self.state
            .store()
            .attempts(rapport_store::LOCAL_USER, &Default::default())
            .await
            .expect("list attempts")
            .len()
    }
}

/// The request log as the server writes it, captured for a test.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    /// Captures this thread's log until the guard is dropped. The test's runtime runs
    /// each request's handler on the test's own thread, where the capture is set.
    ///
    /// One subscriber serves the whole test binary and writes each line to the buffer of
    /// the thread that logged it: a subscriber of the thread's own would miss lines
    /// whenever another test's thread first met a log statement with no subscriber
    /// listening (tracing remembers that no one was interested).
    pub fn capture() -> (LogBuffer, CaptureGuard) {
        static SUBSCRIBER: std::sync::Once = std::sync::Once::new();
        SUBSCRIBER.call_once(|| {
            let _ = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(|| ThreadWriter)
                .try_init();
        });
        let buffer = LogBuffer::default();
        CAPTURE.with(|c| *c.borrow_mut() = Some(buffer.clone()));
        (buffer, CaptureGuard)
    }

    /// What was logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

thread_local! {
    /// Where this thread's log lines go while a test captures them.
    static CAPTURE: std::cell::RefCell<Option<LogBuffer>> = const { std::cell::RefCell::new(None) };
}

/// Ends a capture when dropped.
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}

/// Writes to the capturing buffer of the thread that logs, or nowhere.
struct ThreadWriter;

impl Write for ThreadWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| match c.borrow_mut().as_mut() {
            Some(buffer) => buffer.write(bytes),
            None => Ok(bytes.len()),
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Fields as `application/x-www-form-urlencoded`.
pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Text as askama's HTML escaping writes it.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// A strong answer to `difficult-customer`: a real story with every step.
pub const STRONG: &str = "Last winter at the hotel front desk, a guest arrived at midnight \
    to find his suite was not ready, and he was furious because it was his anniversary. \
    I listened without interrupting, apologised, and asked what the evening meant to \
    them, because I wanted to understand how he felt. I moved them to a larger room, \
    had the restaurant hold their table, and arranged a late checkout. He calmed down \
    and thanked me, and the couple came back the next year and wrote a review that \
    named me.";

/// A weak answer to `difficult-customer`: vague, no story.
pub const WEAK: &str = "I am good with people and I always stay calm. Customers like me.";
