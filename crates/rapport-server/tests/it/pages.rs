//! The pages: question list, guide, practice (plain and timed), the feedback card after
//! a submit, retrying, bad answers, escaping, static files and the friendly 404.

use rapport_store::{LOCAL_USER, Mode, Source};

use crate::support::{STRONG, TestApp, WEAK, escaped};

#[tokio::test]
async fn the_question_list_filters_by_skill() {
    let app = TestApp::new().await;
    let all = app.get("/").await;
    assert_eq!(all.status, 200);
    assert_eq!(
        all.headers["content-type"], "text/html; charset=utf-8",
        "{:?}",
        all.headers
    );
    let guides: Vec<_> = app.state().engine().guides().cloned().collect();
    for g in &guides {
        assert!(
            all.body.contains(&format!("href=\"/practice/{}\"", g.id)),
            "{}",
            g.id
        );
    }
    let guide = guides
        .iter()
        .find(|g| !g.skills.is_empty() && guides.iter().any(|o| !o.skills.contains(&g.skills[0])))
        .expect("a skill that not every guide has");
    let skill = &guide.skills[0];
    let filtered = app.get(&format!("/?skill={skill}")).await;
    assert_eq!(filtered.status, 200);
    for g in &guides {
        let listed = filtered
            .body
            .contains(&format!("href=\"/practice/{}\"", g.id));
        assert_eq!(
            listed,
            g.skills.contains(skill),
            "{} with skill {skill}",
            g.id
        );
    }
    let none = app.get("/?skill=juggling").await;
    assert!(none.body.contains("No question exercises that skill"));
}

/// The built-in packs' ids with their guides' ids.
fn builtin_packs() -> Vec<(String, Vec<String>)> {
    rapport_pack::builtin_packs()
        .into_iter()
        .flat_map(|load| load.pack)
        .map(|p| (p.id, p.guides.into_iter().map(|g| g.id).collect()))
        .collect()
}

/// The guides a question list page lists, by their practice links.
fn listed(app: &TestApp, body: &str) -> Vec<String> {
    app.state()
        .engine()
        .guides()
        .filter(|g| body.contains(&format!("href=\"/practice/{}\"", g.id)))
        .map(|g| g.id.clone())
        .collect()
}

