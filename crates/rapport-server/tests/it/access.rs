//! Who may see what, over every route of the app (as the router lists them:
//! `rapport_server::routes::paths`), every role, and records owned by someone else:
//! another candidate's attempt and mock interview, a cohort one is not in (and its
//! members), another interviewer's scorecard. Every route that names such a record
//! answers 404 (not 403: ids are not confirmed) to every method, and no page, list,
//! export or the OpenAPI document shows any of it. A route without a rule here fails
//! the test, so a new route must say which records it names.

use axum::http::Method;
use rapport_server::AccountsConfig;
use rapport_store::Role;

use crate::accounts::{get, page_token, post_form, send, signed_in};
use crate::support::{Reply, TestApp};

const PASSWORD: &str = "hazel lantern meadow";

/// Words only the owners' records hold: none may show to anyone else.
const SECRETS: [&str; 3] = ["zebrafinch", "Quillon Marsh", "Heron cohort"];

/// An answer of Alice's carrying a secret word.
const ALICE_ANSWER: &str = "Last winter a customer at the zebrafinch pet shop rang, furious \
    that his order had gone to the wrong town. I apologised, tracked the parcel and sent a \
    courier that afternoon. He thanked us and still orders every month.";

/// What a path's parameters name, and so what the test fills them with.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Names {
    /// Nothing anyone owns (a guide, a static file, a list of one's own records): the
    /// route is checked for leaks, not for 404.
    Nothing,
    /// A cohort's invite: a secret link that, by design, lets whoever holds it read the
    /// cohort's name and coach and join it.
    Invite,
    /// Someone else's record: every method answers 404 (or 405 where the path takes no
    /// such method).
    Owned,
    /// A mock interview: its address is its plan (a random id, the packs, how many
    /// questions), not a stored record, and anyone who opens it sees only their own
    /// answers to it. It answers as it does for a plan nobody ever used, and shows none
    /// of the owner's answers.
    Plan,
}

/// The rule for each path of the router.
fn rule(path: &str) -> Option<Names> {
    use Names::{Invite, Nothing, Owned, Plan};
    Some(match path {
        "/"
        | "/questions/{id}"
        | "/practice/{id}"
        | "/ask"
        | "/history"
        | "/history/export.json"
        | "/history/clear"
        | "/history/{guide_id}"
        | "/mock"
        | "/scorecards"
        | "/scorecards/new"
        | "/rounds"
        | "/rounds/new"
        | "/settings"
        | "/settings/recordings/delete"
        | "/login"
        | "/logout"
        | "/cohorts"
        | "/static/app.css"
        | "/static/app.js"
        | "/static/voice.js"
        | "/static/mock.js"
        | "/static/mock.css"
        | "/static/scorecard.css" => Nothing,
        "/api/guides"
        | "/api/guides/{id}"
        | "/api/score"
        | "/api/match"
        | "/api/attempts"
        | "/api/attempts/spoken"
        | "/api/progress/{guide_id}"
        | "/api/openapi.json"
        | "/api/transcribe"
        | "/api/speech"
        | "/api/settings"
        | "/api/login"
        | "/api/logout"
        | "/api/cohorts"
        | "/api/cohorts/join" => Nothing,
        "/join/{invite}" => Invite,
        "/attempts/{id}"
        | "/attempts/{id}/delete"
        | "/attempts/{id}/recordings/{n}"
        | "/api/attempts/{id}"
        | "/api/attempts/{id}/recordings" => Owned,
        "/mock/{session}/report"
        | "/mock/{session}/report.md"
        | "/mock/{session}/report.json"
        | "/mock/{session}/{n}"
        | "/mock/{session}/{n}/follow-up" => Plan,
        "/rounds/{id}"
        | "/rounds/{id}/summary"
        | "/rounds/{id}/export.csv"
        | "/rounds/{id}/score"
        | "/rounds/{id}/interviewers"
        | "/rounds/{id}/delete" => Owned,
        "/scorecards/{id}" | "/scorecards/{id}/delete" => Owned,
        "/cohorts/{id}"
        | "/cohorts/{id}/export.csv"
        | "/cohorts/{id}/invite"
        | "/cohorts/{id}/delete"
        | "/cohorts/{id}/leave"
        | "/cohorts/{id}/members/{name}"
        | "/cohorts/{id}/members/{name}/remove"
        | "/cohorts/{id}/members/{name}/attempts/{attempt}"
        | "/api/cohorts/{id}"
        | "/api/cohorts/{id}/membership"
        | "/api/cohorts/{id}/members/{name}/attempts" => Owned,
        _ => return None,
    })
}

