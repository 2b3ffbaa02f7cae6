//! Your own questions: the `/ask` page matching pasted questions to guides (or to the
//! general rubric), practising one in your own words, and `POST /api/match` with its
//! bad inputs.

use axum::body::Body;
use axum::http::{Method, header};
use rapport_store::LOCAL_USER;

use crate::support::{STRONG, TestApp, escaped};

/// A question with a guide of its own.
const OWN: &str = "Tell me about yourself.";

/// A question no guide is close to.
const ODD: &str = "What is your favourite colour of bicycle?";

/// The sentence `/ask` shows for a question the general rubric judges.
const GENERAL: &str = "No guide is close: this question will be judged by the general story \
                       rubric (situation, actions, outcome, reflection).";

#[tokio::test]
async fn the_ask_page_has_a_form_and_a_place_in_the_navigation() {
    let app = TestApp::new().await;
    let page = app.get("/ask").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("action=\"/ask\""), "{}", page.body);
    assert!(page.body.contains("name=\"questions\""));
    assert!(page.body.contains(&format!("value=\"{}\"", app.csrf())));
    for path in ["/", "/mock", "/history"] {
        let other = app.get(path).await;
        assert!(other.body.contains("<a href=\"/ask\">"), "{path}");
    }
    // The question list's search can start the box off.
    let prefilled = app.get("/ask?question=Why+us%3F").await;
    assert!(
        prefilled.body.contains(">Why us?</textarea>"),
        "{}",
        prefilled.body
    );
}

