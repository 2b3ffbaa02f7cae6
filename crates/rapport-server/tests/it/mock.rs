//! The mock interview in the browser: start, one page per question, the report, and
//! what happens to bad answers, foreign posts and unknown sessions.

use rapport_store::{AttemptFilter, LOCAL_USER, Mode, Source};

use crate::support::{TestApp, escaped};

/// An answer the engine scores: English, a real story, a few sentences.
const ANSWER: &str = "Last spring a guest at the hotel where I worked was upset because \
    his room was not ready after a long flight. I listened, apologised and explained \
    what had happened. I offered him a quiet lounge and a coffee, and I checked with \
    housekeeping every ten minutes. Within half an hour he had his room, and the next \
    morning he thanked me and later wrote a kind review.";

/// Starts an interview of `count` questions and returns its session.
async fn start(app: &TestApp, fields: &[(&str, &str)]) -> Session {
    let csrf = app.csrf();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let reply = app.post_form("/mock", &form).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let location = reply.location();
    let id = location
        .strip_prefix("/mock/")
        .and_then(|rest| rest.strip_suffix("/1"))
        .unwrap_or_else(|| panic!("unexpected redirect {location:?}"));
    parse_session(id).unwrap_or_else(|| panic!("not a session id: {id:?}"))
}

/// The attempts saved for a session.
async fn saved(app: &TestApp, session: &Session) -> Vec<rapport_store::Attempt> {
    let filter = AttemptFilter {
        session_id: Some(session.id.clone()),
        ..AttemptFilter::default()
    };
    app.state()
        .store()
        .attempts(LOCAL_USER, &filter)
        .await
        .expect("attempts")
}

#[tokio::test]
async fn start_page_offers_the_interview() {
    let app = TestApp::new().await;
    let reply = app.get("/mock").await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("action=\"/mock\""), "{}", reply.body);
    assert!(reply.body.contains("name=\"count\""));
    assert!(reply.body.contains("name=\"timed\""));
    assert!(reply.body.contains(&format!("value=\"{}\"", app.csrf())));
}

/// The built-in guides' ids with their packs' ids.
fn pack_of_guides() -> Vec<(String, String)> {
    rapport_pack::builtin_packs()
        .into_iter()
        .flat_map(|load| load.pack)
        .flat_map(|p| {
            let id = p.id.clone();
            p.guides.into_iter().map(move |g| (g.id, id.clone()))
        })
        .collect()
}

