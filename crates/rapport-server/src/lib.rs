//! The Rapport web app and JSON API: [`app`] returns the axum router that
//! `rapport serve` runs. Pages are rendered on the server (askama, auto-escaped) with a
//! little plain JavaScript for the live checklist, timer, drafts and voice.
//!
//! Module map: `routes.rs` (the router, with the list of its paths for the access
//! test), `error.rs` (the one `AppError`), `security.rs` (Host/Origin checks,
//! cross-site request protection, body limits, security headers), `extract.rs` (body,
//! query and path extractors whose rejections are `AppError`s), `api.rs` (JSON API and
//! its OpenAPI document), `scoring.rs` (scoring and saving, shared by API and pages),
//! `pages/` (one module per page family), `speech.rs` (transcribing recordings),
//! `recordings.rs` (recordings kept with attempts, and the settings that keep them),
//! `accounts.rs` (users, login and sessions for `rapport serve --accounts`), `cohorts.rs`
//! (coaches' cohorts: invites, members' practice shared with their coach), `card.rs` (the feedback card for templates),
//! `svg.rs` (progress charts), `assets.rs` (the stylesheet and script), `packs.rs` (which
//! pack each guide is in), `matching.rs` (free questions matched to guides, for `/ask` and
//! `POST /api/match`), `contract.rs` (the JSON document of docs/contract.md, shared with the CLI) and
//! `saved.rs` (that document read back from the store).

mod accounts;
pub mod api;
mod assets;
pub mod card;
mod cohorts;
pub mod contract;
mod error;
mod extract;
pub mod log;
mod matching;
mod packs;
mod pages;
mod recordings;
pub mod routes;
pub mod saved;
mod scoring;
mod security;
mod speech;
mod svg;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rapport_engine::{Engine, SentenceCache};
use rapport_store::Store;

pub use accounts::{
    AccountsConfig, MIN_PASSWORD_CHARS, SESSION_LENGTH, check_new_password, check_user_name,
    hash_password,
};
pub use error::{AppError, ErrorBody};
pub use security::{CONTENT_SECURITY_POLICY, MAX_BODY_BYTES};

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    /// Which pack each guide is in (see `packs.rs`).
    packs: Arc<packs::Packs>,
}

struct Inner {
    engine: Arc<Engine>,
    store: Arc<dyn Store>,
    config: Config,
    /// Sentence vectors shared by live re-scoring (semantic engine only); it starts
    /// again empty past its limit, so a long-running server does not grow without bound.
    live: SentenceCache,
    /// Permits to score, one per core (see `scoring.rs`).
    scoring_slots: tokio::sync::Semaphore,
    /// The token every form post must carry (see `security.rs`); random per start.
    csrf: String,
    /// The speech model, once it is loaded (see `speech.rs`): set at most once, so it can
    /// be loaded while the server already answers.
    speech: std::sync::OnceLock<Arc<rapport_speech::Speech>>,
    /// Recordings waiting for their answer to be saved (see `recordings.rs`).
    held: recordings::Held,
    /// Failed logins (see `accounts.rs`).
    limiter: accounts::Limiter,
}

/// How the server was started.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address the server listens on; the Host and Origin checks accept it and
    /// `localhost` on the same port.
    pub addr: SocketAddr,
    /// Milliseconds since the Unix epoch; a field so tests can fix the clock.
    pub clock: fn() -> i64,
    /// Accounts (`rapport serve --accounts`): users log in and see only their own
    /// records. `None`: one local user, no login.
    pub accounts: Option<AccountsConfig>,
}

impl Config {
    /// The configuration for a server on `addr` with the system clock.
    pub fn new(addr: SocketAddr) -> Config {
        Config {
            addr,
            clock: system_clock,
            accounts: None,
        }
    }
}

