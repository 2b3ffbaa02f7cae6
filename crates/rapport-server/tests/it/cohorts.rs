//! Coaches' cohorts on a server with accounts: a candidate who joins through the invite
//! link shares their practice with that coach and nobody else, sees who sees it, and can
//! leave; the coach sees members' attempts, the cohort per question and step, and a CSV.
//! Whatever belongs to someone else answers 404, and without accounts there are none.

use axum::http::Method;
use rapport_server::AccountsConfig;
use rapport_store::Role;

use crate::accounts::{
    ALICE_PASSWORD, ANSWER, BOB_PASSWORD, add_user, get, login, page_token, post_form, post_json,
    send, session_cookie, team,
};
use crate::support::TestApp;

const COACH_PASSWORD: &str = "plum kettle harbour";

/// The team of the accounts tests (candidates Alice and Bob) with coaches Carol and Dave
/// and an interviewer, Ivan; each one's session cookie.
struct Team {
    app: TestApp,
    alice: String,
    bob: String,
    carol: String,
    dave: String,
    ivan: String,
}

async fn team_with_coaches() -> Team {
    let app = team(AccountsConfig::default()).await;
    for (name, role) in [
        ("carol", Role::Coach),
        ("dave", Role::Coach),
        ("ivan", Role::Interviewer),
    ] {
        add_user(&app, name, role, COACH_PASSWORD).await;
    }
    let cookie = |reply| session_cookie(&reply);
    Team {
        alice: cookie(login(&app, "alice", ALICE_PASSWORD).await),
        bob: cookie(login(&app, "bob", BOB_PASSWORD).await),
        carol: cookie(login(&app, "carol", COACH_PASSWORD).await),
        dave: cookie(login(&app, "dave", COACH_PASSWORD).await),
        ivan: cookie(login(&app, "ivan", COACH_PASSWORD).await),
        app,
    }
}

/// Saves an attempt of the user's at angry-caller; its id.
async fn practise(app: &TestApp, cookie: &str, answer: &str) -> i64 {
    let saved = post_json(
        app,
        "/api/attempts",
        cookie,
        serde_json::json!({"question_id": "angry-caller", "answer": answer}),
    )
    .await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    saved.json()["id"].as_i64().expect("an id")
}

