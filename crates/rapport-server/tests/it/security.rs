//! What keeps other sites out: the Host check, the Origin and `Sec-Fetch-Site` checks,
//! the form token, the body limit, and the security headers.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::support::{ADDR, STRONG, TestApp, form};

fn score_body() -> String {
    json!({ "question_id": "difficult-customer", "answer": STRONG }).to_string()
}

#[tokio::test]
async fn only_this_servers_host_names_are_answered() {
    let app = TestApp::new().await;
    for host in [
        "127.0.0.1:7878",
        "localhost:7878",
        "[::1]:7878",
        "LOCALHOST:7878",
    ] {
        let request = Request::get("/")
            .header(header::HOST, host)
            .body(Body::empty())
            .expect("request");
        assert_eq!(app.send(request).await.status, 200, "{host}");
    }
    for host in [
        "evil.example",
        "evil.example:7878",
        "localhost:9999",
        "127.0.0.1",
        "",
    ] {
        let request = Request::get("/api/guides")
            .header(header::HOST, host)
            .body(Body::empty())
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(reply.status, 403, "{host}");
        assert_eq!(reply.code(), "bad_host", "{host}");
    }
    let no_host = Request::get("/").body(Body::empty()).expect("request");
    assert_eq!(app.send(no_host).await.status, 403);
}

#[tokio::test]
async fn state_changes_from_other_origins_are_refused() {
    let app = TestApp::new().await;
    for origin in [
        "http://evil.example",
        "null",
        "http://localhost:9999",
        "https://127.0.0.1:7878",
    ] {
        let request = TestApp::request(Method::POST, "/api/attempts")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, origin)
            .body(Body::from(score_body()))
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(reply.status, 403, "{origin}");
        assert_eq!(reply.code(), "cross_origin", "{origin}");
    }
    for site in ["cross-site", "same-site"] {
        let request = TestApp::request(Method::POST, "/api/attempts")
            .header(header::CONTENT_TYPE, "application/json")
            .header("sec-fetch-site", site)
            .body(Body::from(score_body()))
            .expect("request");
        assert_eq!(app.send(request).await.code(), "cross_origin", "{site}");
    }
    assert_eq!(app.count().await, 0);

    for origin in [format!("http://{ADDR}"), "http://localhost:7878".to_owned()] {
        let request = TestApp::request(Method::POST, "/api/score")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, origin.as_str())
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(score_body()))
            .expect("request");
        assert_eq!(app.send(request).await.status, 200, "{origin}");
    }
}

#[tokio::test]
async fn a_null_origin_passes_only_when_the_browser_says_same_origin() {
    // Under `Referrer-Policy: no-referrer` browsers post forms with `Origin: null`.
    let app = TestApp::new().await;
    let csrf = app.csrf();
    let body = form(&[("csrf", &csrf), ("answer", STRONG)]);
    for (site, status) in [
        (Some("same-origin"), 303),
        (Some("cross-site"), 403),
        (None, 403),
    ] {
        let mut request = TestApp::request(Method::POST, "/practice/difficult-customer")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "null");
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        let reply = app
            .send(request.body(Body::from(body.clone())).expect("request"))
            .await;
        assert_eq!(reply.status, status, "{site:?}: {}", reply.body);
    }
    assert_eq!(app.count().await, 1);
}

#[tokio::test]
async fn deleting_from_another_origin_is_refused() {
    let app = TestApp::new().await;
    app.attempt("difficult-customer", STRONG).await;
    let request = TestApp::request(Method::DELETE, "/api/attempts")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(request).await.status, 403);
    assert_eq!(app.count().await, 1);
}

#[tokio::test]
async fn form_posts_need_the_token() {
    let app = TestApp::new().await;
    for fields in [
        vec![("answer", STRONG)],
        vec![("csrf", ""), ("answer", STRONG)],
        vec![
            ("csrf", "0123456789abcdef0123456789abcdef"),
            ("answer", STRONG),
        ],
    ] {
        let reply = app.post_form("/practice/difficult-customer", &fields).await;
        assert_eq!(reply.status, 403, "{fields:?}");
        assert_eq!(reply.refusal(), "bad_csrf_token");
    }
    app.attempt("difficult-customer", STRONG).await;
    let reply = app.post_form("/history/clear", &[]).await;
    assert_eq!(reply.refusal(), "bad_csrf_token");
    assert_eq!(app.count().await, 1);
}

