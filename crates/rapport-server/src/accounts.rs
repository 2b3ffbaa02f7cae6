//! Accounts, for a server started with `rapport serve --accounts`: users log in (the
//! `/login` page or `POST /api/login`), and everything they do is theirs alone.
//!
//! Without accounts nothing here runs: one local user, no login. With them, the `gate`
//! layer reads the session cookie on every request, finds the session in the store (so
//! that any number of servers on one database share sessions), and serves the request
//! as that user: [`user_id`] is then the user's name, and the form token is the
//! session's own (so it is the same on every server). A request without a live session
//! is sent to `/login` (a page) or answered `401 login_required` (the API).
//!
//! Passwords are hashed with argon2id and checked off the async threads; only the hash
//! of a session's token is stored; failed logins are limited per account and per
//! address ([`Limiter`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use askama::Template;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rapport_store::{LOCAL_USER, NewSession, Role};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::error::ErrorBody;
use crate::extract::{Form, Json, Query};
use crate::scoring::store_error;
use crate::{AppError, AppState};

/// The session cookie's name.
pub(crate) const COOKIE: &str = "rapport_session";

/// How long a session lasts after logging in.
pub const SESSION_LENGTH: Duration = Duration::from_secs(14 * 24 * 3600);

/// Failed logins allowed per account, and per address, within [`LIMIT_WINDOW`].
pub(crate) const FAILURES_PER_ACCOUNT: usize = 5;
pub(crate) const FAILURES_PER_ADDRESS: usize = 20;
/// The window failed logins are counted over.
pub(crate) const LIMIT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// How a server with accounts is reached.
#[derive(Debug, Clone, Default)]
pub struct AccountsConfig {
    /// The origin people open the server at (`--public-url`), such as
    /// `https://rapport.example.org`, when it is not the listening address: its host is
    /// allowed in `Host`, and the origin in `Origin`.
    pub public_origin: Option<String>,
    /// A TLS proxy is in front (`--tls-proxy`): the cookie is `Secure`, and the client's
    /// address is the first of `X-Forwarded-For`.
    pub tls_proxy: bool,
}

impl AccountsConfig {
    /// Reads `--public-url` (`http(s)://HOST[:PORT][/]`, nothing else) into an origin.
    pub fn public_url(url: &str) -> Result<String, String> {
        let (scheme, rest) = url
            .split_once("://")
            .filter(|(s, _)| matches!(*s, "https" | "http"))
            .ok_or_else(|| format!("--public-url {url:?} must start with https:// or http://"))?;
        let host = rest.strip_suffix('/').unwrap_or(rest);
        let fine = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if fine {
            Ok(format!("{scheme}://{}", host.to_ascii_lowercase()))
        } else {
            Err(format!(
                "--public-url {url:?} must be a scheme and a host, such as https://rapport.example.org"
            ))
        }
    }

    /// The host of the public origin, as `Host` carries it.
    pub(crate) fn public_host(&self) -> Option<&str> {
        self.public_origin
            .as_deref()
            .and_then(|o| o.split_once("://"))
            .map(|(_, host)| host)
    }
}

/// Who is signed in, for the request being served.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) csrf: String,
}

tokio::task_local! {
    static SIGNED_IN: Signed;
    /// Set for every request to a server with accounts.
    static TEAM: ();
}

/// Where the pages say records are kept: "this computer" for one person's own server,
/// "this server" for a team's.
pub(crate) fn place() -> &'static str {
    if TEAM.try_with(|()| ()).is_ok() {
        "this server"
    } else {
        "this computer"
    }
}

/// Whose request a response answered, for the request log (a response extension).
#[derive(Debug, Clone)]
pub(crate) struct ServedUser(pub(crate) String);

/// Who is signed in, on a server with accounts.
pub(crate) fn signed_in() -> Option<Signed> {
    SIGNED_IN.try_with(Clone::clone).ok()
}

/// Whose records the request reads and writes: the signed-in user's, or the one local
/// user's on a server without accounts.
pub(crate) fn user_id() -> String {
    signed_in().map_or_else(|| LOCAL_USER.to_owned(), |s| s.name)
}

/// A name a user may have: 1 to 64 letters, digits, `.`, `_` or `-`, and not the local
/// user's.
pub fn check_user_name(name: &str) -> Result<(), String> {
    let fine = (1..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !fine {
        return Err(format!(
            "{name:?} is not a user name: use 1 to 64 letters, digits, '.', '_' or '-'"
        ));
    }
    if name == LOCAL_USER {
        return Err(format!(
            "{LOCAL_USER:?} is the name of the single user without accounts: choose another"
        ));
    }
    Ok(())
}

/// A password a user may have: at least [`MIN_PASSWORD_CHARS`] characters, not all
/// spaces.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.trim().is_empty() {
        return Err("the password is empty".to_owned());
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password is shorter than {MIN_PASSWORD_CHARS} characters"
        ));
    }
    Ok(())
}