/// The secret at the end of an invite link.
fn invite_of(cohort: &serde_json::Value) -> String {
    let url = cohort["invite_url"].as_str().expect("an invite link");
    assert!(url.contains("/join/"), "{url}");
    url.rsplit('/').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_coach_sees_the_practice_of_those_who_join_and_nobody_else_does() {
    let t = team_with_coaches().await;
    let app = &t.app;
    let before = practise(app, &t.alice, ANSWER).await;

    // Only coaches (and admins) make cohorts; a name is required.
    let refused = post_json(
        app,
        "/api/cohorts",
        &t.alice,
        serde_json::json!({"name": "Mine"}),
    )
    .await;
    assert_eq!(
        (refused.status.as_u16(), refused.code().as_str()),
        (403, "coach_only")
    );
    let unnamed = post_json(
        app,
        "/api/cohorts",
        &t.carol,
        serde_json::json!({"name": "  "}),
    )
    .await;
    assert_eq!(
        (unnamed.status.as_u16(), unnamed.code().as_str()),
        (400, "invalid_cohort_name")
    );
    let made = post_json(
        app,
        "/api/cohorts",
        &t.carol,
        serde_json::json!({"name": "Spring intake"}),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let cohort = made.json();
    let id = cohort["id"].as_i64().expect("an id");
    let invite = invite_of(&cohort);
    let members = |who: &str| format!("/api/cohorts/{id}/members/{who}/attempts");
    assert_eq!(
        get(app, &members("alice"), &t.carol).await.status,
        404,
        "not a member yet"
    );

    // Alice opens the link, reads what joining shares and with whom, and joins.
    let join_page = get(app, &format!("/join/{invite}"), &t.alice).await;
    assert_eq!(join_page.status, 200, "{}", join_page.body);
    assert!(join_page.body.contains("Join Spring intake"));
    assert!(
        join_page
            .body
            .contains("<strong>carol</strong> will see your practice")
    );
    let joined = post_form(
        app,
        &format!("/join/{invite}"),
        &t.alice,
        &[("csrf", &page_token(&join_page))],
    )
    .await;
    assert_eq!(joined.status, 303, "{}", joined.body);
    assert_eq!(joined.location(), "/cohorts?joined=Spring+intake");
    let sharing = get(app, "/cohorts?joined=Spring+intake", &t.alice).await;
    assert!(sharing.body.contains("You joined Spring intake."));
    assert!(
        sharing
            .body
            .contains("<td>Spring intake</td><td>carol</td>"),
        "{}",
        sharing.body
    );
    let listed = get(app, "/api/cohorts", &t.alice).await.json();
    assert_eq!(listed["coached"], serde_json::json!([]));
    assert_eq!(listed["joined"][0]["coach"], "carol");
    assert_eq!(listed["joined"].as_array().map(Vec::len), Some(1));

    // Carol sees Alice's practice, from before she joined and after.
    let after = practise(app, &t.alice, "I stayed calm and listened.").await;
    let seen = get(app, &members("alice"), &t.carol).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    let ids: Vec<i64> = seen
        .json()
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert_eq!(ids, [after, before]);
    let page = get(app, &format!("/cohorts/{id}"), &t.carol).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("/join/{invite}")));
    assert!(page.body.contains(&format!("/cohorts/{id}/members/alice")));
    let member_page = get(app, &format!("/cohorts/{id}/members/alice"), &t.carol).await;
    assert_eq!(member_page.status, 200);
    assert!(
        member_page.body.contains("2 attempts"),
        "{}",
        member_page.body
    );
    // One progress chart per question, each with ids of its own.
    assert_eq!(
        member_page.body.matches("class=\"progress-chart\"").count(),
        1
    );
    assert!(
        member_page
            .body
            .contains("aria-labelledby=\"chart-0-title\"")
    );
    let attempt_page = get(
        app,
        &format!("/cohorts/{id}/members/alice/attempts/{before}"),
        &t.carol,
    )
    .await;
    assert_eq!(attempt_page.status, 200, "{}", attempt_page.body);
    assert!(attempt_page.body.contains("alice's answer, scored"));
    assert!(attempt_page.body.contains("courier"));
    // Carol's own history stays hers alone.
    assert_eq!(
        get(app, "/api/attempts", &t.carol).await.json(),
        serde_json::json!([])
    );

    // Nobody else sees any of it: not Bob (not a member), not Dave (another coach), not
    // Ivan (an interviewer), not Alice herself (a member, not the coach); all 404.
    assert_eq!(get(app, &members("bob"), &t.carol).await.status, 404);
    let bob_attempt = practise(app, &t.bob, ANSWER).await;
    for cookie in [&t.dave, &t.ivan, &t.alice, &t.bob] {
        for path in [
            format!("/api/cohorts/{id}"),
            members("alice"),
            format!("/cohorts/{id}"),
            format!("/cohorts/{id}/export.csv"),
            format!("/cohorts/{id}/members/alice"),
            format!("/cohorts/{id}/members/alice/attempts/{before}"),
        ] {
            let reply = get(app, &path, cookie).await;
            assert_eq!(reply.status, 404, "{path}: {}", reply.body);
            assert!(!reply.body.contains("courier") && !reply.body.contains("Spring intake"));
        }
    }
    // An attempt of a non-member through a member's address is not found either.
    let through = get(
        app,
        &format!("/cohorts/{id}/members/alice/attempts/{bob_attempt}"),
        &t.carol,
    )
    .await;
    assert_eq!(through.status, 404);
    assert!(get(app, "/api/cohorts", &t.dave).await.json()["coached"] == serde_json::json!([]));

    // The CSV: one row per attempt, scores and steps, no answer text.
    let csv = get(app, &format!("/cohorts/{id}/export.csv"), &t.carol).await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(lines[0].starts_with("member,attempt_id,when_utc,guide_id,question"));
    assert!(
        lines[1].starts_with(&format!("alice,{after},")),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(",angry-caller,"));
    assert!(!csv.body.contains("courier") && !csv.body.contains("stayed calm"));

    // Carol cannot join her own cohort; Alice leaves, and Carol no longer sees her.
    let own = post_json(
        app,
        "/api/cohorts/join",
        &t.carol,
        serde_json::json!({"invite": invite}),
    )
    .await;
    assert_eq!(
        (own.status.as_u16(), own.code().as_str()),
        (409, "own_cohort")
    );
    let left = send(
        app,
        Method::DELETE,
        &format!("/api/cohorts/{id}/membership"),
        &t.alice,
        None,
        String::new(),
    )
    .await;
    assert_eq!(left.status, 204, "{}", left.body);
    let again = send(
        app,
        Method::DELETE,
        &format!("/api/cohorts/{id}/membership"),
        &t.alice,
        None,
        String::new(),
    )
    .await;
    assert_eq!(again.status, 404);
    assert_eq!(get(app, &members("alice"), &t.carol).await.status, 404);
    assert_eq!(
        get(app, "/api/cohorts", &t.alice).await.json()["joined"],
        serde_json::json!([])
    );
    assert!(
        get(app, "/cohorts", &t.alice)
            .await
            .body
            .contains("Nobody but you.")
    );

    // Joining again by the whole link works; a new link ends the old one.
    let rejoined = post_json(
        app,
        "/api/cohorts/join",
        &t.alice,
        serde_json::json!({"invite": cohort["invite_url"]}),
    )
    .await;
    assert_eq!(rejoined.status, 200, "{}", rejoined.body);
    assert_eq!(rejoined.json()["name"], "Spring intake");
    let cohort_page = get(app, &format!("/cohorts/{id}"), &t.carol).await;
    let renewed = post_form(
        app,
        &format!("/cohorts/{id}/invite"),
        &t.carol,
        &[("csrf", &page_token(&cohort_page))],
    )
    .await;
    assert_eq!(renewed.status, 303);
    let old = post_json(
        app,
        "/api/cohorts/join",
        &t.bob,
        serde_json::json!({"invite": invite}),
    )
    .await;
    assert_eq!(
        (old.status.as_u16(), old.code().as_str()),
        (404, "unknown_invite")
    );
    assert_eq!(
        get(app, &format!("/join/{invite}"), &t.bob).await.status,
        404
    );
    let fresh = invite_of(
        &get(app, &format!("/api/cohorts/{id}"), &t.carol)
            .await
            .json()["cohort"],
    );
    assert_ne!(fresh, invite);
}