/// A page loaded before the server started again posts a token that is out of date: the
/// refusal is a page that keeps the text and sends it again with a fresh token.
#[tokio::test]
async fn a_form_from_before_a_restart_is_kept_and_can_be_sent_again() {
    let app = TestApp::new().await;
    let stale = "0123456789abcdef0123456789abcdef";
    let answer = "Last spring a customer <b>rang</b> about a lost parcel.\n\nI traced it.";
    let reply = app
        .post_form(
            "/practice/difficult-customer",
            &[
                ("csrf", stale),
                ("answer", answer),
                ("mode", "timed"),
                ("limit", "90"),
            ],
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.refusal(), "bad_csrf_token");
    let body = &reply.body;
    assert!(body.contains("Send again"), "{body}");
    assert!(
        body.contains("action=\"/practice/difficult-customer\""),
        "{body}"
    );
    // The answer is kept, escaped, in a box; the other fields ride along hidden.
    assert!(body.contains("&#60;b&#62;rang&#60;/b&#62;"), "{body}");
    assert!(!body.contains("<b>rang"), "{body}");
    assert!(body.contains("name=\"mode\" value=\"timed\""), "{body}");
    assert!(!body.contains(stale), "the stale token is not sent again");
    assert!(body.contains(&format!("name=\"csrf\" value=\"{}\"", app.csrf())));
    assert_eq!(app.count().await, 0, "nothing was saved");
    // Sending it again as the page would saves it, timed, as written.
    let again = app
        .post_form(
            "/practice/difficult-customer",
            &[
                ("csrf", &app.csrf()),
                ("answer", answer),
                ("mode", "timed"),
                ("limit", "90"),
            ],
        )
        .await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(app.count().await, 1);
}

/// A form body that is not UTF-8 is refused, not saved garbled.
#[tokio::test]
async fn a_form_that_is_not_utf8_is_refused() {
    let app = TestApp::new().await;
    let body = format!("csrf={}&answer=caf%E9+au+lait+%E0+la+carte", app.csrf());
    let reply = app
        .post_raw(
            "/practice/difficult-customer",
            "application/x-www-form-urlencoded",
            body,
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.refusal(), "not_utf8");
    assert_eq!(app.count().await, 0);
}

#[tokio::test]
async fn the_json_api_needs_the_json_content_type() {
    let app = TestApp::new().await;
    for content_type in ["text/plain", "multipart/form-data; boundary=x", ""] {
        let reply = app.post_raw("/api/score", content_type, score_body()).await;
        assert_eq!(reply.status, 415, "{content_type:?}");
        assert_eq!(reply.code(), "unsupported_media_type");
    }
    let charset = app
        .post_raw(
            "/api/score",
            "application/json; charset=utf-8",
            score_body(),
        )
        .await;
    assert_eq!(charset.status, 200);
}

#[tokio::test]
async fn large_form_bodies_are_refused() {
    let app = TestApp::new().await;
    let csrf = app.csrf();
    let big = "a".repeat(300 * 1024);
    let reply = app
        .post_form(
            "/practice/difficult-customer",
            &[("csrf", &csrf), ("answer", &big)],
        )
        .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.refusal(), "body_too_large");
    let chunked = TestApp::request(Method::POST, "/practice/difficult-customer")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, "999999999")
        .body(Body::from(form(&[("csrf", &csrf)])))
        .expect("request");
    assert_eq!(app.send(chunked).await.refusal(), "body_too_large");
    assert_eq!(app.count().await, 0);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    let bad_host = Request::get("/")
        .header(header::HOST, "evil.example")
        .body(Body::empty())
        .expect("request");
    let replies = [
        app.get("/").await,
        app.get("/api/guides").await,
        app.get("/nowhere").await,
        app.get("/static/app.css").await,
        app.send(bad_host).await,
    ];
    for reply in &replies {
        assert_eq!(
            reply.headers["content-security-policy"],
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors 'none'"
        );
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        assert_eq!(reply.headers["referrer-policy"], "no-referrer");
    }
}

#[tokio::test]
async fn pages_carry_no_inline_script_or_style() {
    let app = TestApp::new().await;
    app.attempt("difficult-customer", STRONG).await;
    for path in [
        "/",
        "/questions/difficult-customer",
        "/practice/difficult-customer?timed=1",
        "/attempts/1",
        "/history",
        "/history/difficult-customer",
        "/history/clear",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let body = &page.body;
        assert!(!body.contains("<script>"), "{path}: inline script");
        assert!(!body.contains("<style"), "{path}: inline style");
        assert!(!body.contains(" style=\""), "{path}: style attribute");
        assert!(!body.contains(" onclick="), "{path}: inline handler");
        assert!(body.contains(&format!(
            "<meta name=\"csrf-token\" content=\"{}\">",
            app.csrf()
        )));
    }
}