/// The password's argon2id hash, salted at random, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| e.to_string())?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether the password matches the hash.
fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Random bytes from the operating system.
fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(bytes)
}

/// 128 random bits in hex.
fn random_hex() -> Result<String, String> {
    Ok(random_bytes::<16>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// What the store keeps of a session token.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Failed logins, counted per account and per address.
#[derive(Default)]
pub(crate) struct Limiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Limiter {
    /// Seconds to wait when `key` has had `most` failures within the window.
    fn wait(&self, key: &str, most: usize) -> Option<u32> {
        let mut failures = self.lock();
        // Counts older than the window are forgotten, and so are keys left with none, so
        // that names sprayed at the login form do not pile up.
        failures.retain(|_, times| {
            times.retain(|t| t.elapsed() < LIMIT_WINDOW);
            !times.is_empty()
        });
        let times = failures.get(key)?;
        (times.len() >= most).then(|| {
            let oldest = times.first().map_or(Duration::ZERO, Instant::elapsed);
            u32::try_from(LIMIT_WINDOW.saturating_sub(oldest).as_secs()).unwrap_or(u32::MAX) + 1
        })
    }

    fn fail(&self, key: &str) {
        self.lock()
            .entry(key.to_owned())
            .or_default()
            .push(Instant::now());
    }

    fn forget(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub(crate) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .route("/api/login", post(api_login))
        .route("/api/logout", post(api_logout))
}

/// Paths served without a session: logging in, and the files its page needs.
fn public(path: &str) -> bool {
    matches!(path, "/login" | "/api/login") || path.starts_with("/static/")
}

/// The layer of a server with accounts: serves each request as the user of its session,
/// and sends a request without one to log in.
pub(crate) async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.config().accounts.is_none() {
        return next.run(request).await;
    }
    TEAM.scope((), admit(state, request, next)).await
}

/// Serves the request as its session's user, or sends it to log in.
async fn admit(state: AppState, request: Request, next: Next) -> Response {
    let session = match cookie(request.headers()) {
        Some(token) => match state
            .store()
            .session(&token_hash(&token), state.now_ms())
            .await
        {
            Ok(session) => session,
            Err(err) => return store_error(err).into_response(),
        },
        None => None,
    };
    match session {
        Some(s) => {
            let name = s.user.name.clone();
            let signed = Signed {
                name: s.user.name,
                role: s.user.role,
                csrf: s.csrf,
            };
            let mut response = SIGNED_IN.scope(signed, next.run(request)).await;
            // For the request log: whose request it was.
            response.extensions_mut().insert(ServedUser(name));
            response
        }
        None if public(request.uri().path()) => next.run(request).await,
        None if crate::is_api(request.uri().path()) => AppError::new(
            StatusCode::UNAUTHORIZED,
            "login_required",
            "log in first: POST /api/login with your user name and password",
        )
        .into_response(),
        None => {
            let wanted = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            let to = if wanted == "/" {
                "/login".to_owned()
            } else {
                format!("/login?next={}", crate::pages::encode(&wanted))
            };
            Redirect::to(&to).into_response()
        }
    }
}

/// The session token of the request's cookie.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The `Set-Cookie` of a new session, or of logging out (`None`).
fn set_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let secure = state
        .config()
        .accounts
        .as_ref()
        .is_some_and(|a| a.tls_proxy);
    let value = match token {
        Some(t) => format!(
            "{COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
            SESSION_LENGTH.as_secs()
        ),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    };
    let value = if secure {
        format!("{value}; Secure")
    } else {
        value
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The peer's address, when the server was started to record it.
fn peer(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The client's address: the peer's, or behind a TLS proxy the first of
/// `X-Forwarded-For`.
fn client(state: &AppState, headers: &HeaderMap, peer: Option<IpAddr>) -> String {
    let forwarded = state
        .config()
        .accounts
        .as_ref()
        .is_some_and(|a| a.tls_proxy)
        .then(|| {
            headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_owned())
        })
        .flatten();
    forwarded
        .or_else(|| peer.map(|p| p.to_string()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Checks a name and password; on success starts a session and gives its token. Failed
/// tries count against the account and the address.
async fn log_in(
    state: &AppState,
    name: &str,
    password: &str,
    address: &str,
) -> Result<(String, Role), AppError> {
    let by_account = format!("account {name}");
    let by_address = format!("address {address}");
    let limiter = state.limiter();
    if let Some(wait) = limiter
        .wait(&by_account, FAILURES_PER_ACCOUNT)
        .or_else(|| limiter.wait(&by_address, FAILURES_PER_ADDRESS))
    {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!(
                "too many failed logins: try again in {} minutes",
                wait.div_ceil(60)
            ),
        )
        .retry_after(wait));
    }
    let user = state.store().user(name).await.map_err(store_error)?;
    // An unknown name costs the same time as a wrong password, so names cannot be
    // found out by timing.
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => DECOY
            .get_or_init(|| hash_password("not anyone's password").unwrap_or_default())
            .clone(),
    };
    let password = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    let Some(user) = user.filter(|_| matches) else {
        limiter.fail(&by_account);
        limiter.fail(&by_address);
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "bad_login",
            "that user name and password do not match",
        ));
    };
    limiter.forget(&by_account);
    let token = random_hex().map_err(|e| crate::scoring::internal(&e))?;
    let csrf = random_hex().map_err(|e| crate::scoring::internal(&e))?;
    let now = state.now_ms();
    state
        .store()
        .add_session(NewSession {
            token_hash: token_hash(&token),
            user_name: user.name.clone(),
            csrf,
            created_at_ms: now,
            expires_at_ms: now + i64::try_from(SESSION_LENGTH.as_millis()).unwrap_or(i64::MAX),
        })
        .await
        .map_err(store_error)?;
    Ok((token, user.role))
}

/// Ends the request's session, if it has one.
async fn log_out(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    if let Some(token) = cookie(headers) {
        state
            .store()
            .delete_session(&token_hash(&token))
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

/// `/login`.
#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    name: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

/// Where to go after logging in: a path on this server, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

async fn login_page(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AppError> {
    if state.config().accounts.is_none() {
        return Ok(Redirect::to("/").into_response());
    }
    crate::pages::page(&LoginPage {
        csrf: String::new(),
        name: String::new(),
        next: safe_next(query.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login_form(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    if state.config().accounts.is_none() {
        return Ok(Redirect::to("/").into_response());
    }
    let address = client(&state, &headers, peer(&extensions));
    let name = form.username.trim();
    match log_in(&state, name, &form.password, &address).await {
        Ok((token, _)) => {
            let mut response = Redirect::to(&safe_next(Some(&form.next))).into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, set_cookie(&state, Some(&token)));
            Ok(response)
        }
        Err(err) if err.status.is_client_error() => {
            let page = LoginPage {
                csrf: String::new(),
                name: name.to_owned(),
                next: safe_next(Some(&form.next)),
                error: Some(err.message.clone()),
            };
            let mut response = crate::pages::page_with(err.status, &page)?;
            if let Some(seconds) = err.retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, seconds.into());
            }
            Ok(response)
        }
        Err(err) => Err(err),
    }
}

async fn logout_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    log_out(&state, &headers).await?;
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&state, None));
    Ok(response)
}

/// A login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginJson {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

/// Who logged in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInJson {
    /// The user name.
    pub username: String,
    /// `candidate`, `coach`, `interviewer` or `admin`.
    pub role: &'static str,
}

/// Logs in (a server started with `--accounts`): the session cookie comes back in
/// `Set-Cookie` and goes with every later request.
#[utoipa::path(
    post,
    path = "/api/login",
    request_body = LoginJson,
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = SignedInJson),
        (status = 401, description = "The name and password do not match (`bad_login`)", body = ErrorBody),
        (status = 404, description = "This server has no accounts (`no_accounts`)", body = ErrorBody),
        (status = 429, description = "Too many failed logins (`too_many_attempts`, with `Retry-After`)", body = ErrorBody)
    )
)]
pub(crate) async fn api_login(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    Json(body): Json<LoginJson>,
) -> Result<Response, AppError> {
    if state.config().accounts.is_none() {
        return Err(no_accounts());
    }
    let address = client(&state, &headers, peer(&extensions));
    let (token, role) = log_in(&state, body.username.trim(), &body.password, &address).await?;
    let mut response = axum::Json(SignedInJson {
        username: body.username.trim().to_owned(),
        role: role.as_str(),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&state, Some(&token)));
    Ok(response)
}

/// Logs out: the session ends on every server.
#[utoipa::path(
    post,
    path = "/api/logout",
    responses((status = 204, description = "Logged out; the cookie is cleared"))
)]
pub(crate) async fn api_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if state.config().accounts.is_none() {
        return Err(no_accounts());
    }
    log_out(&state, &headers).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&state, None));
    Ok(response)
}

fn no_accounts() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "no_accounts",
        "this server has no accounts: it serves one user on this computer",
    )
}