#[tokio::test]
async fn the_question_list_filters_by_pack_and_skill_and_shows_each_pack() {
    let app = TestApp::new().await;
    let packs = builtin_packs();
    let all = app.get("/").await;
    for name in [
        "Customer focus",
        "Common questions",
        "Account management",
        "Support desk",
    ] {
        assert!(
            all.body
                .contains(&format!("<span class=\"tag tag-pack\">{name}</span>")),
            "{name}"
        );
    }
    assert!(all.body.contains("href=\"/?pack=common\""), "{}", all.body);
    for (pack, guides) in &packs {
        let page = app.get(&format!("/?pack={pack}")).await;
        assert_eq!(page.status, 200);
        assert_eq!(&listed(&app, &page.body), guides, "{pack}");
        assert!(page.body.contains("aria-current=\"page\""));
    }
    // Pack and skill together: the common questions that exercise one skill, and the
    // skill links keep the pack.
    let common = &packs
        .iter()
        .find(|(id, _)| id == "common")
        .expect("common")
        .1;
    let engine = app.state().engine();
    let skill = engine
        .guide(&common[0])
        .and_then(|g| g.skills.first())
        .expect("a skill")
        .clone();
    let page = app.get(&format!("/?pack=common&skill={skill}")).await;
    let expected: Vec<String> = common
        .iter()
        .filter(|id| engine.guide(id).is_some_and(|g| g.skills.contains(&skill)))
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(listed(&app, &page.body), expected);
    assert!(
        page.body
            .contains(&format!("href=\"/?pack=common&#38;skill={skill}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("<a href=\"/\">Show all</a>"));
    let none = app.get("/?pack=no-such-pack").await;
    assert_eq!(none.status, 200);
    assert!(none.body.contains("No question matches these filters"));
}

#[tokio::test]
async fn the_question_list_searches_questions_and_rewordings() {
    let app = TestApp::new().await;
    let page = app.get("/?q=yourself").await;
    assert_eq!(page.status, 200);
    let found = listed(&app, &page.body);
    assert!(
        found.contains(&"tell-me-about-yourself".to_owned()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"difficult-customer".to_owned()),
        "{found:?}"
    );
    // The search box keeps the words, and works without a script: a plain GET form.
    assert!(
        page.body
            .contains("<form class=\"search-form\" method=\"get\" action=\"/\"")
    );
    assert!(
        page.body.contains("name=\"q\" value=\"yourself\""),
        "{}",
        page.body
    );

    // A rewording's words find its guide even when the question does not use them.
    let engine = app.state().engine();
    let (id, rewording) = engine
        .guides()
        .find_map(|g| {
            let question = g.question.to_lowercase();
            g.rewordings
                .iter()
                .flat_map(|r| r.split_whitespace())
                .map(|w| {
                    w.trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase()
                })
                .find(|w| w.len() > 6 && !question.contains(w.as_str()))
                .map(|w| (g.id.clone(), w))
        })
        .expect("a rewording with a word of its own");
    let page = app.get(&format!("/?q={rewording}")).await;
    assert!(listed(&app, &page.body).contains(&id), "{id}: {rewording}");

    // Every word must be there, in any case; the search combines with the pack.
    let page = app.get("/?q=CUSTOMER+Difficult&pack=customer-focus").await;
    let found = listed(&app, &page.body);
    assert!(
        found.contains(&"difficult-customer".to_owned()),
        "{found:?}"
    );
    assert!(!found.contains(&"tell-me-about-yourself".to_owned()));
    assert!(page.body.contains("name=\"pack\" value=\"customer-focus\""));

    let none = app.get("/?q=zebra+crossing").await;
    assert!(listed(&app, &none.body).is_empty());
    assert!(none.body.contains("No question matches these filters"));
    assert!(
        none.body
            .contains("href=\"/ask?question=zebra%20crossing\""),
        "{}",
        none.body
    );
}

#[tokio::test]
async fn the_guide_page_shows_steps_samples_and_pitfalls() {
    let app = TestApp::new().await;
    let page = app.get("/questions/difficult-customer").await;
    assert_eq!(page.status, 200);
    let guide = app
        .state()
        .engine()
        .guide("difficult-customer")
        .expect("guide")
        .clone();
    assert!(page.body.contains(&escaped(&guide.question)));
    for step in &guide.steps {
        assert!(page.body.contains(&format!("data-step=\"{}\"", step.id)));
        assert!(
            page.body.contains(&escaped(step.guidance.trim())),
            "{}",
            step.id
        );
    }
    assert!(
        page.body.contains("<mark class=\"evidence"),
        "samples are highlighted"
    );
    for pitfall in &guide.pitfalls {
        assert!(page.body.contains(&escaped(pitfall)));
    }
    assert!(page.body.contains("href=\"/practice/difficult-customer\""));
}

#[tokio::test]
async fn an_unknown_question_page_is_a_friendly_404_with_a_suggestion() {
    let app = TestApp::new().await;
    for path in [
        "/questions/dificult-customer",
        "/practice/dificult-customer",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(
            page.headers["content-type"]
                .to_str()
                .is_ok_and(|t| t.starts_with("text/html"))
        );
        assert!(page.body.contains("No such question"), "{}", page.body);
        assert!(page.body.contains("/difficult-customer\""), "{}", page.body);
    }
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Page not found"));
}

#[tokio::test]
async fn the_practice_page_has_the_hooks() {
    let app = TestApp::new().await;
    let page = app.get("/practice/difficult-customer").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(
        body.contains("<textarea id=\"answer\" name=\"answer\""),
        "{body}"
    );
    assert!(body.contains("<ul id=\"checklist\""));
    for step in ["situation", "skills", "actions", "outcome"] {
        assert!(
            body.contains(&format!("<li data-step=\"{step}\" data-met=\"false\"")),
            "{step}"
        );
    }
    assert!(body.contains("aria-live=\"polite\""));
    assert!(body.contains("<span class=\"state\">missing</span>"));
    assert!(body.contains("id=\"submit\""));
    // The recorder: hidden until static/voice.js shows it, so that the page without
    // JavaScript is the typed form; the recording is transcribed here, never sent away.
    assert!(
        body.contains("<section id=\"voice\" class=\"voice panel\""),
        "{body}"
    );
    assert!(body.contains("data-recorder data-target=\"answer\""));
    assert!(body.contains("data-max-seconds=\"300\""));
    assert!(body.contains(" hidden>"));
    assert!(
        body.contains("<button type=\"button\" id=\"mic\" class=\"btn\" aria-pressed=\"false\"")
    );
    assert!(body.contains("<meter id=\"voice-level\""));
    assert!(body.contains("aria-label=\"Microphone level\""));
    assert!(body.contains("id=\"voice-clock\""));
    assert!(
        body.contains(
            "<p id=\"voice-status\" class=\"small\" role=\"status\" aria-live=\"polite\">"
        )
    );
    assert!(body.contains("writes it down on this computer"));
    assert!(body.contains("the recording never leaves it"));
    assert!(body.contains("<input type=\"hidden\" name=\"wpm\" id=\"wpm\""));
    assert!(!body.contains("voice-consent") && !body.contains("Google"));
    assert!(!body.contains("off this computer"));
    assert!(body.contains("<script src=\"/static/voice.js\""));
    assert!(body.contains(&format!("name=\"csrf\" value=\"{}\"", app.csrf())));
    assert!(body.contains("<script src=\"/static/app.js\""));
    assert!(!body.contains("id=\"timer\""), "untimed by default");

    let timed = app.get("/practice/difficult-customer?timed=1").await;
    assert!(timed.body.contains("id=\"timer\""));
    assert!(timed.body.contains(">2:00</span>"), "{}", timed.body);
    assert!(timed.body.contains("data-timed=\"120\""));
    assert!(timed.body.contains("name=\"mode\" value=\"timed\""));
    let ninety = app
        .get("/practice/difficult-customer?timed=1&seconds=90")
        .await;
    assert!(ninety.body.contains(">1:30</span>"));
}

/// Submits an answer on the practice page and returns the reply.
async fn submit(app: &TestApp, answer: &str, extra: &[(&str, &str)]) -> crate::support::Reply {
    let csrf = app.csrf();
    let mut fields = vec![("csrf", csrf.as_str()), ("answer", answer)];
    fields.extend_from_slice(extra);
    app.post_form("/practice/difficult-customer", &fields).await
}

#[tokio::test]
async fn submitting_saves_and_shows_the_card() {
    let app = TestApp::new().await;
    let reply = submit(
        &app,
        STRONG,
        &[("mode", "practice"), ("seconds_taken", "75")],
    )
    .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let location = reply.location();
    assert!(location.starts_with("/attempts/"), "{location}");

    let saved = app
        .state()
        .store()
        .attempts(LOCAL_USER, &Default::default())
        .await
        .expect("attempts");
    assert_eq!(saved.len(), 1);
    let a = &saved[0].attempt;
    assert_eq!(a.mode, Mode::Practice);
    assert_eq!(a.source, Source::Web);
    assert_eq!(a.seconds_taken, Some(75));
    assert_eq!(a.answer, STRONG);

    let page = app.get(&location).await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains("<article class=\"card band-"), "{body}");
    assert!(body.contains(&format!("<strong>{}</strong>/100", a.score)));
    assert!(body.contains(&format!("badge badge-{}", a.band)));
    assert!(body.contains("<mark class=\"evidence c"), "{body}");
    assert!(body.contains("data-step=\"situation\""));
    assert!(body.contains("<span class=\"state\">met</span>"));
    assert!(body.contains("card-next"), "the next step comes first");
    // Each missed tip's advice is shown once, not after its own label again.
    for label in [
        "Be specific",
        "Focus on outcomes",
        "Show your skills",
        "Be honest",
    ] {
        assert!(
            !body.contains(&format!("{label}:</strong> {label}:"))
                && !body.contains(&format!("{label}: {label}:")),
            "{label} repeated in {body}"
        );
    }
    assert!(body.contains("took 1 min 15 s"));
    assert_eq!(body.matches("<h1").count(), 1, "one page heading: {body}");
    assert!(!body.contains("Since your last attempt"));
}