/// The packs of the questions a session's pages ask, read from the pages.
async fn asked_packs(app: &TestApp, session: &Session) -> Vec<String> {
    let packs = pack_of_guides();
    let mut asked = Vec::new();
    for n in 1..=session.count {
        let page = app.get(&format!("/mock/{}/{n}", session.id)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let guide = app
            .state()
            .engine()
            .guides()
            .find(|g| {
                page.body
                    .contains(&format!("{}</h1>", escaped(&g.question)))
            })
            .unwrap_or_else(|| panic!("no guide's question on page {n}: {}", page.body));
        let (_, pack) = packs
            .iter()
            .find(|(id, _)| *id == guide.id)
            .expect("a built-in guide");
        asked.push(pack.clone());
    }
    asked
}

#[tokio::test]
async fn the_start_page_offers_the_packs_with_the_default_ticked() {
    let app = TestApp::new().await;
    let page = app.get("/mock").await;
    for (pack, ticked) in [
        ("customer-focus", true),
        ("common", true),
        ("account-management", false),
        ("support-desk", false),
    ] {
        let checkbox = format!("name=\"pack\" value=\"{pack}\"");
        assert!(page.body.contains(&checkbox), "{pack}: {}", page.body);
        assert_eq!(
            page.body.contains(&format!("{checkbox} checked")),
            ticked,
            "{pack}"
        );
    }
    assert!(page.body.contains("Support desk"));

    // A form without pack fields draws from the default packs.
    let session = start(&app, &[("count", "6")]).await;
    assert_eq!(session.packs, ["common", "customer-focus"]);
    for pack in asked_packs(&app, &session).await {
        assert!(pack == "common" || pack == "customer-focus", "{pack}");
    }
}

#[tokio::test]
async fn an_interview_draws_only_from_the_packs_chosen() {
    let app = TestApp::new().await;
    for count in ["3", "10"] {
        let session = start(
            &app,
            &[
                ("count", count),
                ("choose_packs", "1"),
                ("pack", "support-desk"),
            ],
        )
        .await;
        assert_eq!(session.packs, ["support-desk"], "{}", session.id);
        assert!(session.id.ends_with(".support-desk"), "{}", session.id);
        let asked = asked_packs(&app, &session).await;
        assert_eq!(asked.len(), session.count);
        assert!(asked.iter().all(|p| p == "support-desk"), "{asked:?}");
    }
    // Two packs, in any order, make one canonical id.
    let session = start(
        &app,
        &[
            ("count", "4"),
            ("choose_packs", "1"),
            ("pack", "support-desk"),
            ("pack", "account-management"),
        ],
    )
    .await;
    assert!(
        session.id.ends_with(".account-management.support-desk"),
        "{}",
        session.id
    );
    for pack in asked_packs(&app, &session).await {
        assert!(
            pack == "support-desk" || pack == "account-management",
            "{pack}"
        );
    }
}

#[tokio::test]
async fn an_interview_needs_a_pack_that_exists() {
    let app = TestApp::new().await;
    let csrf = app.csrf();
    // Every box unticked: the start page again, saying so.
    let none = app
        .post_form(
            "/mock",
            &[("csrf", &csrf), ("count", "3"), ("choose_packs", "1")],
        )
        .await;
    assert_eq!(none.status, 422, "{}", none.body);
    assert!(
        none.body.contains("tick at least one pack"),
        "{}",
        none.body
    );
    assert!(!none.body.contains("value=\"common\" checked"));
    let unknown = app
        .post_form(
            "/mock",
            &[("csrf", &csrf), ("count", "3"), ("pack", "juggling")],
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.code(), "unknown_pack");
    // A session id naming a pack that is not loaded asks nothing.
    assert_eq!(
        app.get("/mock/0123456789abcdef-3.juggling/1").await.status,
        404
    );
}

#[tokio::test]
async fn a_mock_interview_runs_from_start_to_report() {
    let app = TestApp::new().await;
    let every: Vec<String> = rapport_pack::builtin_packs()
        .into_iter()
        .flat_map(|load| load.pack)
        .map(|p| p.id)
        .collect();
    let mut fields = vec![("count", "3"), ("choose_packs", "1")];
    fields.extend(every.iter().map(|p| ("pack", p.as_str())));
    let session = start(&app, &fields).await;
    assert_eq!(session.count, 3);
    assert_eq!(session.seconds, None);
    // Every pack ticked names none, and asks what `rapport mock` would.
    assert!(session.packs.is_empty(), "{}", session.id);
    // The questions come from the session id alone.
    let questions: Vec<(String, String)> = app
        .state()
        .engine()
        .interview(3, session.seed)
        .iter()
        .map(|g| (g.id.clone(), g.question.clone()))
        .collect();
    assert_eq!(questions.len(), 3);

    let csrf = app.csrf();
    for (i, (_, question)) in questions.iter().enumerate() {
        let n = i + 1;
        let path = format!("/mock/{}/{n}", session.id);
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains(&format!("question {n} of 3")),
            "{}",
            page.body
        );
        assert!(page.body.contains(&escaped(question)), "{}", page.body);
        let reply = app
            .post_form(&path, &[("csrf", &csrf), ("answer", ANSWER)])
            .await;
        assert_eq!(reply.status, 303, "{}", reply.body);
        let next = if n < 3 {
            format!("/mock/{}/{}", session.id, n + 1)
        } else {
            format!("/mock/{}/report", session.id)
        };
        let follow_up = format!("{path}/follow-up");
        if reply.location() == follow_up {
            // The answer leaves a step out: the interviewer asks about it, and the
            // follow-up can be skipped.
            let asked = app.get(&follow_up).await;
            assert_eq!(asked.status, 200, "{}", asked.body);
            assert!(
                asked.body.contains("The interviewer asks:"),
                "{}",
                asked.body
            );
            assert!(
                asked
                    .body
                    .contains(&format!("href=\"{next}\">Skip the follow-up")),
                "{}",
                asked.body
            );
        } else {
            assert_eq!(reply.location(), next);
        }
    }

    let attempts = saved(&app, &session).await;
    assert_eq!(attempts.len(), 3);
    for a in &attempts {
        let a = &a.attempt;
        assert_eq!(a.mode, Mode::Mock);
        assert_eq!(a.source, Source::Web);
        assert_eq!(a.session_id.as_deref(), Some(session.id.as_str()));
        assert_eq!(a.user_id, LOCAL_USER);
        assert_eq!(a.answer, ANSWER);
        assert_eq!(a.seconds_taken, None);
        assert!(!a.steps.is_empty());
        let report: serde_json::Value = serde_json::from_str(&a.report_json).expect("json");
        assert_eq!(report["question_id"], a.guide_id.as_str());
        assert_eq!(report["score"], u64::from(a.score));
        assert_eq!(
            report["criteria"].as_array().map(Vec::len),
            Some(a.steps.len())
        );
    }
    let mut asked: Vec<&str> = attempts
        .iter()
        .map(|a| a.attempt.guide_id.as_str())
        .collect();
    let mut planned: Vec<&str> = questions.iter().map(|(id, _)| id.as_str()).collect();
    asked.sort_unstable();
    planned.sort_unstable();
    assert_eq!(asked, planned);

    let report = app.get(&format!("/mock/{}/report", session.id)).await;
    assert_eq!(report.status, 200, "{}", report.body);
    for (_, question) in &questions {
        assert!(report.body.contains(&escaped(question)), "{}", report.body);
    }
    let scores: Vec<u32> = attempts
        .iter()
        .map(|a| u32::from(a.attempt.score))
        .collect();
    let mean = (2 * scores.iter().sum::<u32>() + 3) / 6;
    assert!(
        report
            .body
            .contains(&format!("<strong>{mean}/100</strong> overall")),
        "{}",
        report.body
    );
    for a in &attempts {
        assert!(report.body.contains(&format!("{}/100", a.attempt.score)));
    }
    assert!(report.body.contains("Best next move"), "{}", report.body);
    // Every missing step's follow-up question is there, as the interviewer would ask it.
    for a in &attempts {
        let doc: serde_json::Value = serde_json::from_str(&a.attempt.report_json).expect("json");
        for c in doc["criteria"].as_array().into_iter().flatten() {
            let follow_up = c["follow_up"].as_str().unwrap_or_default().trim();
            if c["met"] == false && !follow_up.is_empty() {
                assert!(report.body.contains(&escaped(follow_up)), "{follow_up}");
            }
        }
    }

    // The finished interview is listed on the start page.
    let start_page = app.get("/mock").await;
    assert!(
        start_page
            .body
            .contains(&format!("/mock/{}/report", session.id)),
        "{}",
        start_page.body
    );
}

