//! A server with accounts (`rapport serve --accounts`): everyone logs in, sessions live
//! in the store, each user sees only their own practice, failed logins are limited, and
//! a server without accounts stays exactly as it was.

use axum::body::Body;
use axum::http::{Method, header};
use rapport_server::{AccountsConfig, hash_password};
use rapport_store::{NewSession, Role, User};

use crate::support::{NOW_MS, Reply, TestApp, form};

pub(super) const ALICE_PASSWORD: &str = "correct horse battery";
pub(super) const BOB_PASSWORD: &str = "staple tuna orange";

/// A team server with two candidates, Alice and Bob.
pub(super) async fn team(accounts: AccountsConfig) -> TestApp {
    let app = TestApp::with_accounts(Some(accounts)).await;
    for (name, password) in [("alice", ALICE_PASSWORD), ("bob", BOB_PASSWORD)] {
        add_user(&app, name, Role::Candidate, password).await;
    }
    app
}

/// Adds a user with this role and password to the app's store.
pub(super) async fn add_user(app: &TestApp, name: &str, role: Role, password: &str) {
    let added = app
        .state()
        .store()
        .add_user(User {
            name: name.to_owned(),
            role,
            password_hash: hash_password(password).expect("hash"),
            created_at_ms: NOW_MS,
        })
        .await
        .expect("the store answers");
    assert!(added, "{name} is new");
}

/// Adds a user and logs them in: their session cookie.
pub(super) async fn signed_in(app: &TestApp, name: &str, role: Role, password: &str) -> String {
    add_user(app, name, role, password).await;
    session_cookie(&login(app, name, password).await)
}

/// `POST /api/login`.
pub(super) async fn login(app: &TestApp, name: &str, password: &str) -> Reply {
    app.post_json(
        "/api/login",
        &serde_json::json!({"username": name, "password": password}),
    )
    .await
}

/// The session cookie a login set (`rapport_session=…`).
pub(super) fn session_cookie(reply: &Reply) -> String {
    let set = reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no cookie set: {}", reply.body));
    set.split(';').next().unwrap_or("").to_owned()
}

/// A request with the session cookie.
pub(super) async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: &str,
    content_type: Option<&str>,
    body: String,
) -> Reply {
    let mut request = TestApp::request(method, path).header(header::COOKIE, cookie);
    if let Some(t) = content_type {
        request = request.header(header::CONTENT_TYPE, t);
    }
    app.send(request.body(Body::from(body)).expect("request"))
        .await
}

pub(super) async fn get(app: &TestApp, path: &str, cookie: &str) -> Reply {
    send(app, Method::GET, path, cookie, None, String::new()).await
}

pub(super) async fn post_json(
    app: &TestApp,
    path: &str,
    cookie: &str,
    body: serde_json::Value,
) -> Reply {
    send(
        app,
        Method::POST,
        path,
        cookie,
        Some("application/json"),
        body.to_string(),
    )
    .await
}

pub(super) async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> Reply {
    send(
        app,
        Method::POST,
        path,
        cookie,
        Some("application/x-www-form-urlencoded"),
        form(fields),
    )
    .await
}

/// The form token a page gives (its `csrf-token` meta tag).
pub(super) fn page_token(page: &Reply) -> String {
    let at = page
        .body
        .find("name=\"csrf-token\" content=\"")
        .expect("a page with a token")
        + "name=\"csrf-token\" content=\"".len();
    page.body[at..].split('"').next().unwrap_or("").to_owned()
}

pub(super) const ANSWER: &str = "Last spring a customer rang because her order had gone to the wrong \
    town. I apologised, tracked the parcel, and arranged a courier to bring it to her the \
    same afternoon. She rang back to thank us and has ordered every month since.";

#[tokio::test]
async fn without_accounts_nothing_changes() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/").await.status, 200, "no login");
    let login_page = app.get("/login").await;
    assert_eq!(login_page.status, 303);
    assert_eq!(login_page.location(), "/");
    let refused = login(&app, "alice", ALICE_PASSWORD).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(refused.code(), "no_accounts");
    assert!(!app.get("/").await.body.contains("Log out"));
}

