//! The request log: method, path, status and time for every request; never the answer,
//! the query string or the form's token.

use crate::support::{LogBuffer, TestApp};

#[tokio::test]
async fn every_request_is_logged_without_the_users_words() {
    let (buffer, _log) = LogBuffer::capture();

    let app = TestApp::new().await;
    let secret_answer = "Zanzibar customer with a lost parcel, traced it and the customer was happy \
        and thanked me and ordered again the next week and told her friends about us.";
    let secret_question = "Quixotic+question";
    let page = app
        .get(&format!(
            "/practice/difficult-customer?question={secret_question}"
        ))
        .await;
    assert_eq!(page.status, 200);
    let csrf = app.csrf();
    let saved = app
        .post_form(
            "/practice/difficult-customer",
            &[("csrf", &csrf), ("answer", secret_answer)],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let missing = app.get("/attempts/999999").await;
    assert_eq!(missing.status, 404);

    let log = buffer.text();
    assert!(
        log.contains("method=GET path=\"/practice/difficult-customer\" status=200"),
        "{log}"
    );
    assert!(
        log.contains("method=POST path=\"/practice/difficult-customer\" status=303"),
        "{log}"
    );
    assert!(log.contains("WARN"), "a 404 is logged as a warning: {log}");
    assert!(
        log.contains("path=\"/attempts/999999\" status=404"),
        "{log}"
    );
    assert!(log.contains(" ms="), "{log}");
    for secret in ["Zanzibar", "Quixotic", csrf.as_str()] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
}

#[tokio::test]
async fn an_error_carries_the_request_id_its_log_lines_have() {
    let (buffer, _log) = LogBuffer::capture();
    let app = TestApp::new().await;

    let missing = app.get("/api/attempts/999999").await;
    assert_eq!(missing.status, 404);
    let body = missing.json();
    let id = body["request_id"]
        .as_str()
        .expect("a JSON error names its request")
        .to_owned();
    assert_eq!(missing.headers["x-request-id"], id.as_str());
    let refused = app
        .post_raw("/api/score", "application/json", "{not json".to_owned())
        .await;
    assert_eq!(refused.status, 400);
    let other = refused.json()["request_id"]
        .as_str()
        .expect("every JSON error")
        .to_owned();
    assert_ne!(id, other, "each request has its own id");
    // A page that works has an id too, in its header only.
    let page = app.get("/").await;
    assert!(page.headers.contains_key("x-request-id"));

    // The log line of that request carries the same id.
    let log = buffer.text();
    let line = log
        .lines()
        .find(|l| l.contains("path=\"/api/attempts/999999\""))
        .unwrap_or_else(|| panic!("no line for the request: {log}"));
    assert!(line.contains(&id), "{line}");
}

#[tokio::test]
async fn on_a_team_server_the_log_names_the_user_and_never_a_password() {
    let (buffer, _log) = LogBuffer::capture();
    let app = TestApp::with_accounts(Some(rapport_server::AccountsConfig::default())).await;
    let password = "Xylophone-grade secret";
    let added = app
        .state()
        .store()
        .add_user(rapport_store::User {
            name: "dana".to_owned(),
            role: rapport_store::Role::Interviewer,
            password_hash: rapport_server::hash_password(password).expect("hash"),
            created_at_ms: 0,
        })
        .await
        .expect("the store answers");
    assert!(added);
    for attempt in ["wrong Zebra password", password] {
        app.post_json(
            "/api/login",
            &serde_json::json!({"username": "dana", "password": attempt}),
        )
        .await;
    }
    let login = app
        .post_json(
            "/api/login",
            &serde_json::json!({"username": "dana", "password": password}),
        )
        .await;
    let cookie = login.headers[axum::http::header::SET_COOKIE]
        .to_str()
        .expect("a cookie")
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned();
    let request = TestApp::request(axum::http::Method::GET, "/api/attempts")
        .header(axum::http::header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .expect("request");
    assert_eq!(app.send(request).await.status, 200);

    let log = buffer.text();
    assert!(
        log.lines()
            .any(|l| l.contains("path=\"/api/attempts\" status=200") && l.contains("user=\"dana\"")),
        "{log}"
    );
    assert!(log.contains("path=\"/api/login\" status=401"), "{log}");
    for secret in ["Xylophone", "Zebra"] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
}