#[tokio::test]
async fn an_unscorable_answer_is_shown_again_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let session = start(&app, &[("count", "2")]).await;
    let path = format!("/mock/{}/1", session.id);
    let csrf = app.csrf();

    let empty = app
        .post_form(&path, &[("csrf", &csrf), ("answer", "   ")])
        .await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(empty.body.contains("the answer is empty"), "{}", empty.body);

    let long = format!("{ANSWER} {}", "and then more. ".repeat(1_400));
    assert!(long.chars().count() > 20_000);
    let too_long = app
        .post_form(&path, &[("csrf", &csrf), ("answer", &long)])
        .await;
    assert!(too_long.status.is_client_error(), "{}", too_long.status);
    assert!(
        too_long.body.contains("the limit is 20000"),
        "{}",
        too_long.body
    );
    // The whole answer comes back in the box, so nothing is lost.
    assert!(too_long.body.contains(&long), "answer not kept");

    // Markup with a control character: refused as binary, shown again escaped.
    let markup = "<script>alert('x')</script> I listened to her.\u{7}";
    let foreign = app
        .post_form(&path, &[("csrf", &csrf), ("answer", markup)])
        .await;
    assert!(foreign.status.is_client_error(), "{}", foreign.status);
    assert!(
        foreign.body.contains("looks like binary data"),
        "{}",
        foreign.body
    );
    assert!(!foreign.body.contains("<script>alert"), "{}", foreign.body);
    assert!(
        foreign.body.contains("&#60;script&#62;"),
        "{}",
        foreign.body
    );

    assert!(saved(&app, &session).await.is_empty());
    // The question is still open.
    assert_eq!(app.get(&path).await.status, 200);
}