#[tokio::test]
async fn a_retry_shows_what_changed() {
    let app = TestApp::new().await;
    let first = submit(&app, WEAK, &[]).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let second = submit(&app, STRONG, &[]).await;
    let page = app.get(&second.location()).await;
    assert!(
        page.body.contains("Since your last attempt"),
        "{}",
        page.body
    );
    assert!(page.body.contains("change-up"));
    assert!(page.body.contains("step gained: "));
    assert!(
        page.body
            .contains(&format!("href=\"{}\"", first.location()))
    );
}

/// An answer, then the same answer with a result added: the retry that editing makes.
const FIRST_DRAFT: &str = "Last winter a guest at the hotel where I work arrived at midnight to \
    find that his booked room had been given away. He was furious. I listened, apologised \
    and moved him to a larger room on a quiet floor.";
const ADDED_RESULT: &str = " The next morning he thanked me at checkout, and he has booked \
    with us four times since.";

#[tokio::test]
async fn retry_by_editing_starts_from_the_last_answer_and_shows_the_difference() {
    let app = TestApp::new().await;
    let first = submit(&app, FIRST_DRAFT, &[]).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let first_page = app.get(&first.location()).await;
    let id = first.location().trim_start_matches("/attempts/").to_owned();
    // The card offers both: edit the answer, or start blank.
    assert!(
        first_page
            .body
            .contains(&format!("/practice/difficult-customer?from={id}\"")),
        "{}",
        first_page.body
    );
    assert!(first_page.body.contains("Try again from a blank box"));

    let editing = app
        .get(&format!("/practice/difficult-customer?from={id}"))
        .await;
    assert_eq!(editing.status, 200);
    assert!(
        editing.body.contains("find that his booked room"),
        "the answer is in the box"
    );
    assert!(editing.body.contains("id=\"editing\""));
    assert!(editing.body.contains("Start from a blank box instead"));
    let blank = app.get("/practice/difficult-customer").await;
    assert!(
        !blank.body.contains("find that his booked room"),
        "a blank retry is blank"
    );
    assert!(
        blank.body.contains(&format!("?from={id}")),
        "and offers the edit"
    );
    // Another question's attempt, or no attempt at all, starts blank.
    let other = app.get(&format!("/practice/angry-caller?from={id}")).await;
    assert_eq!(other.status, 200);
    assert!(!other.body.contains("find that his booked room"));
    let missing = app.get("/practice/difficult-customer?from=999999").await;
    assert_eq!(missing.status, 200);

    let second = submit(&app, &format!("{FIRST_DRAFT}{ADDED_RESULT}"), &[]).await;
    assert_eq!(second.status, 303, "{}", second.body);
    let page = app.get(&second.location()).await;
    let body = &page.body;
    assert!(body.contains("step gained: "), "{body}");
    assert!(
        body.contains("<ins>The next morning he thanked me"),
        "{body}"
    );
    assert!(
        body.contains("What made the most difference</strong> (without it this answer would score"),
        "{body}"
    );
    assert!(
        body.contains("): Adding “The next morning he thanked me"),
        "{body}"
    );
    // Nothing was cut: the only struck-through text is the key's.
    assert_eq!(body.matches("<del>").count(), 1, "{body}");
}