#[tokio::test]
async fn the_cohort_view_counts_each_step_over_the_members_latest_attempts() {
    let t = team_with_coaches().await;
    let app = &t.app;
    let cohort = post_json(
        app,
        "/api/cohorts",
        &t.carol,
        serde_json::json!({"name": "Evening group"}),
    )
    .await
    .json();
    let id = cohort["id"].as_i64().expect("an id");
    for who in [&t.alice, &t.bob] {
        let joined = post_json(
            app,
            "/api/cohorts/join",
            who,
            serde_json::json!({"invite": invite_of(&cohort)}),
        )
        .await;
        assert_eq!(joined.status, 200, "{}", joined.body);
    }
    // Alice's first try is superseded by her full answer; Bob gives a thin one.
    practise(app, &t.alice, "I stayed calm.").await;
    let alice = practise(app, &t.alice, ANSWER).await;
    let bob = practise(app, &t.bob, "I would stay calm and say sorry.").await;
    let steps_of = |reply: crate::support::Reply| -> Vec<(String, bool)> {
        reply.json()["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| (s["id"].as_str().unwrap_or("").to_owned(), s["met"] == true))
            .collect()
    };
    let alice_steps = steps_of(get(app, &format!("/api/attempts/{alice}"), &t.alice).await);
    let bob_steps = steps_of(get(app, &format!("/api/attempts/{bob}"), &t.bob).await);
    assert_ne!(
        alice_steps, bob_steps,
        "the two answers take different steps"
    );

    let view = get(app, &format!("/api/cohorts/{id}"), &t.carol)
        .await
        .json();
    let questions = view["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 1, "{view}");
    assert_eq!(questions[0]["guide_id"], "angry-caller");
    assert_eq!(questions[0]["answered"], 2);
    let counted = questions[0]["steps"].as_array().expect("steps");
    assert_eq!(counted.len(), alice_steps.len());
    for (step, ((id, a), (_, b))) in counted.iter().zip(alice_steps.iter().zip(&bob_steps)) {
        assert_eq!(step["id"], id.as_str());
        let met = usize::from(*a) + usize::from(*b);
        assert_eq!(step["met"], met, "{step}");
        assert_eq!(step["missed"], 2 - met, "{step}");
    }
    // The page marks the steps most of the cohort misses.
    let page = get(app, &format!("/cohorts/{id}"), &t.carol).await;
    let mostly_missed = counted.iter().filter(|s| s["met"] == 0).count();
    assert_eq!(page.body.matches("· most miss it").count(), mostly_missed);
    assert!(page.body.contains("(2 answered)"));
}

#[tokio::test]
async fn without_accounts_there_are_no_cohorts() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/cohorts").await.status, 404);
    let api = app.get("/api/cohorts").await;
    assert_eq!(
        (api.status.as_u16(), api.code().as_str()),
        (404, "unknown_cohort")
    );
    assert!(!app.get("/").await.body.contains("href=\"/cohorts\""));
}