#[tokio::test]
async fn answering_a_question_twice_keeps_the_first_answer() {
    let app = TestApp::new().await;
    let session = start(&app, &[("count", "2")]).await;
    let path = format!("/mock/{}/1", session.id);
    let csrf = app.csrf();
    let first = app
        .post_form(&path, &[("csrf", &csrf), ("answer", ANSWER)])
        .await;
    assert_eq!(first.status, 303);
    let again = app
        .post_form(
            &path,
            &[("csrf", &csrf), ("answer", "Something else entirely.")],
        )
        .await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location(), format!("/mock/{}/2", session.id));
    let attempts = saved(&app, &session).await;
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].attempt.answer, ANSWER);
    // The answered question's page moves on too.
    let page = app.get(&path).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), format!("/mock/{}/2", session.id));

    // The report says what is left and links to it.
    let report = app.get(&format!("/mock/{}/report", session.id)).await;
    assert_eq!(report.status, 200);
    assert!(
        report.body.contains("1 of 2 questions answered"),
        "{}",
        report.body
    );
    assert!(
        report
            .body
            .contains(&format!("href=\"/mock/{}/2\"", session.id))
    );
}

#[tokio::test]
async fn a_timed_interview_records_the_time_taken() {
    let app = TestApp::new().await;
    let session = start(&app, &[("count", "1"), ("timed", "on"), ("seconds", "90")]).await;
    assert_eq!(session.seconds, Some(90));
    assert!(session.id.contains("-1-t90"), "{}", session.id);
    let path = format!("/mock/{}/1", session.id);
    let page = app.get(&path).await;
    assert!(page.body.contains("data-remaining=\"90\""), "{}", page.body);
    assert!(page.body.contains("90 seconds"));
    assert!(page.body.contains("src=\"/static/mock.js\""));
    // Answering out loud, as on the practice page: the recorder, then its script before
    // mock.js, so that a submit it holds back mid-recording keeps the draft.
    assert!(
        page.body
            .contains("<section id=\"voice\" class=\"voice panel\"")
    );
    assert!(page.body.contains("data-target=\"answer\""));
    assert!(page.body.contains("id=\"mic\""));
    let (voice, mock) = (
        page.body.find("src=\"/static/voice.js\""),
        page.body.find("src=\"/static/mock.js\""),
    );
    assert!(voice.is_some() && voice < mock, "voice.js loads first");
    let started = app.state().now_ms().to_string();
    let csrf = app.csrf();
    let reply = app
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("answer", ANSWER),
                ("started_ms", &started),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let report = format!("/mock/{}/report", session.id);
    let follow_up = format!("{path}/follow-up");
    assert!(
        [&report, &follow_up].contains(&&reply.location()),
        "{}",
        reply.location()
    );
    let attempts = saved(&app, &session).await;
    assert_eq!(attempts.len(), 1);
    assert!(attempts[0].attempt.seconds_taken.is_some());
}