#[tokio::test]
async fn timed_answers_are_saved_as_timed() {
    let app = TestApp::new().await;
    let reply = submit(
        &app,
        STRONG,
        &[
            ("mode", "timed"),
            ("limit", "120"),
            ("seconds_taken", "131"),
            ("wpm", "142"),
            ("pauses", "3"),
            ("long_silences", "1"),
            ("fillers", "2"),
        ],
    )
    .await;
    assert_eq!(reply.status, 303);
    let saved = app
        .state()
        .store()
        .attempts(LOCAL_USER, &Default::default())
        .await
        .expect("attempts");
    assert_eq!(saved[0].attempt.mode, Mode::Timed);
    assert_eq!(saved[0].attempt.seconds_taken, Some(131));
    // The delivery heard is saved with the attempt, so its page says it on every visit.
    assert_eq!(reply.location(), format!("/attempts/{}", saved[0].id));
    let page = app.get(&reply.location()).await;
    assert!(page.body.contains("142 words a minute"));
    assert!(
        page.body
            .contains("with 3 pauses and 1 long silence (2.5 s or more); 2 fillers heard."),
        "{}",
        page.body
    );
    // A count that is not a number is left out, and a typed answer says nothing of
    // delivery.
    let odd = submit(&app, STRONG, &[("wpm", "150"), ("pauses", "x")]).await;
    let odd = app.get(&odd.location()).await;
    assert!(odd.body.contains("150 words a minute") && !odd.body.contains("pauses"));
    let typed = submit(&app, STRONG, &[("wpm", "fast")]).await;
    assert!(
        !app.get(&typed.location())
            .await
            .body
            .contains("words a minute")
    );
    assert!(page.body.contains("measured on your recording"));
    assert!(
        page.body
            .contains("Filler counts from a transcript may be low")
    );
}

