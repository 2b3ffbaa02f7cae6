//! Hiring rounds on a team server: an interviewer makes a round of questions, candidates
//! and interviewers; each scores on their own, independently (the others' scorecards of
//! an answer show only after one's own is submitted); the round view, the printable
//! summary and the CSV aggregate per candidate and flag disagreements; a pasted answer
//! is corrected with the edit kept; a scorecard made on its own is a one-question round.

use rapport_server::AccountsConfig;
use rapport_store::Role;

use crate::accounts::{get, page_token, post_form, signed_in};
use crate::support::{Reply, TestApp};

const PASSWORD: &str = "maple orbit candle";

const STRONG: &str = "Last spring a caller was furious that his broadband had been down for \
    three days. I let him finish, apologised for the wait, and booked an engineer for the \
    next morning. I rang him after the visit: the line was working and he thanked me.";

const THIN: &str = "I would stay calm and help the caller.";

/// Posts a form of the page at `page_path` to `action`, with the page's token.
async fn submit(
    app: &TestApp,
    cookie: &str,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let page = get(app, page_path, cookie).await;
    let token = page_token(&page);
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    post_form(app, action, cookie, &all).await
}

/// Scores a candidate's answer in the round; the new scorecard's path.
async fn score(
    app: &TestApp,
    cookie: &str,
    round: &str,
    cell: (&str, &str),
    answer: &str,
) -> String {
    let page = format!("{round}/score?candidate={}&question={}", cell.0, cell.1);
    let reply = submit(
        app,
        cookie,
        &page,
        &format!("{round}/score"),
        &[
            ("candidate", cell.0),
            ("question", cell.1),
            ("interview_date", "2026-12-07"),
            ("answer", answer),
        ],
    )
    .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    reply.location()
}