/// The owners' records.
struct Records {
    attempt: i64,
    session: String,
    scorecard: i64,
    round: i64,
    cohort: i64,
    invite: String,
}

impl Records {
    /// A path with its parameters filled with the owners' records (guide ids with a real
    /// guide).
    fn fill(&self, path: &str) -> String {
        let mut out = path.to_owned();
        let value = |name: &str| -> String {
            match name {
                "{id}" if path.contains("attempts/") => self.attempt.to_string(),
                "{id}" if path.starts_with("/scorecards") => self.scorecard.to_string(),
                "{id}" if path.starts_with("/rounds") => self.round.to_string(),
                "{id}" if path.contains("cohorts") => self.cohort.to_string(),
                "{id}" | "{guide_id}" => "angry-caller".to_owned(),
                "{attempt}" => self.attempt.to_string(),
                "{session}" => self.session.clone(),
                "{name}" => "alice".to_owned(),
                "{n}" => "1".to_owned(),
                "{invite}" => self.invite.clone(),
                other => panic!("{path}: no value for {other}"),
            }
        };
        while let Some(start) = out.find('{') {
            let end = out[start..].find('}').expect("a closing brace") + start + 1;
            let name = out[start..end].to_owned();
            out.replace_range(start..end, &value(&name));
        }
        out
    }
}

/// A form post with the user's token and typical fields of the app's forms.
async fn post_any_form(app: &TestApp, path: &str, cookie: &str, token: &str) -> Reply {
    post_form(
        app,
        path,
        cookie,
        &[
            ("csrf", token),
            (
                "answer",
                "I listened, apologised and fixed it the same day.",
            ),
            ("candidate", "Someone"),
            ("guide", "angry-caller"),
            ("name", "A name"),
            ("started_ms", "0"),
        ],
    )
    .await
}

