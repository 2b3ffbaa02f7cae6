//! The JSON API: every route's happy path, every bad input's status and code, and that
//! a refused attempt leaves nothing saved.

use serde_json::json;

use crate::support::{STRONG, TestApp, WEAK};

#[tokio::test]
async fn guides_are_listed_and_shown() {
    let app = TestApp::new().await;
    let list = app.get("/api/guides").await;
    assert_eq!(list.status, 200);
    let list = list.json();
    let ids: Vec<&str> = list
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|g| g["id"].as_str())
        .collect();
    assert!(ids.contains(&"difficult-customer"), "{ids:?}");
    assert!(ids.contains(&"measure-satisfaction"), "{ids:?}");

    let guide = app.get("/api/guides/difficult-customer").await;
    assert_eq!(guide.status, 200);
    let guide = guide.json();
    let steps: Vec<&str> = guide["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(steps, ["situation", "skills", "actions", "outcome"]);
    assert!(guide["samples"].as_array().is_some_and(|s| s.len() >= 2));
    assert!(guide["pitfalls"].as_array().is_some_and(|p| !p.is_empty()));
    assert!(
        guide["steps"][0]["guidance"]
            .as_str()
            .is_some_and(|g| !g.is_empty())
    );
}

#[tokio::test]
async fn an_unknown_guide_suggests_the_closest() {
    let app = TestApp::new().await;
    let reply = app.get("/api/guides/dificult-customer").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.code(), "unknown_guide");
    assert!(
        reply.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("did you mean `difficult-customer`")),
        "{}",
        reply.body
    );
    let score = app
        .post_json(
            "/api/score",
            &json!({ "question_id": "difficult-custmer", "answer": STRONG }),
        )
        .await;
    assert_eq!(score.status, 404);
    assert_eq!(score.code(), "unknown_guide");
}