#[tokio::test]
async fn pasted_questions_are_matched_to_guides_or_to_the_general_rubric() {
    let app = TestApp::new().await;
    let csrf = app.csrf();
    let text = format!("{OWN}\n{ODD}");
    let reply = app
        .post_form("/ask", &[("csrf", &csrf), ("questions", &text)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = &reply.body;
    assert!(body.contains("The guides for your 2 questions"), "{body}");

    // The question with a guide: the guide, its pack, how close, and the links.
    let guide = app
        .state()
        .engine()
        .guide("tell-me-about-yourself")
        .expect("guide")
        .clone();
    assert!(body.contains(&escaped(OWN)));
    assert!(
        body.contains(&format!(
            "<a href=\"/questions/tell-me-about-yourself\">{}</a>",
            escaped(&guide.question)
        )),
        "{body}"
    );
    assert!(body.contains("Common questions"), "{body}");
    assert!(
        body.contains("<span class=\"closeness closeness-close\">close</span> 100% similar"),
        "{body}"
    );
    assert!(
        body.contains("href=\"/practice/tell-me-about-yourself?question=Tell+me+about+yourself.\""),
        "{body}"
    );

    // The odd question: the general rubric, and practice in its own words.
    assert!(body.contains(&escaped(ODD)));
    assert!(body.contains(&escaped(GENERAL)), "{body}");
    assert!(body.contains("The nearest guide"), "{body}");
    assert!(
        body.contains(
            "href=\"/practice/general?question=What+is+your+favourite+colour+of+bicycle%3F\""
        ),
        "{body}"
    );
    assert!(body.contains("href=\"/questions/general\""), "{body}");
    // The text stays in the box.
    assert!(body.contains(&format!(">{}</textarea>", escaped(&text))));
    // Nothing is saved by matching.
    assert_eq!(app.count().await, 0);

    // Several questions on one line, each ending with a question mark, count apart.
    let one_line = "- Why do you want to work here? What is your greatest weakness?";
    let reply = app
        .post_form("/ask", &[("csrf", &csrf), ("questions", one_line)])
        .await;
    assert!(
        reply.body.contains("href=\"/questions/why-this-company\""),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("href=\"/questions/greatest-weakness\""),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn the_ask_form_refuses_what_it_cannot_match_and_keeps_the_text() {
    let app = TestApp::new().await;
    let csrf = app.csrf();
    let empty = app
        .post_form("/ask", &[("csrf", &csrf), ("questions", "  \n ")])
        .await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(
        empty.body.contains("give at least one question"),
        "{}",
        empty.body
    );

    let many: String = (1..=51)
        .map(|n| format!("Question number {n}?\n"))
        .collect();
    let too_many = app
        .post_form("/ask", &[("csrf", &csrf), ("questions", &many)])
        .await;
    assert_eq!(too_many.status, 422);
    assert!(
        too_many.body.contains("at most 50 questions"),
        "{}",
        too_many.body
    );
    assert!(
        too_many.body.contains("Question number 51?"),
        "text not kept"
    );

    // Markup in a question is shown as text.
    let markup = "<script>alert('x')</script> Why us?";
    let shown = app
        .post_form("/ask", &[("csrf", &csrf), ("questions", markup)])
        .await;
    assert_eq!(shown.status, 200);
    assert!(!shown.body.contains("<script>alert"), "{}", shown.body);
    assert!(shown.body.contains("&#60;script&#62;"));

    // Without the token, or from another site, it is refused like every other form.
    assert_eq!(
        app.post_form("/ask", &[("questions", OWN)]).await.status,
        403
    );
    let request = TestApp::request(Method::POST, "/ask")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::from(crate::support::form(&[
            ("csrf", &csrf),
            ("questions", OWN),
        ])))
        .expect("request");
    let foreign = app.send(request).await;
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.refusal(), "cross_origin");
    assert!(
        !foreign.body.contains(OWN) && !foreign.body.contains("Send again"),
        "a cross-site post is not offered to be sent again: {}",
        foreign.body
    );
}

#[tokio::test]
async fn an_own_question_is_practised_in_its_own_words() {
    let app = TestApp::new().await;
    // With the general rubric.
    let path = "/practice/general?question=What+is+your+favourite+colour+of+bicycle%3F";
    let page = app.get(path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("<h1 id=\"question\">{}</h1>", escaped(ODD))),
        "{}",
        page.body
    );
    assert!(page.body.contains("general story rubric"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("name=\"question\" value=\"{}\"", escaped(ODD)))
    );
    for step in ["situation", "actions", "outcome", "reflection"] {
        assert!(
            page.body.contains(&format!("<li data-step=\"{step}\"")),
            "{step}"
        );
    }
    // Timed mode keeps the wording.
    assert!(
        page.body.contains(
            "href=\"/practice/general?timed=1&amp;question=What+is+your+favourite+colour+of+bicycle%3F\""
        ),
        "{}",
        page.body
    );
    let csrf = app.csrf();
    let reply = app
        .post_form(
            "/practice/general",
            &[("csrf", &csrf), ("answer", STRONG), ("question", ODD)],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let attempts = app
        .state()
        .store()
        .attempts(LOCAL_USER, &Default::default())
        .await
        .expect("attempts");
    assert_eq!(attempts.len(), 1);
    let saved = &attempts[0].attempt;
    assert_eq!(saved.guide_id, "general");
    assert_eq!(saved.question, ODD);
    let report: serde_json::Value = serde_json::from_str(&saved.report_json).expect("json");
    assert_eq!(report["question"], ODD);
    assert_eq!(report["matched"]["guide_id"], "general");
    let card = app.get(&reply.location()).await;
    assert!(card.body.contains(&escaped(ODD)), "{}", card.body);
    assert!(
        card.body.contains("No guide is close to this question"),
        "{}",
        card.body
    );

    // With the guide it matched: judged with that guide, saved in the user's words.
    let page = app
        .get("/practice/tell-me-about-yourself?question=So%2C+a+bit+about+you%3F")
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Judged with the guide for"),
        "{}",
        page.body
    );
    assert!(page.body.contains("So, a bit about you?"));

    // The general rubric can be read like any guide.
    let rubric = app.get("/questions/general").await;
    assert_eq!(rubric.status, 200);
    assert!(
        rubric.body.contains("data-step=\"reflection\""),
        "{}",
        rubric.body
    );
}

#[tokio::test]
async fn the_match_api_matches_each_question() {
    let app = TestApp::new().await;
    let reply = app
        .post_json(
            "/api/match",
            &serde_json::json!({ "questions": [OWN, format!("  {ODD}  ")] }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let json = reply.json();
    let matches = json["matches"].as_array().expect("matches");
    assert_eq!(matches.len(), 2);

    let own = &matches[0];
    assert_eq!(own["question"], OWN);
    assert_eq!(own["guide_id"], "tell-me-about-yourself");
    assert_eq!(own["closest_id"], "tell-me-about-yourself");
    assert_eq!(own["pack"], "common");
    assert_eq!(own["general"], false);
    assert_eq!(own["similarity"], 1.0);

    let odd = &matches[1];
    assert_eq!(odd["question"], ODD, "trimmed");
    assert_eq!(odd["guide_id"], "general");
    assert_eq!(odd["pack"], "general");
    assert_eq!(odd["general"], true);
    let closest = odd["closest_id"].as_str().expect("closest_id");
    assert!(app.state().engine().guide(closest).is_some(), "{closest}");
    let similarity = odd["similarity"].as_f64().expect("similarity");
    assert!((0.0..1.0).contains(&similarity), "{similarity}");
    let keys: Vec<&String> = odd.as_object().expect("object").keys().collect();
    assert_eq!(
        keys.len(),
        6,
        "question, guide_id, closest_id, pack, similarity, general: {keys:?}"
    );

    // It is in the API's description.
    let doc = app.get("/api/openapi.json").await;
    assert!(doc.json()["paths"]["/api/match"]["post"].is_object());
}

#[tokio::test]
async fn the_match_api_refuses_bad_input_with_json_errors() {
    let app = TestApp::new().await;
    let long = "Why ".repeat(300);
    let many: Vec<String> = (0..51).map(|n| format!("Question {n}?")).collect();
    for (body, status, code) in [
        (serde_json::json!({ "questions": [] }), 422, "no_questions"),
        (
            serde_json::json!({ "questions": [OWN, "  "] }),
            422,
            "empty_question",
        ),
        (
            serde_json::json!({ "questions": many }),
            422,
            "too_many_questions",
        ),
        (
            serde_json::json!({ "questions": [long] }),
            413,
            "question_too_long",
        ),
        (serde_json::json!({ "question": OWN }), 400, "invalid_body"),
        (serde_json::json!({ "questions": OWN }), 400, "invalid_body"),
    ] {
        let reply = app.post_json("/api/match", &body).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert_eq!(reply.code(), code, "{body}");
        assert!(reply.json()["message"].is_string(), "{}", reply.body);
    }
    let empty = app
        .post_json("/api/match", &serde_json::json!({ "questions": [OWN, ""] }))
        .await;
    assert!(
        empty.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("question 2"))
    );
    let form = app
        .post_raw("/api/match", "text/plain", "questions=Why".to_owned())
        .await;
    assert_eq!(form.status, 415);
    assert_eq!(form.code(), "unsupported_media_type");
}