#[tokio::test]
async fn every_route_hides_what_belongs_to_someone_else_from_every_role() {
    let app = TestApp::with_accounts(Some(AccountsConfig::default())).await;
    // The owners: Alice (a candidate, in Coral's cohort), Coral (a coach), Irene (an
    // interviewer).
    let alice = signed_in(&app, "alice", Role::Candidate, PASSWORD).await;
    let coral = signed_in(&app, "coral", Role::Coach, PASSWORD).await;
    let irene = signed_in(&app, "irene", Role::Interviewer, PASSWORD).await;

    let saved = crate::accounts::post_json(
        &app,
        "/api/attempts",
        &alice,
        serde_json::json!({"question_id": "angry-caller", "answer": ALICE_ANSWER}),
    )
    .await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let attempt = saved.json()["id"].as_i64().expect("an id");
    let home = get(&app, "/mock", &alice).await;
    let started = post_form(
        &app,
        "/mock",
        &alice,
        &[
            ("csrf", &page_token(&home)),
            ("count", "3"),
            ("seconds", "120"),
        ],
    )
    .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let first = started.location();
    let question = get(&app, &first, &alice).await;
    let answered = post_form(
        &app,
        &first,
        &alice,
        &[
            ("csrf", &page_token(&question)),
            ("answer", ALICE_ANSWER),
            ("started_ms", "0"),
        ],
    )
    .await;
    assert!(answered.status.is_redirection(), "{}", answered.body);
    let session = first
        .trim_start_matches("/mock/")
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned();
    let cards = get(&app, "/scorecards/new", &irene).await;
    let carded = post_form(
        &app,
        "/scorecards",
        &irene,
        &[
            ("csrf", &page_token(&cards)),
            ("candidate", "Quillon Marsh"),
            ("guide", "angry-caller"),
            ("answer", ALICE_ANSWER),
        ],
    )
    .await;
    assert_eq!(carded.status, 303, "{}", carded.body);
    let scorecard: i64 = carded
        .location()
        .trim_start_matches("/scorecards/")
        .parse()
        .expect("a scorecard id");
    let cohort = crate::accounts::post_json(
        &app,
        "/api/cohorts",
        &coral,
        serde_json::json!({"name": "Heron cohort"}),
    )
    .await
    .json();
    let invite = cohort["invite_url"]
        .as_str()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_owned();
    let joined = crate::accounts::post_json(
        &app,
        "/api/cohorts/join",
        &alice,
        serde_json::json!({"invite": invite}),
    )
    .await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    let round = app
        .state()
        .store()
        .scorecard("irene", scorecard)
        .await
        .expect("the store answers")
        .and_then(|c| c.scorecard.round_id)
        .expect("a scorecard is in a round");
    let records = Records {
        attempt,
        session,
        scorecard,
        round,
        cohort: cohort["id"].as_i64().expect("a cohort id"),
        invite,
    };
    // The owners see their records (so that a 404 below is the rule, not a broken id).
    for (path, owner) in [
        (format!("/attempts/{attempt}"), &alice),
        (format!("/mock/{}/report", records.session), &alice),
        (format!("/scorecards/{scorecard}"), &irene),
        (format!("/rounds/{round}"), &irene),
        (format!("/cohorts/{}/members/alice", records.cohort), &coral),
    ] {
        assert_eq!(get(&app, &path, owner).await.status, 200, "{path}");
    }

    // Everyone else, in every role: Bob (candidate), Carl (another coach), Ivan (another
    // interviewer), Ada (an admin).
    let visitors = [
        (
            "bob",
            signed_in(&app, "bob", Role::Candidate, PASSWORD).await,
        ),
        ("carl", signed_in(&app, "carl", Role::Coach, PASSWORD).await),
        (
            "ivan",
            signed_in(&app, "ivan", Role::Interviewer, PASSWORD).await,
        ),
        ("ada", signed_in(&app, "ada", Role::Admin, PASSWORD).await),
    ];
    let paths = rapport_server::routes::paths();
    let unruled: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| rule(p).is_none())
        .collect();
    assert!(
        unruled.is_empty(),
        "routes without an access rule in access.rs: {unruled:?}"
    );
    let mut owned_checked = 0;
    for (name, cookie) in &visitors {
        let token = page_token(&get(&app, "/", cookie).await);
        for path in &paths {
            let filled = records.fill(path);
            let leaks = |reply: &Reply| {
                SECRETS
                    .iter()
                    .filter(|s| reply.body.contains(*s))
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>()
            };
            match rule(path) {
                Some(Names::Owned) => {
                    let mut found = false;
                    for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
                        let reply = if method == Method::POST && !filled.starts_with("/api/") {
                            post_any_form(&app, &filled, cookie, &token).await
                        } else {
                            send(&app, method.clone(), &filled, cookie, None, String::new()).await
                        };
                        let status = reply.status.as_u16();
                        assert!(
                            status == 404 || status == 405,
                            "{name}: {method} {filled} answered {status}, not 404: {}",
                            reply.body
                        );
                        found |= status == 404;
                        assert!(
                            leaks(&reply).is_empty(),
                            "{name}: {method} {filled} shows {:?}",
                            leaks(&reply)
                        );
                    }
                    assert!(found, "{name}: {filled} answered no method with 404");
                    owned_checked += 1;
                }
                Some(Names::Plan) => {
                    // The same plan under an id nobody used: the same answer.
                    let (id, rest) = records.session.split_once('-').expect("id-plan");
                    let unused = format!("{}-{rest}", id.chars().rev().collect::<String>());
                    let fresh = filled.replace(&records.session, &unused);
                    let (reply, baseline) = (
                        get(&app, &filled, cookie).await,
                        get(&app, &fresh, cookie).await,
                    );
                    assert_eq!(reply.status, baseline.status, "{name}: GET {filled}");
                    assert!(
                        leaks(&reply).is_empty(),
                        "{name}: GET {filled} shows {:?}",
                        leaks(&reply)
                    );
                    assert!(
                        !reply.body.contains("tracked the parcel"),
                        "{name}: GET {filled}"
                    );
                }
                Some(kind @ (Names::Nothing | Names::Invite)) => {
                    let reply = get(&app, &filled, cookie).await;
                    // An invite shows its cohort's name, by design; nothing else.
                    let shown: Vec<String> = leaks(&reply)
                        .into_iter()
                        .filter(|s| !(kind == Names::Invite && s == "Heron cohort"))
                        .collect();
                    assert!(
                        shown.is_empty(),
                        "{name}: GET {filled} ({}) shows {shown:?}",
                        reply.status
                    );
                }
                None => unreachable!("checked above"),
            }
        }
    }
    let owned = paths
        .iter()
        .filter(|p| rule(p) == Some(Names::Owned))
        .count();
    assert!(owned >= 18, "only {owned} routes name someone's records");
    assert_eq!(owned_checked, owned * visitors.len());

    // Nothing of it changed: the owners' records are all still there.
    assert_eq!(
        get(&app, &format!("/api/attempts/{attempt}"), &alice)
            .await
            .status,
        200
    );
    assert_eq!(
        get(&app, &format!("/scorecards/{scorecard}"), &irene)
            .await
            .status,
        200
    );
    let view = get(&app, &format!("/api/cohorts/{}", records.cohort), &coral)
        .await
        .json();
    assert_eq!(view["cohort"]["members"][0]["name"], "alice", "{view}");
}