#[tokio::test]
async fn a_team_server_asks_everyone_to_log_in_first() {
    let app = team(AccountsConfig::default()).await;
    let home = app.get("/").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.location(), "/login");
    let history = app.get("/history?guide=angry-caller").await;
    assert_eq!(
        history.location(),
        "/login?next=%2Fhistory%3Fguide%3Dangry-caller"
    );
    let api = app.get("/api/attempts").await;
    assert_eq!(api.status, 401, "{}", api.body);
    assert_eq!(api.code(), "login_required");
    let posted = app.attempt_refused().await;
    assert_eq!(posted, 401);
    // What the login page needs is served.
    assert_eq!(app.get("/static/app.css").await.status, 200);
    let page = app.get("/login?next=/history").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"name="password""#));
    assert!(page.body.contains(r#"name="next" value="/history""#));
    assert_eq!(app.count().await, 0);
}

impl TestApp {
    /// Tries to save an attempt without logging in; the status.
    async fn attempt_refused(&self) -> u16 {
        self.post_json(
            "/api/attempts",
            &serde_json::json!({"question_id": "angry-caller", "answer": ANSWER}),
        )
        .await
        .status
        .as_u16()
    }
}

#[tokio::test]
async fn each_user_sees_only_their_own_practice() {
    let app = team(AccountsConfig::default()).await;

    // A wrong password and an unknown name get the same answer.
    for (name, password) in [("alice", "not her password"), ("zed", ALICE_PASSWORD)] {
        let wrong = login(&app, name, password).await;
        assert_eq!(wrong.status, 401, "{}", wrong.body);
        assert_eq!(wrong.code(), "bad_login");
        assert!(wrong.headers.get(header::SET_COOKIE).is_none());
    }
    let alice = login(&app, "alice", ALICE_PASSWORD).await;
    assert_eq!(alice.status, 200, "{}", alice.body);
    assert_eq!(alice.json()["role"], "candidate");
    let set = alice.headers[header::SET_COOKIE].to_str().expect("ASCII");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "no TLS proxy: {set}");
    let alice = session_cookie(&alice);
    let bob = session_cookie(&login(&app, "bob", BOB_PASSWORD).await);
    assert_ne!(alice, bob);

    // Alice saves an attempt; it is hers.
    let saved = post_json(
        &app,
        "/api/attempts",
        &alice,
        serde_json::json!({"question_id": "angry-caller", "answer": ANSWER}),
    )
    .await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let id = saved.json()["id"].as_i64().expect("an id");
    let mine = get(&app, "/api/attempts", &alice).await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    assert_eq!(
        get(&app, &format!("/attempts/{id}"), &alice).await.status,
        200
    );

    // Bob sees none of it, by list, by id, by page or by export, and cannot delete it.
    assert_eq!(
        get(&app, "/api/attempts", &bob).await.json(),
        serde_json::json!([])
    );
    let by_id = get(&app, &format!("/api/attempts/{id}"), &bob).await;
    assert_eq!(by_id.status, 404, "not 403: ids are not confirmed");
    assert_eq!(
        get(&app, &format!("/attempts/{id}"), &bob).await.status,
        404
    );
    let export = get(&app, "/history/export.json", &bob).await;
    assert!(!export.body.contains("courier"), "{}", export.body);
    let deleted = send(
        &app,
        Method::DELETE,
        &format!("/api/attempts/{id}"),
        &bob,
        None,
        String::new(),
    )
    .await;
    assert_eq!(deleted.status, 404, "{}", deleted.body);
    assert_eq!(
        get(&app, "/api/attempts", &alice)
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // Each page carries the user's name and a form token of their own session: Bob's
    // token does not work in Alice's session.
    let page = get(&app, "/history", &alice).await;
    assert!(page.body.contains("alice (candidate)") && page.body.contains("Log out"));
    // The pages say where records are kept: on the team's server, not "this computer".
    assert!(page.body.contains("kept on this server") && page.body.contains("team's own server"));
    assert!(!page.body.contains("this computer"), "{}", page.body);
    let alices_token = page_token(&page);
    let bobs_token = page_token(&get(&app, "/history", &bob).await);
    assert_ne!(alices_token, bobs_token);
    assert_ne!(alices_token, app.csrf(), "not the server's own token");
    let forged = post_form(&app, "/history/clear", &alice, &[("csrf", &bobs_token)]).await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let practised = post_form(
        &app,
        "/practice/angry-caller",
        &alice,
        &[("csrf", &alices_token), ("answer", ANSWER)],
    )
    .await;
    assert_eq!(practised.status, 303, "{}", practised.body);
    let mine = get(&app, "/api/attempts", &alice).await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(2), "{mine}");
    assert_eq!(app.count().await, 0, "nothing saved as the local user");

    // Logging out ends the session on the server, not only in the browser.
    let out = send(
        &app,
        Method::POST,
        "/api/logout",
        &alice,
        Some("application/json"),
        String::new(),
    )
    .await;
    assert_eq!(out.status, 204, "{}", out.body);
    assert!(
        out.headers[header::SET_COOKIE]
            .to_str()
            .is_ok_and(|c| c.contains("Max-Age=0"))
    );
    assert_eq!(get(&app, "/api/attempts", &alice).await.status, 401);
    assert_eq!(
        get(&app, "/api/attempts", &bob).await.status,
        200,
        "Bob stays in"
    );
}