/// An answer that leaves the result out: the interviewer asks about it at once, and the
/// reply is added to the answer and scored with it.
#[tokio::test]
async fn an_answer_that_misses_a_step_gets_a_live_follow_up() {
    let app = TestApp::new().await;
    let session = start(&app, &[("count", "1")]).await;
    let path = format!("/mock/{}/1", session.id);
    let csrf = app.csrf();
    // Two sentences that touch on nothing in particular leave the heaviest step out.
    let thin = "I always try my best with customers and I think that matters a lot. \
        People like it when you are friendly and patient with them.";
    let reply = app
        .post_form(&path, &[("csrf", &csrf), ("answer", thin)])
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let follow_up = format!("{path}/follow-up");
    assert_eq!(reply.location(), follow_up);
    let page = app.get(&follow_up).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let first = saved(&app, &session).await;
    assert_eq!(first.len(), 1);
    let guide = app
        .state()
        .engine()
        .guide(&first[0].attempt.guide_id)
        .expect("the question's guide")
        .clone();
    let asked = guide
        .steps
        .iter()
        .map(|s| s.follow_up.trim())
        .find(|f| !f.is_empty() && page.body.contains(&escaped(f)))
        .unwrap_or_else(|| panic!("no follow-up of {} asked: {}", guide.id, page.body));
    assert!(!asked.is_empty());
    let attempt = first[0].id.to_string();

    // An empty reply is refused, and the page says so.
    let empty = app
        .post_form(
            &follow_up,
            &[("csrf", &csrf), ("attempt", &attempt), ("reply", " ")],
        )
        .await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(empty.body.contains("the reply is empty"), "{}", empty.body);

    let more = "The next week the customer came back, thanked me, and has ordered from us every month since.";
    let answered = app
        .post_form(
            &follow_up,
            &[("csrf", &csrf), ("attempt", &attempt), ("reply", more)],
        )
        .await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    assert_eq!(answered.location(), format!("/mock/{}/report", session.id));
    let after = saved(&app, &session).await;
    assert_eq!(
        after.len(),
        1,
        "the answer with its reply replaces the answer alone"
    );
    assert!(after[0].attempt.answer.starts_with(thin));
    assert!(after[0].attempt.answer.ends_with(more));
    // Sent again (the back button): nothing changes.
    let twice = app
        .post_form(
            &follow_up,
            &[("csrf", &csrf), ("attempt", &attempt), ("reply", more)],
        )
        .await;
    assert_eq!(twice.status, 303);
    assert_eq!(saved(&app, &session).await.len(), 1);
    let report = app.get(&format!("/mock/{}/report", session.id)).await;
    assert!(
        report.body.contains("has ordered from us every month"),
        "{}",
        report.body
    );
}

#[tokio::test]
async fn forms_without_the_token_are_refused() {
    let app = TestApp::new().await;
    assert_eq!(app.post_form("/mock", &[("count", "3")]).await.status, 403);
    let forged = app
        .post_form("/mock", &[("csrf", "forged"), ("count", "3")])
        .await;
    assert_eq!(forged.status, 403);

    let session = start(&app, &[("count", "1")]).await;
    let path = format!("/mock/{}/1", session.id);
    let reply = app.post_form(&path, &[("answer", ANSWER)]).await;
    assert_eq!(reply.status, 403);
    assert!(saved(&app, &session).await.is_empty());
}

#[tokio::test]
async fn unknown_sessions_and_questions_are_not_found() {
    let app = TestApp::new().await;
    for path in [
        "/mock/nonsense/1",
        "/mock/0123456789abcdef-3/4",
        "/mock/0123456789abcdef-3/0",
        "/mock/0123456789abcdef-3/x",
        "/mock/0123456789ABCDEF-3/1",
        "/mock/0123456789abcdef-99/report",
    ] {
        assert_eq!(app.get(path).await.status, 404, "{path}");
    }
    // A valid id nobody has answered yet has an empty report.
    let report = app.get("/mock/0123456789abcdef-3/report").await;
    assert_eq!(report.status, 200);
    assert!(
        report
            .body
            .contains("No question of this interview has been answered yet")
    );
}