#[tokio::test]
async fn an_unscorable_answer_is_shown_again_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let empty = submit(&app, "  ", &[]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("the answer is empty"), "{}", empty.body);
    let long = "word ".repeat(4_001);
    let too_long = submit(&app, &long, &[("mode", "timed"), ("limit", "90")]).await;
    assert_eq!(too_long.status, 413);
    assert!(too_long.body.contains("the limit is 20000"));
    assert!(
        too_long.body.contains("word word word"),
        "the answer is kept"
    );
    assert!(too_long.body.contains("id=\"timer\""), "still timed");
    assert!(too_long.body.contains(">1:30</span>"));
    assert_eq!(app.count().await, 0);
}

/// An English answer carrying markup that must never reach the page as markup.
const HOSTILE: &str = "Last year a customer was upset because his order was late. \
    I listened and apologised. <script>alert(1)</script> I then called the courier and \
    <img src=x onerror=alert(2)> arranged a new delivery for the next morning. He \
    thanked me and ordered again the following month.";

#[tokio::test]
async fn answers_are_escaped_on_the_attempt_page_and_in_history() {
    let app = TestApp::new().await;
    let saved = app.attempt("difficult-customer", HOSTILE).await;
    let pages = [
        app.get(&format!("/attempts/{}", saved["id"])).await,
        app.get("/history").await,
        app.get("/history/difficult-customer").await,
    ];
    for page in &pages {
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains("<script>alert(1)</script>"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("<img src=x"), "{}", page.body);
    }
    let attempt_page = &pages[0].body;
    assert!(
        attempt_page.contains(&escaped("<script>alert(1)</script>")),
        "{attempt_page}"
    );
    assert!(attempt_page.contains(&escaped("<img src=x onerror=alert(2)>")));
    // The history excerpt shows the start of the answer, escaped as well.
    assert!(
        pages[1]
            .body
            .contains(&escaped("<script>alert(1)</script>")),
        "{}",
        pages[1].body
    );
}

#[tokio::test]
async fn an_unknown_attempt_is_a_friendly_404() {
    let app = TestApp::new().await;
    for path in ["/attempts/42", "/attempts/x"] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("No such attempt"));
    }
}

#[tokio::test]
async fn the_stylesheet_and_script_are_served() {
    let app = TestApp::new().await;
    let css = app.get("/static/app.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    for class in [
        ".btn-primary",
        ".panel",
        ".badge-strong",
        "mark.evidence",
        "@media print",
    ] {
        assert!(css.body.contains(class), "{class}");
    }
    let js = app.get("/static/app.js").await;
    assert_eq!(js.status, 200);
    assert_eq!(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert!(js.body.contains("/api/score"));
    assert!(js.body.contains("\"rapport:recording\", started"));
    assert!(!js.body.contains("SpeechRecognition"));
    let voice = app.get("/static/voice.js").await;
    assert_eq!(voice.status, 200);
    assert_eq!(
        voice.headers["content-type"],
        "text/javascript; charset=utf-8"
    );
    for wiring in [
        "navigator.mediaDevices.getUserMedia({ audio: true })",
        "new MediaRecorder(stream",
        "\"audio/webm;codecs=opus\", \"audio/ogg;codecs=opus\"",
        "createAnalyser()",
        "fetch(\"/api/transcribe\", {",
        "method: \"POST\"",
        "\"Transcribing on \" + transcribedOn + \"…\"",
        "new Event(\"input\", { bubbles: true })",
        "\"rapport:recording\"",
        "words_per_minute",
        "fillers_uncertain",
        "aria-pressed",
    ] {
        assert!(voice.body.contains(wiring), "voice.js lacks {wiring}");
    }
    assert!(!voice.body.contains("SpeechRecognition"));
}