#[tokio::test]
async fn the_login_page_logs_in_and_goes_back_where_you_were() {
    let app = team(AccountsConfig::default()).await;
    let wrong = app
        .post_form(
            "/login",
            &[
                ("username", "alice"),
                ("password", "nope nope nope"),
                ("next", "/history"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("do not match"), "{}", wrong.body);
    assert!(wrong.body.contains(r#"value="alice""#), "the name is kept");
    let right = app
        .post_form(
            "/login",
            &[
                ("username", "alice"),
                ("password", ALICE_PASSWORD),
                ("next", "/history"),
            ],
        )
        .await;
    assert_eq!(right.status, 303, "{}", right.body);
    assert_eq!(right.location(), "/history");
    let cookie = session_cookie(&right);
    assert_eq!(get(&app, "/history", &cookie).await.status, 200);
    // Never off to another site.
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let away = app
            .post_form(
                "/login",
                &[
                    ("username", "alice"),
                    ("password", ALICE_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(away.location(), "/", "{next}");
    }
    // Logging out by the page's form.
    let token = page_token(&get(&app, "/", &cookie).await);
    let out = post_form(&app, "/logout", &cookie, &[("csrf", &token)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/login");
    assert_eq!(get(&app, "/", &cookie).await.location(), "/login");
}

#[tokio::test]
async fn failed_logins_are_limited_per_account() {
    let app = team(AccountsConfig::default()).await;
    for _ in 0..5 {
        assert_eq!(login(&app, "alice", "guess guess guess").await.status, 401);
    }
    let limited = login(&app, "alice", ALICE_PASSWORD).await;
    assert_eq!(
        limited.status, 429,
        "even the right password waits: {}",
        limited.body
    );
    assert_eq!(limited.code(), "too_many_attempts");
    let wait: u32 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=15 * 60 + 1).contains(&wait), "{wait}");
    // Another account is not held up by Alice's.
    assert_eq!(login(&app, "bob", BOB_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn an_ended_session_is_refused() {
    let app = team(AccountsConfig::default()).await;
    use sha2::Digest;
    let token = "0123456789abcdef0123456789abcdef";
    let hash: String = sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for (hash, expires) in [
        (hash.clone(), NOW_MS - 1),
        (format!("{hash}-live"), NOW_MS + 60_000),
    ] {
        app.state()
            .store()
            .add_session(NewSession {
                token_hash: hash,
                user_name: "alice".to_owned(),
                csrf: "c".to_owned(),
                created_at_ms: NOW_MS - 120_000,
                expires_at_ms: expires,
            })
            .await
            .expect("the store answers");
    }
    let cookie = format!("rapport_session={token}");
    assert_eq!(get(&app, "/api/attempts", &cookie).await.status, 401);
}

#[tokio::test]
async fn behind_a_tls_proxy_the_cookie_is_secure_and_the_public_host_is_ours() {
    let public = AccountsConfig::public_url("https://rapport.example.org/").expect("a URL");
    assert_eq!(public, "https://rapport.example.org");
    assert!(AccountsConfig::public_url("ftp://x").is_err());
    assert!(AccountsConfig::public_url("https://x/path?q").is_err());
    let app = team(AccountsConfig {
        public_origin: Some(public),
        tls_proxy: true,
    })
    .await;
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header(header::HOST, "rapport.example.org")
        .header(header::ORIGIN, "https://rapport.example.org")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", "203.0.113.9, 10.0.0.1")
        .body(Body::from(
            serde_json::json!({"username": "alice", "password": ALICE_PASSWORD}).to_string(),
        ))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let set = reply.headers[header::SET_COOKIE].to_str().expect("ASCII");
    assert!(set.contains("; Secure"), "{set}");
    let elsewhere = axum::http::Request::builder()
        .method(Method::GET)
        .uri("/login")
        .header(header::HOST, "evil.example")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(elsewhere).await.status, 403);
}