#[tokio::test]
async fn the_script_and_stylesheet_are_served() {
    let app = TestApp::new().await;
    let js = app.get("/static/mock.js").await;
    assert_eq!(js.status, 200);
    assert_eq!(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert!(js.body.contains("mock-timer"));
    let css = app.get("/static/mock.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert!(css.body.contains(".mock-question"));
}

/// Reads a session id as the server writes it:
/// `<seed in hex>-<count>[-t<seconds>][.<pack>...]`.
fn parse_session(id: &str) -> Option<Session> {
    let mut packs = id.split('.');
    let mut parts = packs.next()?.split('-');
    let seed = u64::from_str_radix(parts.next()?, 16).ok()?;
    let count = parts.next()?.parse().ok()?;
    let seconds = match parts.next() {
        Some(t) => Some(t.strip_prefix('t')?.parse().ok()?),
        None => None,
    };
    Some(Session {
        id: id.to_owned(),
        seed,
        count,
        seconds,
        packs: packs.map(str::to_owned).collect(),
    })
}

/// A mock interview, as its id describes it.
struct Session {
    id: String,
    seed: u64,
    count: usize,
    seconds: Option<u32>,
    /// The packs drawn from; none for every pack.
    packs: Vec<String>,
}

/// Answers question 1 of a one-question interview and skips any follow-up.
async fn one_question_interview(app: &TestApp, answer: &str) -> Session {
    let session = start(app, &[("count", "1")]).await;
    let path = format!("/mock/{}/1", session.id);
    let reply = app
        .post_form(&path, &[("csrf", &app.csrf()), ("answer", answer)])
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    session
}

#[tokio::test]
async fn the_report_prints_exports_and_compares_with_the_interview_before() {
    let app = TestApp::new().await;
    let first = one_question_interview(&app, ANSWER).await;
    let marked = format!("{ANSWER} <b>Thanks</b> & more.");
    let second = one_question_interview(&app, &marked).await;
    let report = app.get(&format!("/mock/{}/report", second.id)).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.body.contains("data-print"), "{}", report.body);
    assert!(
        report.body.contains("Your mock interview before this one"),
        "{}",
        report.body
    );
    assert!(
        report
            .body
            .contains(&format!("/mock/{}/report\"", first.id)),
        "{}",
        report.body
    );
    let first_report = app.get(&format!("/mock/{}/report", first.id)).await;
    assert!(
        !first_report
            .body
            .contains("Your mock interview before this one")
    );

    let md = app.get(&format!("/mock/{}/report.md", second.id)).await;
    assert_eq!(md.status, 200);
    assert!(
        md.headers["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/markdown")
    );
    assert!(
        md.headers["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains(".md")
    );
    assert!(
        md.body.starts_with("# Mock interview report\n"),
        "{}",
        md.body
    );
    assert!(md.body.contains("## 1. "), "{}", md.body);
    assert!(
        md.body.contains("&lt;b&gt;Thanks&lt;/b&gt; &amp; more."),
        "{}",
        md.body
    );
    assert!(!md.body.contains("<b>"), "{}", md.body);
    assert!(md.body.contains("The mock interview before"), "{}", md.body);

    let json = app.get(&format!("/mock/{}/report.json", second.id)).await;
    assert_eq!(json.status, 200);
    let doc = json.json();
    assert_eq!(doc["session"], second.id.as_str());
    assert_eq!(doc["answered"], 1);
    let result = &doc["questions"][0]["result"];
    assert_eq!(result["answer"], marked.as_str());
    assert_eq!(
        result["report"]["question_id"],
        doc["questions"][0]["question_id"]
    );
    assert_eq!(result["score"], result["report"]["score"]);
    assert_eq!(doc["earlier"]["session"], first.id.as_str());

    // The interviews over time, on the start page.
    let start_page = app.get("/mock").await;
    assert!(
        start_page.body.contains("class=\"progress-chart\""),
        "{}",
        start_page.body
    );
    let unknown = app.get("/mock/nonsense/report.md").await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn a_spoken_mock_answer_keeps_the_delivery_heard() {
    let app = TestApp::new().await;
    let session = start(&app, &[("count", "1")]).await;
    let csrf = app.csrf();
    let path = format!("/mock/{}/1", session.id);
    let page = app.get(&path).await;
    assert!(
        page.body.contains(r#"name="wpm""#),
        "the form carries the pace"
    );
    let reply = app
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("answer", ANSWER),
                ("wpm", "151"),
                ("pauses", "4"),
                ("long_silences", "0"),
                ("fillers", "1"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let attempts = saved(&app, &session).await;
    assert_eq!(attempts.len(), 1);
    let report: serde_json::Value =
        serde_json::from_str(&attempts[0].attempt.report_json).expect("a JSON report");
    assert_eq!(report["audio"]["words_per_minute"], 151, "{report}");
    assert_eq!(report["audio"]["pauses"], 4);
    let shown = app.get(&format!("/attempts/{}", attempts[0].id)).await;
    assert!(shown.body.contains("151 words a minute"), "{}", shown.body);
}
