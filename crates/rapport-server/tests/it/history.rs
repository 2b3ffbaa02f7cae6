//! History: attempts grouped by question, the progress chart, deleting one attempt or
//! all of them, and the JSON export.

use crate::support::{STRONG, TestApp, WEAK};

/// The answer the history rows start with.
const OTHER: &str = "In my current role I measure satisfaction with a short CSAT survey \
    after every ticket and a quarterly NPS survey. When the scores for delivery dropped, \
    I changed our follow-up calls, and within two months CSAT rose from 78 to 86 percent.";

#[tokio::test]
async fn history_groups_attempts_by_question_newest_first() {
    let app = TestApp::new().await;
    let empty = app.get("/history").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("No attempts yet"));

    app.attempt("difficult-customer", WEAK).await;
    app.attempt("measure-satisfaction", OTHER).await;
    app.attempt("difficult-customer", STRONG).await;
    let page = app.get("/history").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert_eq!(body.matches("<li class=\"attempt\">").count(), 3, "{body}");
    assert_eq!(body.matches("class=\"panel history-group\"").count(), 2);
    // The question answered last comes first, and its newest attempt first within it.
    let difficult = body
        .find("href=\"/history/difficult-customer\"")
        .unwrap_or(usize::MAX);
    let measure = body
        .find("href=\"/history/measure-satisfaction\"")
        .unwrap_or(0);
    assert!(difficult < measure, "groups by latest attempt");
    let strong = body
        .find("Last winter at the hotel front desk")
        .unwrap_or(usize::MAX);
    let weak = body.find("I am good with people").unwrap_or(0);
    assert!(strong < weak, "newest first");
    assert!(body.contains("2026-01-01 00:00"));
    assert!(body.contains("href=\"/history/export.json\""));
}

#[tokio::test]
async fn the_progress_chart_has_a_point_per_attempt() {
    let app = TestApp::new().await;
    for answer in [WEAK, STRONG, WEAK] {
        app.attempt("difficult-customer", answer).await;
    }
    app.attempt("measure-satisfaction", OTHER).await;
    let page = app.get("/history/difficult-customer").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains("<svg class=\"progress-chart\""), "{body}");
    assert!(body.contains("role=\"img\""));
    assert_eq!(body.matches("<circle class=\"point").count(), 3, "{body}");
    assert!(body.contains("<polyline class=\"score-line\""));
    // One row per step, one cell per attempt in each.
    assert_eq!(body.matches("<g class=\"step-row\">").count(), 4);
    assert_eq!(body.matches("<circle class=\"cell ").count(), 12);
    assert!(body.contains("<circle class=\"cell met\""));
    assert!(body.contains("<circle class=\"cell missing\""));
    assert_eq!(body.matches("<li class=\"attempt\">").count(), 3);
    // The y axis's lines are explained, and the first and last attempts are numbered
    // (two attempts in the same minute read apart).
    assert!(
        body.contains("The lines at 40, 60 and 80 are the bands' edges"),
        "{body}"
    );
    assert!(body.contains(">#1 · ") && body.contains(">#3 · "), "{body}");

    let unknown = app.get("/history/no-such-guide").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("No such question"));
}

#[tokio::test]
async fn one_attempt_is_deleted_from_a_form() {
    let app = TestApp::new().await;
    let keep = app.attempt("difficult-customer", WEAK).await;
    let gone = app.attempt("difficult-customer", STRONG).await;
    let csrf = app.csrf();
    let reply = app
        .post_form(
            &format!("/attempts/{}/delete", gone["id"]),
            &[("csrf", &csrf), ("back", "guide")],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(reply.location(), "/history/difficult-customer");
    assert_eq!(
        app.get(&format!("/api/attempts/{}", gone["id"]))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get(&format!("/api/attempts/{}", keep["id"]))
            .await
            .status,
        200
    );
    let again = app
        .post_form(
            &format!("/attempts/{}/delete", gone["id"]),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(again.status, 404);
    assert_eq!(app.count().await, 1);
}

#[tokio::test]
async fn everything_is_deleted_after_a_confirmation() {
    let app = TestApp::new().await;
    app.attempt("difficult-customer", WEAK).await;
    app.attempt("measure-satisfaction", OTHER).await;
    let confirm = app.get("/history/clear").await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Delete all attempts?"));
    assert!(confirm.body.contains("Delete all 2"));
    assert!(confirm.body.contains("action=\"/history/clear\""));
    assert_eq!(app.count().await, 2, "asking deletes nothing");

    let csrf = app.csrf();
    let reply = app.post_form("/history/clear", &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.location(), "/history?cleared=2");
    assert_eq!(app.count().await, 0);
    let page = app.get(&reply.location()).await;
    assert!(page.body.contains("Deleted 2 attempts."));
}

#[tokio::test]
async fn the_export_is_every_attempt_as_json() {
    let app = TestApp::new().await;
    let first = app.attempt("difficult-customer", WEAK).await;
    let second = app.attempt("measure-satisfaction", OTHER).await;
    let reply = app.get("/history/export.json").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    assert_eq!(
        reply.headers["content-disposition"],
        "attachment; filename=\"rapport-history.json\""
    );
    let list = reply.json();
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], second["id"]);
    assert_eq!(list[1]["id"], first["id"]);
    assert_eq!(list[1]["answer"], WEAK);
    assert_eq!(list[1]["report"]["question_id"], "difficult-customer");
    assert!(list[1]["report"]["criteria"].is_array());
}