#[tokio::test]
async fn interviewers_score_a_round_independently_and_see_where_they_disagree() {
    let app = TestApp::with_accounts(Some(AccountsConfig::default())).await;
    let irene = signed_in(&app, "irene", Role::Interviewer, PASSWORD).await;
    let ivan = signed_in(&app, "ivan", Role::Interviewer, PASSWORD).await;
    let ada = signed_in(&app, "ada", Role::Admin, PASSWORD).await;
    let bob = signed_in(&app, "bob", Role::Candidate, PASSWORD).await;

    // Candidates do not make rounds; interviewers must be interviewers.
    assert_eq!(get(&app, "/rounds/new", &bob).await.status, 403);
    let round_fields = |interviewers: &'static str| {
        [
            ("name", "Support desk, December"),
            ("question", "angry-caller"),
            ("question", "difficult-customer"),
            ("candidates", "Pat Ng\nSam Lee\n"),
            ("interviewers", interviewers),
        ]
    };
    let refused = submit(&app, &bob, "/rounds", "/rounds", &round_fields("")).await;
    assert_eq!(refused.status, 403);
    let not_one = submit(&app, &irene, "/rounds/new", "/rounds", &round_fields("bob")).await;
    assert_eq!(not_one.status, 422);
    assert!(
        not_one.body.contains("only interviewers and admins"),
        "{}",
        not_one.body
    );
    assert!(not_one.body.contains("Pat Ng"), "what was typed is kept");
    let made = submit(
        &app,
        &irene,
        "/rounds/new",
        "/rounds",
        &round_fields("ivan"),
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let round = made.location();
    let id = round.trim_start_matches("/rounds/").to_owned();
    let listed = get(&app, "/rounds", &ivan).await;
    assert!(listed.body.contains("Support desk, December"));
    assert!(listed.body.contains("irene, ivan"), "{}", listed.body);

    // Irene scores Pat's first answer and leaves it a draft; Ivan scores it too, with
    // his own verdict, and submits.
    let irenes = score(&app, &irene, &round, ("0", "0"), STRONG).await;
    let again = get(
        &app,
        &format!("{round}/score?candidate=0&question=0"),
        &irene,
    )
    .await;
    assert_eq!(
        again.location(),
        irenes,
        "one scorecard per interviewer and answer"
    );
    let ivans = score(&app, &ivan, &round, ("0", "0"), THIN).await;
    let saved = submit(
        &app,
        &ivan,
        &ivans,
        &ivans,
        &[
            ("verdict", "30"),
            ("recommendation", "no"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let ivans_card = get(&app, &ivans, &ivan).await.body;
    assert!(
        ivans_card.contains("the interviewer&#39;s verdict counts")
            || ivans_card.contains("the interviewer's verdict counts"),
        "{ivans_card}"
    );
    assert!(ivans_card.contains("Submitted"));

    // Irene has not submitted: she sees that Ivan has, not what he gave.
    let view = get(&app, &round, &irene).await.body;
    assert!(
        view.contains("1 other interviewer has submitted: submit yours to see theirs."),
        "{view}"
    );
    assert!(!view.contains("ivan: 30/100"), "{view}");
    let csv = get(&app, &format!("{round}/export.csv"), &irene).await.body;
    assert_eq!(csv.lines().count(), 2, "header and her own draft: {csv}");
    assert!(!csv.contains(",ivan,"));
    // Ivan, who submitted, sees only his own: Irene's is a draft.
    let view = get(&app, &round, &ivan).await.body;
    assert!(
        view.contains("ivan: 30/100 (interviewer&#39;s verdict counts)")
            || view.contains("ivan: 30/100 (interviewer's verdict counts)"),
        "{view}"
    );
    assert!(!view.contains("irene: "), "{view}");

    // Irene corrects the pasted answer (scored again, the old text kept), gives her
    // verdict and submits: now both see both, and the disagreement is flagged.
    let before = get(&app, &irenes, &irene).await.body;
    assert!(before.contains("Draft"));
    let corrected = format!("{STRONG} He has stayed with us since.");
    let saved = submit(
        &app,
        &irene,
        &irenes,
        &irenes,
        &[
            ("answer", &corrected),
            ("verdict", "85"),
            ("recommendation", "strong-yes"),
            ("interview_date", "2026-12-06"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let card = get(&app, &irenes, &irene).await.body;
    assert!(card.contains("Corrections of the answer"), "{card}");
    assert!(card.contains("stayed with us since"));
    assert!(card.contains("interviewed 2026-12-06"));
    for who in [&irene, &ivan] {
        let view = get(&app, &round, who).await.body;
        assert!(view.contains("irene: 85/100"), "{view}");
        assert!(view.contains("ivan: 30/100"), "{view}");
        assert!(view.contains("Mean <strong>58/100</strong>"), "{view}");
        assert!(view.contains("spread 55 points over 2 interviewers"));
        assert!(view.contains("disagree by more than a band"));
    }
    let summary = get(&app, &format!("{round}/summary"), &ivan).await;
    assert_eq!(summary.status, 200);
    assert!(
        summary
            .body
            .contains("Interviewers disagree by more than a band")
    );
    let csv = get(&app, &format!("{round}/export.csv"), &ivan).await.body;
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[0].starts_with("candidate,guide_id,question,interviewer,interview_date"));
    assert!(
        rows.iter().any(|r| r.starts_with("Pat Ng,angry-caller,")
            && r.contains(",irene,2026-12-06,")
            && r.contains(",85,interviewer's verdict,85,strong,strong-yes,")
            && r.ends_with(",1")),
        "{csv}"
    );
    assert!(
        rows.iter().any(|r| r.contains(",ivan,2026-12-07,")
            && r.contains(",30,interviewer's verdict,30,weak,no,")),
        "{csv}"
    );

    // Ada (an admin) is not on the round until Irene adds her; then she too sees the
    // others' only after submitting her own.
    assert_eq!(get(&app, &round, &ada).await.status, 404);
    let added = submit(
        &app,
        &irene,
        &round,
        &format!("{round}/interviewers"),
        &[("name", "ada")],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let view = get(&app, &round, &ada).await.body;
    assert!(
        view.contains("2 other interviewers have submitted"),
        "{view}"
    );
    assert!(!view.contains("irene: 85"));

    // Only the maker deletes the round, with its scorecards.
    let refused = submit(&app, &ivan, &round, &format!("{round}/delete"), &[]).await;
    assert_eq!(refused.status, 404);
    let deleted = submit(&app, &irene, &round, &format!("{round}/delete"), &[]).await;
    assert_eq!(
        deleted.location(),
        "/rounds?deleted=Support+desk%2C+December"
    );
    assert_eq!(get(&app, &ivans, &ivan).await.status, 404);
    assert_eq!(get(&app, &format!("/rounds/{id}"), &ivan).await.status, 404);
}

#[tokio::test]
async fn a_scorecard_made_on_its_own_is_a_one_question_round() {
    let app = TestApp::new().await;
    let page = app.get("/scorecards/new").await;
    let token = page_token(&page);
    let made = app
        .post_form(
            "/scorecards",
            &[
                ("csrf", token.as_str()),
                ("candidate", "Jo Park"),
                ("guide", "angry-caller"),
                ("answer", STRONG),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let rounds = app.get("/rounds").await.body;
    assert!(rounds.contains("Jo Park"), "{rounds}");
    assert!(rounds.contains("0 of 1"), "not submitted yet: {rounds}");
    let list = app.get("/scorecards").await.body;
    assert!(
        list.contains("the engine&#39;s score") || list.contains("the engine's score"),
        "{list}"
    );
    assert!(list.contains("draft"));
}