#[tokio::test]
async fn score_returns_the_contract_and_saves_nothing() {
    let app = TestApp::new().await;
    let reply = app
        .post_json(
            "/api/score",
            &json!({ "question_id": "difficult-customer", "answer": STRONG }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let doc = reply.json();
    assert_eq!(doc["question_id"], "difficult-customer");
    let score = doc["score"].as_u64().expect("score");
    assert!(score <= 100);
    assert!(
        ["strong", "solid", "developing", "weak"].contains(&doc["band"].as_str().unwrap_or(""))
    );
    for field in ["words", "sentences", "speaking_seconds", "filler_words"] {
        assert!(doc["delivery"][field].is_u64(), "delivery.{field}");
    }
    assert!(doc["feedback"].is_array());
    let criteria = doc["criteria"].as_array().expect("criteria");
    assert_eq!(criteria.len(), 4);
    assert_eq!(doc["tips"].as_array().map(Vec::len), Some(5));
    // Evidence offsets are byte offsets into the answer as sent.
    let mut spans = 0;
    for c in criteria {
        for e in c["evidence"].as_array().expect("evidence") {
            let (start, end) = (
                e["start"].as_u64().expect("start") as usize,
                e["end"].as_u64().expect("end") as usize,
            );
            assert_eq!(
                Some(e["text"].as_str().unwrap_or("")),
                STRONG.get(start..end)
            );
            spans += 1;
        }
    }
    assert!(spans > 0, "a strong answer has evidence: {}", reply.body);
    assert_eq!(app.count().await, 0);
}

#[tokio::test]
async fn score_takes_a_free_question() {
    let app = TestApp::new().await;
    let reply = app
        .post_json(
            "/api/score",
            &json!({
                "question_text": "Tell me about a time you dealt with an angry customer",
                "answer": STRONG,
            }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let doc = reply.json();
    assert!(doc["matched"]["guide_id"].is_string(), "{}", reply.body);
    assert_eq!(doc["question_id"], doc["matched"]["guide_id"]);
}

#[tokio::test]
async fn the_report_schema_reads_every_field_the_contract_writes() {
    let app = TestApp::new().await;
    let reply = app
        .post_json(
            "/api/score",
            &json!({ "question_id": "difficult-customer", "answer": STRONG }),
        )
        .await;
    let original = reply.json();
    let doc: rapport_server::saved::ReportDoc =
        serde_json::from_value(original.clone()).expect("reads as ReportDoc");
    assert_eq!(serde_json::to_value(&doc).expect("writes"), original);
}

#[tokio::test]
async fn attempts_are_saved_listed_shown_and_compared() {
    let app = TestApp::new().await;
    let first = app.attempt("difficult-customer", WEAK).await;
    assert_eq!(first["mode"], "practice");
    assert_eq!(first["source"], "web");
    assert_eq!(first["guide_id"], "difficult-customer");
    assert_eq!(first["answer"], WEAK);
    assert!(
        first.get("changes").is_none(),
        "no previous attempt: {first}"
    );
    assert_eq!(first["report"]["question_id"], "difficult-customer");

    let reply = app
        .post_json(
            "/api/attempts",
            &json!({
                "question_id": "difficult-customer",
                "answer": STRONG,
                "mode": "timed",
                "seconds_taken": 95,
            }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let second = reply.json();
    assert_eq!(second["mode"], "timed");
    assert_eq!(second["seconds_taken"], 95);
    let changes = &second["changes"];
    assert_eq!(changes["previous_id"], first["id"]);
    let delta = second["score"].as_i64().unwrap_or(0) - first["score"].as_i64().unwrap_or(0);
    assert_eq!(changes["score_delta"], delta);
    assert!(delta > 0, "the strong answer scores higher: {second}");
    assert!(
        changes["gained"].as_array().is_some_and(|g| !g.is_empty()),
        "{changes}"
    );

    let list = app.get("/api/attempts?guide_id=difficult-customer").await;
    assert_eq!(list.status, 200);
    let list = list.json();
    let ids: Vec<&serde_json::Value> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(ids, [&second["id"], &first["id"]], "newest first");
    let limited = app.get("/api/attempts?limit=1").await.json();
    assert_eq!(limited.as_array().map(Vec::len), Some(1));
    let other = app.get("/api/attempts?guide_id=measure-satisfaction").await;
    assert_eq!(other.json(), json!([]));

    let one = app.get(&format!("/api/attempts/{}", first["id"])).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["answer"], WEAK);
}

#[tokio::test]
async fn attempts_are_deleted_one_or_all() {
    let app = TestApp::new().await;
    let a = app.attempt("difficult-customer", STRONG).await;
    app.attempt("difficult-customer", WEAK).await;
    app.attempt("most-important-quality", STRONG).await;
    let path = format!("/api/attempts/{}", a["id"]);
    let deleted = app.delete(&path).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(app.get(&path).await.status, 404);
    let again = app.delete(&path).await;
    assert_eq!(again.status, 404);
    assert_eq!(again.code(), "unknown_attempt");
    assert_eq!(app.count().await, 2);
    let all = app.delete("/api/attempts").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.json(), json!({ "deleted": 2 }));
    assert_eq!(app.count().await, 0);
}

#[tokio::test]
async fn unknown_and_odd_attempt_ids_are_not_found() {
    let app = TestApp::new().await;
    for path in ["/api/attempts/999", "/api/attempts/abc", "/api/attempts/-1"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.code(), "unknown_attempt", "{path}");
    }
}

#[tokio::test]
async fn progress_lists_each_attempt_oldest_first() {
    let app = TestApp::new().await;
    let first = app.attempt("difficult-customer", WEAK).await;
    let second = app.attempt("difficult-customer", STRONG).await;
    let reply = app.get("/api/progress/difficult-customer").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let progress = reply.json();
    assert_eq!(progress["steps"].as_array().map(Vec::len), Some(4));
    let points = progress["attempts"].as_array().expect("attempts");
    assert_eq!(points.len(), 2);
    assert_eq!(points[0]["id"], first["id"]);
    assert_eq!(points[1]["id"], second["id"]);
    assert_eq!(points[1]["score"], second["score"]);
    let steps = points[1]["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 4);
    assert!(
        steps
            .iter()
            .all(|s| s["met"].is_boolean() && s["strength"].is_number())
    );

    let empty = app.get("/api/progress/measure-satisfaction").await.json();
    assert_eq!(empty["attempts"], json!([]));
    let unknown = app.get("/api/progress/no-such-guide").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.code(), "unknown_guide");
}

#[tokio::test]
async fn the_openapi_document_lists_every_path() {
    let app = TestApp::new().await;
    let reply = app.get("/api/openapi.json").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    let doc = reply.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/guides", "get"),
        ("/api/guides/{id}", "get"),
        ("/api/score", "post"),
        ("/api/attempts", "get"),
        ("/api/attempts", "post"),
        ("/api/attempts", "delete"),
        ("/api/attempts/{id}", "get"),
        ("/api/attempts/{id}", "delete"),
        ("/api/progress/{guide_id}", "get"),
        ("/api/openapi.json", "get"),
    ] {
        assert!(
            paths.get(path).is_some_and(|p| p.get(method).is_some()),
            "{method} {path} missing"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "ReportDoc",
        "ScoreRequest",
        "AttemptRequest",
        "AttemptJson",
        "ErrorBody",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

/// Posts a body to both scoring endpoints and checks the status and code; then checks
/// that nothing was saved.
async fn refused(app: &TestApp, content_type: &str, body: String, status: u16, code: &str) {
    for path in ["/api/score", "/api/attempts"] {
        let reply = app.post_raw(path, content_type, body.clone()).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        assert_eq!(reply.code(), code, "{path}: {}", reply.body);
        assert!(
            reply.json()["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{}",
            reply.body
        );
    }
    assert_eq!(app.count().await, 0, "nothing saved after {code}");
}

fn answer(text: &str) -> String {
    json!({ "question_id": "difficult-customer", "answer": text }).to_string()
}

#[tokio::test]
async fn bad_answers_are_refused_with_stable_codes() {
    let app = TestApp::new().await;
    let json = "application/json";
    refused(&app, json, answer(""), 422, "empty_answer").await;
    refused(&app, json, answer("   \n "), 422, "empty_answer").await;
    let long = "word ".repeat(4_001);
    refused(&app, json, answer(&long), 413, "answer_too_long").await;
    refused(
        &app,
        json,
        answer("I helped \u{0}\u{1}\u{2} the customer \u{3}\u{4} with it."),
        422,
        "binary_answer",
    )
    .await;
    refused(
        &app,
        json,
        answer(
            "Ayer un cliente llegó muy enfadado porque su pedido no había llegado a \
             tiempo. Le escuché con calma, le pedí disculpas y le ofrecí una solución \
             que le pareció justa, y al final se fue contento con nosotros.",
        ),
        422,
        "not_english",
    )
    .await;
    refused(
        &app,
        json,
        json!({ "answer": STRONG }).to_string(),
        422,
        "missing_question",
    )
    .await;
}

#[tokio::test]
async fn bad_bodies_are_refused_with_stable_codes() {
    let app = TestApp::new().await;
    refused(
        &app,
        "text/plain",
        answer(STRONG),
        415,
        "unsupported_media_type",
    )
    .await;
    refused(
        &app,
        "application/x-www-form-urlencoded",
        "answer=hello".into(),
        // A form post to the API carries no token, so the security layer refuses it
        // before the endpoint can say it wants JSON.
        403,
        "bad_csrf_token",
    )
    .await;
    let huge = answer(&"a".repeat(300 * 1024));
    refused(&app, "application/json", huge, 413, "body_too_large").await;
    refused(
        &app,
        "application/json",
        "{\"question_id\": \"difficult-customer\",\n \"answer\": }".into(),
        400,
        "malformed_json",
    )
    .await;
    refused(
        &app,
        "application/json",
        "{\"question_id\": 7, \"answer\": \"x\"}".into(),
        400,
        "invalid_body",
    )
    .await;
}

#[tokio::test]
async fn malformed_json_says_where() {
    let app = TestApp::new().await;
    let reply = app
        .post_raw(
            "/api/score",
            "application/json",
            "{\"question_id\": \"difficult-customer\",\n \"answer\": }".into(),
        )
        .await;
    let message = reply.json()["message"].as_str().unwrap_or("").to_owned();
    assert!(message.contains("line 2 column 12"), "{message}");
}

#[tokio::test]
async fn unknown_api_routes_and_methods_answer_in_json() {
    let app = TestApp::new().await;
    let reply = app.get("/api/nothing-here").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.code(), "not_found");
    let reply = app.delete("/api/guides").await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.code(), "method_not_allowed");
}

/// Another program holding the database's write lock past the busy timeout: the client
/// gets a 503 it can act on (a JSON `busy` error and `Retry-After`), not a 500, nothing
/// is saved, and once the lock is gone the same request works.
#[tokio::test]
async fn a_database_locked_by_another_program_is_a_503_with_retry_after() {
    use sqlx::Connection;
    let app = TestApp::new().await;
    let url = format!("sqlite://{}", app.db_path().display());
    let mut other = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("a second connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("the write lock");
    let body = json!({ "question_id": "difficult-customer", "answer": STRONG });
    let reply = app.post_json("/api/attempts", &body).await;
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(reply.code(), "busy");
    assert_eq!(
        reply
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("lock released");
    assert_eq!(app.count().await, 0, "nothing saved while locked");
    app.attempt("difficult-customer", STRONG).await;
    assert_eq!(app.count().await, 1);
}