/// Milliseconds since the Unix epoch from the system clock.
pub fn system_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl AppState {
    /// State over an engine and a store. Which pack each guide is in is worked out from
    /// the guides' files: the built-in packs by name, every other guide as one pack of
    /// the user's own; [`AppState::with_packs`] names them exactly.
    pub fn new(engine: Arc<Engine>, store: Arc<dyn Store>, config: Config) -> AppState {
        AppState {
            packs: Arc::new(packs::Packs::from_engine(&engine)),
            inner: Arc::new(Inner {
                engine,
                store,
                config,
                live: SentenceCache::new(),
                scoring_slots: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(2, usize::from),
                ),
                csrf: random_token(),
                speech: std::sync::OnceLock::new(),
                held: recordings::Held::default(),
                limiter: accounts::Limiter::default(),
            }),
        }
    }

    /// The same state, with the packs the engine's guides were loaded from (as
    /// `Engine::from_packs` was given them), so that pages name every pack by its own id
    /// and name.
    pub fn with_packs(mut self, packs: &[rapport_pack::Pack]) -> AppState {
        self.packs = Arc::new(packs::Packs::from_packs(packs, self.engine()));
        self
    }

    /// From now on, transcribes recordings with this speech model (every clone of the
    /// state shares it). `false` when a model was set already (it stays).
    pub fn set_speech(&self, speech: Arc<rapport_speech::Speech>) -> bool {
        self.inner.speech.set(speech).is_ok()
    }

    /// The speech model, when one is loaded.
    pub(crate) fn speech(&self) -> Option<&Arc<rapport_speech::Speech>> {
        self.inner.speech.get()
    }

    /// Recordings waiting for their answer to be saved.
    pub(crate) fn held(&self) -> &recordings::Held {
        &self.inner.held
    }

    /// Failed logins.
    pub(crate) fn limiter(&self) -> &accounts::Limiter {
        &self.inner.limiter
    }

    /// Which pack each guide is in.
    pub(crate) fn packs(&self) -> &packs::Packs {
        &self.packs
    }

    /// The scoring engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The attempt and scorecard store.
    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// How the server was started.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        (self.inner.config.clock)()
    }

    /// The token that form posts must carry, put in every page as
    /// `<meta name="csrf-token">` and as a hidden `csrf` field in forms: the session's
    /// own on a server with accounts (the same on every server of a team), else this
    /// server's, random at each start.
    pub fn csrf_token(&self) -> String {
        accounts::signed_in().map_or_else(|| self.inner.csrf.clone(), |s| s.csrf)
    }

    /// Permits to run the engine, one per core.
    pub(crate) fn scoring_slots(&self) -> &tokio::sync::Semaphore {
        &self.inner.scoring_slots
    }

    /// The shared sentence cache for live re-scoring.
    pub fn live_cache(&self) -> &SentenceCache {
        &self.inner.live
    }
}

/// 128 unpredictable bits in hex, from the standard library's randomly keyed hasher
/// (seeded by the operating system), so no random-number crate is needed.
pub(crate) fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut token = String::new();
    for round in 0..2u64 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(round);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        token.push_str(&format!("{:016x}", hasher.finish()));
    }
    token
}

/// The whole application: pages, static files and the JSON API, behind the security
/// layers (see `security.rs`): requests for another host name and cross-site changes
/// are refused, form posts must carry the page's token, bodies are limited to
/// [`MAX_BODY_BYTES`], and every response carries the security headers.
pub fn app(state: AppState) -> Router {
    routes::all()
        .into_router()
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            accounts::gate,
        ))
        .layer(axum::middleware::from_fn(log::requests))
        .with_state(state)
}

/// Unknown routes: JSON under `/api`, a friendly page elsewhere.
async fn not_found(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Response {
    if is_api(uri.path()) {
        AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no API endpoint {}", uri.path()),
        )
        .into_response()
    } else {
        pages::not_found(
            &state,
            "Page not found",
            "There is no page at this address.",
            None,
        )
    }
}

/// A known route asked with a method it does not take.
async fn method_not_allowed(OriginalUri(uri): OriginalUri) -> Response {
    AppError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not take this method", uri.path()),
    )
    .into_response()
}

/// Whether a path is part of the JSON API.
pub(crate) fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}
