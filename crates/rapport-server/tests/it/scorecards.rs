//! Interviewer scorecards: create, override, comment, recommend, save, export, delete;
//! kept apart from the practice history; foreign posts refused; user text escaped.

use rapport_store::{AttemptFilter, LOCAL_USER, Scorecard};

use crate::support::{TestApp, escaped};

/// The guide every test scores against.
const GUIDE: &str = "difficult-customer";

/// A sample answer of the guide: it takes every step.
fn sample(app: &TestApp) -> String {
    app.state()
        .engine()
        .guide(GUIDE)
        .and_then(|g| g.samples.first())
        .map(|s| s.text.clone())
        .expect("the guide has a sample")
}

/// Creates a scorecard and returns its id.
async fn create(app: &TestApp, candidate: &str, answer: &str) -> i64 {
    let csrf = app.csrf();
    let reply = app
        .post_form(
            "/scorecards",
            &[
                ("csrf", &csrf),
                ("candidate", candidate),
                ("guide", GUIDE),
                ("answer", answer),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    reply
        .location()
        .strip_prefix("/scorecards/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("unexpected redirect {:?}", reply.location()))
}

/// The scorecard as stored.
async fn stored(app: &TestApp, id: i64) -> Option<Scorecard> {
    app.state()
        .store()
        .scorecard(LOCAL_USER, id)
        .await
        .expect("store")
}

#[tokio::test]
async fn a_scorecard_is_scored_reviewed_exported_and_deleted() {
    let app = TestApp::new().await;
    let empty = app.get("/scorecards").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("No scorecards yet"), "{}", empty.body);

    let form = app.get("/scorecards/new").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains(&format!("value=\"{GUIDE}\"")),
        "{}",
        form.body
    );
    let preselected = app.get(&format!("/scorecards/new?guide={GUIDE}")).await;
    assert!(
        preselected
            .body
            .contains(&format!("value=\"{GUIDE}\" selected"))
    );

    let answer = sample(&app);
    let id = create(&app, "  Jane Doe ", &answer).await;
    let card = stored(&app, id).await.expect("saved");
    let sc = &card.scorecard;
    assert_eq!(sc.candidate, "Jane Doe");
    assert_eq!(sc.guide_id, GUIDE);
    assert_eq!(sc.answer, answer);
    assert_eq!(sc.recommendation, "");
    assert!(sc.steps.iter().all(|s| s.override_met.is_none()));
    let step_ids: Vec<String> = sc.steps.iter().map(|s| s.id.clone()).collect();
    assert_eq!(step_ids, ["situation", "skills", "actions", "outcome"]);

    let page = app.get(&format!("/scorecards/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Scorecard: Jane Doe"), "{}", page.body);
    assert!(page.body.contains(&format!("{}/100", sc.score)));
    for step in &step_ids {
        assert!(page.body.contains(&format!(
            "name=\"override-{step}\" value=\"engine\" checked"
        )));
        assert!(page.body.contains(&format!("name=\"comment-{step}\"")));
    }
    assert!(
        page.body.contains("<mark class=\"evidence"),
        "evidence is highlighted"
    );
    assert!(page.body.contains("href=\"/static/scorecard.css\""));
    // Print and delete-confirmation come from the shared script.
    assert!(page.body.contains("data-print"));
    assert!(page.body.contains("src=\"/static/app.js\""));

    // The interviewer overrides one step, comments on another, and recommends.
    let csrf = app.csrf();
    let reply = app
        .post_form(
            &format!("/scorecards/{id}"),
            &[
                ("csrf", &csrf),
                ("override-situation", "engine"),
                ("override-skills", "engine"),
                ("override-actions", "met"),
                ("override-outcome", "not-met"),
                ("comment-situation", "Clear scene:\nhotel, late evening."),
                ("comment-outcome", "No result for the guest."),
                ("recommendation", "yes"),
                ("comment", "Calm under pressure; ask about results."),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(reply.location(), format!("/scorecards/{id}?saved=1"));
    let card = stored(&app, id).await.expect("saved");
    let sc = &card.scorecard;
    let step = |id: &str| sc.steps.iter().find(|s| s.id == id).expect("step");
    assert_eq!(step("situation").override_met, None);
    assert_eq!(step("actions").override_met, Some(true));
    assert_eq!(step("outcome").override_met, Some(false));
    assert_eq!(
        step("situation").comment,
        "Clear scene:\nhotel, late evening."
    );
    assert_eq!(step("outcome").comment, "No result for the guest.");
    assert_eq!(sc.recommendation, "yes");
    assert_eq!(sc.comment, "Calm under pressure; ask about results.");

    let page = app.get(&format!("/scorecards/{id}?saved=1")).await;
    assert!(page.body.contains("Saved."), "{}", page.body);
    assert!(
        page.body
            .contains("name=\"override-outcome\" value=\"not-met\" checked")
    );
    assert!(
        page.body
            .contains("name=\"recommendation\" value=\"yes\" checked")
    );
    assert!(page.body.contains("No result for the guest."));
    let met = sc
        .steps
        .iter()
        .filter(|s| s.override_met.unwrap_or(s.engine_met))
        .count();
    assert!(page.body.contains(&format!("{met} of 4")), "{}", page.body);

    // Markdown: a download, with the text as written.
    let md = app.get(&format!("/scorecards/{id}.md")).await;
    assert_eq!(md.status, 200);
    assert_eq!(md.headers["content-type"], "text/markdown; charset=utf-8");
    assert_eq!(
        md.headers["content-disposition"],
        format!("attachment; filename=\"scorecard-{id}-jane-doe.md\"")
    );
    assert!(
        md.body.starts_with("# Scorecard: Jane Doe\n"),
        "{}",
        md.body
    );
    assert!(md.body.contains("**Recommendation:** Yes"), "{}", md.body);
    assert!(
        md.body.contains("> Clear scene:\n> hotel, late evening.\n"),
        "{}",
        md.body
    );
    assert!(
        md.body.contains("Interviewer: not met (override)"),
        "{}",
        md.body
    );
    assert!(
        md.body
            .contains("> Calm under pressure; ask about results.")
    );
    let first_line = answer.lines().next().unwrap_or_default();
    assert!(md.body.contains(&format!("> {first_line}")), "{}", md.body);

    // JSON: the card with final verdicts and the engine's report.
    let json = app.get(&format!("/scorecards/{id}.json")).await;
    assert_eq!(json.status, 200);
    assert_eq!(json.headers["content-type"], "application/json");
    assert_eq!(
        json.headers["content-disposition"],
        format!("attachment; filename=\"scorecard-{id}-jane-doe.json\"")
    );
    let doc: serde_json::Value = serde_json::from_str(&json.body).expect("json");
    assert_eq!(doc["id"], id);
    assert_eq!(doc["candidate"], "Jane Doe");
    assert_eq!(doc["guide_id"], GUIDE);
    assert_eq!(doc["recommendation"], "yes");
    assert_eq!(doc["steps_met"], met);
    let outcome = &doc["steps"][3];
    assert_eq!(outcome["id"], "outcome");
    assert_eq!(outcome["override_met"], false);
    assert_eq!(outcome["met"], false);
    assert_eq!(outcome["comment"], "No result for the guest.");
    assert_eq!(doc["steps"][0]["override_met"], serde_json::Value::Null);
    assert_eq!(doc["report"]["question_id"], GUIDE);
    assert_eq!(doc["report"]["criteria"].as_array().map(Vec::len), Some(4));

    let list = app.get("/scorecards").await;
    assert!(list.body.contains("Jane Doe"));
    assert!(list.body.contains(&format!("href=\"/scorecards/{id}.md\"")));

    // Delete.
    let deleted = app
        .post_form(&format!("/scorecards/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(deleted.location(), "/scorecards");
    assert!(stored(&app, id).await.is_none());
    for path in [
        format!("/scorecards/{id}"),
        format!("/scorecards/{id}.md"),
        format!("/scorecards/{id}.json"),
    ] {
        assert_eq!(app.get(&path).await.status, 404, "{path}");
    }
    let again = app
        .post_form(&format!("/scorecards/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn scorecards_never_become_practice_attempts() {
    let app = TestApp::new().await;
    let answer = sample(&app);
    create(&app, "Sam", &answer).await;
    let attempts = app
        .state()
        .store()
        .attempts(LOCAL_USER, &AttemptFilter::default())
        .await
        .expect("attempts");
    assert!(attempts.is_empty(), "{attempts:?}");
    assert_eq!(
        app.state()
            .store()
            .scorecards(LOCAL_USER)
            .await
            .expect("scorecards")
            .len(),
        1
    );
}

#[tokio::test]
async fn candidate_text_is_escaped_on_every_page() {
    let app = TestApp::new().await;
    let name = "<script>alert(\"name\")</script>";
    let answer = format!("{} <img src=x onerror=alert(1)>", sample(&app));
    let id = create(&app, name, &answer).await;
    let csrf = app.csrf();
    let saved = app
        .post_form(
            &format!("/scorecards/{id}"),
            &[
                ("csrf", &csrf),
                ("comment", "</textarea><script>alert(2)</script>"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    for path in [format!("/scorecards/{id}"), "/scorecards".to_owned()] {
        let page = app.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains("<script>alert"),
            "{path}: {}",
            page.body
        );
        assert!(!page.body.contains("<img src=x"), "{path}");
        assert!(!page.body.contains("</textarea><script>"), "{path}");
        assert!(
            page.body.contains("&#60;script&#62;alert(&#34;name&#34;)"),
            "{path}"
        );
    }
    let page = app.get(&format!("/scorecards/{id}")).await;
    assert!(page.body.contains("&#60;img src=x onerror=alert(1)&#62;"));
    // The Markdown export escapes markup, which a Markdown viewer would otherwise pass
    // through as HTML (the entities show as the characters typed), and the file name has
    // no trace of it.
    let md = app.get(&format!("/scorecards/{id}.md")).await;
    assert!(
        md.body
            .contains("# Scorecard: &lt;script&gt;alert(\"name\")&lt;/script&gt;\n"),
        "{}",
        md.body
    );
    assert!(
        !md.body.contains("<script>") && !md.body.contains("<img"),
        "{}",
        md.body
    );
    assert_eq!(
        md.headers["content-disposition"],
        format!("attachment; filename=\"scorecard-{id}-script-alert-name-script.md\"")
    );
}

#[tokio::test]
async fn bad_input_shows_the_form_again_with_everything_kept() {
    let app = TestApp::new().await;
    let csrf = app.csrf();
    let answer = sample(&app);
    let cases = [
        ("", GUIDE, answer.as_str(), "write the candidate&#39;s name"),
        ("Ana", "", answer.as_str(), "choose the question"),
        ("Ana", "difficult-custmer", answer.as_str(), "did you mean"),
        ("Ana", GUIDE, "  ", "the answer is empty"),
    ];
    for (candidate, guide, text, message) in cases {
        let reply = app
            .post_form(
                "/scorecards",
                &[
                    ("csrf", &csrf),
                    ("candidate", candidate),
                    ("guide", guide),
                    ("answer", text),
                ],
            )
            .await;
        assert!(
            reply.status.is_client_error(),
            "{message}: {}",
            reply.status
        );
        assert!(reply.body.contains(message), "{message}: {}", reply.body);
        assert!(
            reply.body.contains(&format!("value=\"{candidate}\"")),
            "{message}"
        );
        if !text.trim().is_empty() {
            let first_line = text.lines().next().unwrap_or_default();
            assert!(
                reply.body.contains(&escaped(first_line)),
                "{message}: answer kept"
            );
        }
    }
    let long = "x".repeat(201);
    let reply = app
        .post_form(
            "/scorecards",
            &[
                ("csrf", &csrf),
                ("candidate", &long),
                ("guide", GUIDE),
                ("answer", &answer),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert!(
        app.state()
            .store()
            .scorecards(LOCAL_USER)
            .await
            .expect("scorecards")
            .is_empty()
    );

    // A save with a comment over the limit keeps what was typed and changes nothing.
    let id = create(&app, "Ana", &answer).await;
    let huge = "a".repeat(10_001);
    let reply = app
        .post_form(
            &format!("/scorecards/{id}"),
            &[
                ("csrf", &csrf),
                ("recommendation", "no"),
                ("comment-outcome", &huge),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains(&huge), "comment kept");
    assert!(
        reply
            .body
            .contains("name=\"recommendation\" value=\"no\" checked")
    );
    let card = stored(&app, id).await.expect("saved");
    assert_eq!(card.scorecard.recommendation, "");

    let reply = app
        .post_form(
            &format!("/scorecards/{id}"),
            &[("csrf", &csrf), ("recommendation", "maybe")],
        )
        .await;
    assert_eq!(reply.status, 422);
}

#[tokio::test]
async fn forms_without_the_token_are_refused() {
    let app = TestApp::new().await;
    let answer = sample(&app);
    let reply = app
        .post_form(
            "/scorecards",
            &[("candidate", "Lee"), ("guide", GUIDE), ("answer", &answer)],
        )
        .await;
    assert_eq!(reply.status, 403);
    let id = create(&app, "Lee", &answer).await;
    let reply = app
        .post_form(
            &format!("/scorecards/{id}"),
            &[("csrf", "forged"), ("recommendation", "strong-no")],
        )
        .await;
    assert_eq!(reply.status, 403);
    let reply = app
        .post_form(&format!("/scorecards/{id}/delete"), &[])
        .await;
    assert_eq!(reply.status, 403);
    let card = stored(&app, id).await.expect("still there");
    assert_eq!(card.scorecard.recommendation, "");
    assert_eq!(
        app.state()
            .store()
            .scorecards(LOCAL_USER)
            .await
            .expect("scorecards")
            .len(),
        1
    );
}

#[tokio::test]
async fn unknown_scorecards_are_not_found() {
    let app = TestApp::new().await;
    let csrf = app.csrf();
    for path in [
        "/scorecards/999",
        "/scorecards/999.md",
        "/scorecards/x.json",
        "/scorecards/-1",
    ] {
        assert_eq!(app.get(path).await.status, 404, "{path}");
    }
    let reply = app
        .post_form("/scorecards/999", &[("csrf", &csrf), ("comment", "x")])
        .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn the_stylesheet_is_served_and_lays_the_card_out_on_paper() {
    let app = TestApp::new().await;
    let css = app.get("/static/scorecard.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert!(css.body.contains("@media print"));
}
