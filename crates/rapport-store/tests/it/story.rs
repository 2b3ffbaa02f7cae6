//! The storage story: every feature of the [`Store`] trait in one sequence, written once
//! and run against each backend.

use rapport_store::{
    Attempt, AttemptFilter, Cohort, Member, Mode, NewAttempt, NewRecording, NewRound, NewScorecard,
    NewSession, RecordingInfo, Role, Scorecard, ScorecardEdit, ScorecardStep, Settings, Source,
    StepResult, Store, User,
};

const ALICE: &str = "alice";
const BOB: &str = "bob";

/// Answer text that must come back byte for byte: accents, quotes, emoji (with a flag
/// and a skin tone), combining marks, right-to-left script, HTML and SQL-ish text, and
/// every kind of line break.
const TRICKY: &str = "Le client était furieux — « inacceptable ! » 😡👍🏽🇬🇧\n\
    e\u{301} vs é, 日本語, עברית, \u{200b}zero-width, tab\there\r\n\
    <script>alert('x')</script> &amp; <b>bold</b> \"double\" 'single' `tick` \\ back\\slash\n\
    '); DROP TABLE attempts; -- and $1 ?1 %s {}";

fn steps(verdicts: &[(&str, bool, f32)]) -> Vec<StepResult> {
    verdicts
        .iter()
        .map(|&(id, met, strength)| StepResult {
            id: id.to_owned(),
            met,
            strength,
        })
        .collect()
}

fn new_attempt(user: &str, guide: &str, created_at_ms: i64) -> NewAttempt {
    NewAttempt {
        user_id: user.to_owned(),
        guide_id: guide.to_owned(),
        question: format!("Tell me about {guide}."),
        answer: "I listened, apologised and fixed the order the same day.".to_owned(),
        score: 64,
        band: "solid".to_owned(),
        steps: steps(&[
            ("situation", true, 0.8),
            ("actions", false, 0.25),
            ("outcome", true, 1.0),
        ]),
        report_json: r#"{"score":64,"band":"solid"}"#.to_owned(),
        engine: "lexical".to_owned(),
        mode: Mode::Practice,
        source: Source::Terminal,
        seconds_taken: None,
        session_id: None,
        created_at_ms,
    }
}

fn new_scorecard(user: &str, candidate: &str, created_at_ms: i64) -> NewScorecard {
    NewScorecard {
        user_id: user.to_owned(),
        candidate: candidate.to_owned(),
        guide_id: "difficult-customer".to_owned(),
        question: "Tell me about a difficult customer.".to_owned(),
        answer: TRICKY.to_owned(),
        score: 71,
        steps: vec![
            ScorecardStep {
                id: "situation".to_owned(),
                engine_met: true,
                override_met: None,
                comment: String::new(),
            },
            ScorecardStep {
                id: "outcome".to_owned(),
                engine_met: false,
                override_met: Some(true),
                comment: "the refund counts — « résultat »".to_owned(),
            },
        ],
        recommendation: String::new(),
        comment: "promising".to_owned(),
        report_json: "{}".to_owned(),
        created_at_ms,
        round_id: None,
        interview_date: "2026-11-30".to_owned(),
        verdict: None,
        submitted_at_ms: None,
    }
}

async fn add(store: &dyn Store, attempt: NewAttempt) -> Attempt {
    let saved = store
        .add_attempt(attempt.clone())
        .await
        .expect("add attempt");
    assert_eq!(saved.attempt, attempt, "add_attempt returns what was saved");
    saved
}

async fn list(store: &dyn Store, user: &str, filter: AttemptFilter) -> Vec<Attempt> {
    store.attempts(user, &filter).await.expect("list attempts")
}

fn ids(attempts: &[Attempt]) -> Vec<i64> {
    attempts.iter().map(|a| a.id).collect()
}

/// The story. Times are given, never read from a clock.
pub async fn story(store: &dyn Store) {
    assert!(
        list(store, ALICE, AttemptFilter::default())
            .await
            .is_empty()
    );
    assert!(
        store
            .scorecards(ALICE)
            .await
            .expect("scorecards")
            .is_empty()
    );

    // Alice practises: untimed in the terminal, timed in the browser, two questions of
    // a mock interview saved in the same millisecond, a tricky answer and a long one.
    let practice = add(store, new_attempt(ALICE, "difficult-customer", 1_000)).await;
    let timed = add(
        store,
        NewAttempt {
            mode: Mode::Timed,
            source: Source::Web,
            seconds_taken: Some(95),
            engine: "semantic".to_owned(),
            score: 100,
            band: "strong".to_owned(),
            ..new_attempt(ALICE, "general", 3_000)
        },
    )
    .await;
    let mock = |guide: &str| NewAttempt {
        mode: Mode::Mock,
        session_id: Some("mock-1".to_owned()),
        seconds_taken: Some(0),
        score: 0,
        band: "weak".to_owned(),
        steps: Vec::new(),
        ..new_attempt(ALICE, guide, 2_000)
    };
    let mock_first = add(store, mock("difficult-customer")).await;
    let mock_second = add(store, mock("going-extra-mile")).await;
    let tricky = add(
        store,
        NewAttempt {
            question: TRICKY.to_owned(),
            answer: TRICKY.to_owned(),
            report_json: format!("{{\"answer\":{TRICKY:?}}}"),
            ..new_attempt(ALICE, "general", 500)
        },
    )
    .await;
    let long_answer: String = "I listened to the customer — then I acted. "
        .chars()
        .cycle()
        .take(20_000)
        .collect();
    let long = add(
        store,
        NewAttempt {
            answer: long_answer.clone(),
            ..new_attempt(ALICE, "general", 400)
        },
    )
    .await;
    let bobs = add(store, new_attempt(BOB, "difficult-customer", 9_000)).await;

    let all = [
        &practice,
        &timed,
        &mock_first,
        &mock_second,
        &tricky,
        &long,
        &bobs,
    ];
    assert!(
        all.windows(2).all(|w| w[0].id < w[1].id),
        "ids increase: {:?}",
        all.map(|a| a.id)
    );

    // Newest first; the two mock questions of the same millisecond by id.
    let alices = list(store, ALICE, AttemptFilter::default()).await;
    assert_eq!(
        alices,
        [&timed, &mock_second, &mock_first, &practice, &tricky, &long].map(Attempt::clone)
    );

    // Filters, alone and together.
    let by_guide = |guide: &str| AttemptFilter {
        guide_id: Some(guide.to_owned()),
        ..AttemptFilter::default()
    };
    let check = async |filter: AttemptFilter, expect: &[&Attempt]| {
        let got = list(store, ALICE, filter.clone()).await;
        assert_eq!(
            ids(&got),
            expect.iter().map(|a| a.id).collect::<Vec<_>>(),
            "{filter:?}"
        );
    };
    check(by_guide("difficult-customer"), &[&mock_first, &practice]).await;
    check(by_guide("general"), &[&timed, &tricky, &long]).await;
    check(by_guide("nobody-has-this"), &[]).await;
    let session = AttemptFilter {
        session_id: Some("mock-1".to_owned()),
        ..AttemptFilter::default()
    };
    check(session.clone(), &[&mock_second, &mock_first]).await;
    let limit = |n: u32| AttemptFilter {
        limit: Some(n),
        ..AttemptFilter::default()
    };
    check(limit(2), &[&timed, &mock_second]).await;
    check(limit(0), &[]).await;
    check(
        limit(100),
        &[&timed, &mock_second, &mock_first, &practice, &tricky, &long],
    )
    .await;
    check(
        AttemptFilter {
            limit: Some(1),
            ..by_guide("difficult-customer")
        },
        &[&mock_first],
    )
    .await;
    check(
        AttemptFilter {
            session_id: Some("mock-1".to_owned()),
            ..by_guide("going-extra-mile")
        },
        &[&mock_second],
    )
    .await;
    // A limited list still carries each attempt's steps.
    assert_eq!(
        list(store, ALICE, by_guide("difficult-customer")).await[1],
        practice
    );

    // One attempt, exactly as saved: steps in order with their strengths, the tricky
    // text byte for byte, the long answer whole.
    let get = async |user: &str, id: i64| store.attempt(user, id).await.expect("get attempt");
    assert_eq!(get(ALICE, practice.id).await, Some(practice.clone()));
    assert_eq!(
        get(ALICE, practice.id).await.expect("saved").attempt.steps[1].strength,
        0.25
    );
    assert_eq!(get(ALICE, mock_first.id).await, Some(mock_first.clone()));
    let tricky_back = get(ALICE, tricky.id).await.expect("saved");
    assert_eq!(tricky_back.attempt.answer.as_bytes(), TRICKY.as_bytes());
    assert_eq!(tricky_back.attempt.question.as_bytes(), TRICKY.as_bytes());
    let long_back = get(ALICE, long.id).await.expect("saved");
    assert_eq!(long_back.attempt.answer.chars().count(), 20_000);
    assert_eq!(long_back.attempt.answer, long_answer);
    assert_eq!(get(ALICE, 1_000_000).await, None);

    // Users are kept apart: Bob neither sees nor deletes Alice's attempts, and his
    // "delete all" deletes only his own.
    assert_eq!(get(BOB, practice.id).await, None);
    assert_eq!(get(ALICE, bobs.id).await, None);
    assert_eq!(
        ids(&list(store, BOB, AttemptFilter::default()).await),
        [bobs.id]
    );
    assert!(
        !store
            .delete_attempt(BOB, practice.id)
            .await
            .expect("delete")
    );
    assert_eq!(store.delete_attempts(BOB).await.expect("delete all"), 1);
    assert!(list(store, BOB, AttemptFilter::default()).await.is_empty());
    assert_eq!(list(store, ALICE, AttemptFilter::default()).await.len(), 6);

    // Deleting one, then the same one again.
    assert!(
        store
            .delete_attempt(ALICE, mock_first.id)
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_attempt(ALICE, mock_first.id)
            .await
            .expect("delete")
    );
    assert_eq!(get(ALICE, mock_first.id).await, None);
    check(session, &[&mock_second]).await;

    // Scorecards: kept apart from the history and from other interviewers.
    let add_card = async |card: NewScorecard| {
        let saved = store
            .add_scorecard(card.clone())
            .await
            .expect("add scorecard");
        assert_eq!(saved.scorecard, card);
        assert_eq!(saved.updated_at_ms, card.created_at_ms);
        saved
    };
    let first = add_card(new_scorecard(ALICE, "Sam Ørsted", 10_000)).await;
    let second = add_card(new_scorecard(ALICE, "Kim", 20_000)).await;
    let bobs_card = add_card(new_scorecard(BOB, "Lee", 15_000)).await;
    let cards = async |user: &str| store.scorecards(user).await.expect("scorecards");
    assert_eq!(cards(ALICE).await, [second.clone(), first.clone()]);
    assert_eq!(cards(BOB).await, std::slice::from_ref(&bobs_card));
    assert_eq!(list(store, ALICE, AttemptFilter::default()).await.len(), 5);
    let card = async |user: &str, id: i64| store.scorecard(user, id).await.expect("scorecard");
    assert_eq!(card(ALICE, first.id).await, Some(first.clone()));
    assert_eq!(card(BOB, first.id).await, None);

    // The interviewer overrides a step, comments and decides; creation time stays.
    let mut decided = first.scorecard.clone();
    decided.steps[0].override_met = Some(false);
    decided.steps[0].comment = "no situation, only a <general> claim".to_owned();
    decided.steps.pop();
    decided.recommendation = "yes".to_owned();
    decided.comment = "clear — hire".to_owned();
    decided.created_at_ms = 99_999;
    decided.verdict = Some(72);
    decided.submitted_at_ms = Some(30_000);
    // A corrected answer, re-scored: the old text and score are kept as an edit.
    decided.answer = "The corrected answer — « exact »".to_owned();
    decided.score = 64;
    let updated = store
        .update_scorecard(first.id, decided.clone(), 30_000)
        .await
        .expect("update");
    let expected = Scorecard {
        id: first.id,
        scorecard: NewScorecard {
            created_at_ms: first.scorecard.created_at_ms,
            ..decided.clone()
        },
        updated_at_ms: 30_000,
        edits: vec![ScorecardEdit {
            edited_at_ms: 30_000,
            previous_answer: TRICKY.to_owned(),
            previous_score: 71,
        }],
    };
    assert_eq!(updated, Some(expected.clone()));
    assert_eq!(card(ALICE, first.id).await, Some(expected.clone()));
    // Bob cannot change Alice's scorecard, and nobody can change one that is not there.
    let as_bob = NewScorecard {
        user_id: BOB.to_owned(),
        ..decided.clone()
    };
    let update = async |id: i64, card: NewScorecard| {
        store
            .update_scorecard(id, card, 40_000)
            .await
            .expect("update")
    };
    assert_eq!(update(first.id, as_bob).await, None);
    assert_eq!(update(1_000_000, decided).await, None);
    assert_eq!(card(ALICE, first.id).await, Some(expected.clone()));

    assert!(
        !store
            .delete_scorecard(BOB, second.id)
            .await
            .expect("delete")
    );
    assert!(
        store
            .delete_scorecard(ALICE, second.id)
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_scorecard(ALICE, second.id)
            .await
            .expect("delete")
    );
    assert_eq!(cards(ALICE).await, [expected]);
    assert_eq!(cards(BOB).await, [bobs_card]);

    // Deleting all of Alice's history leaves her scorecards; ids are never reused.
    assert_eq!(store.delete_attempts(ALICE).await.expect("delete all"), 5);
    assert!(
        list(store, ALICE, AttemptFilter::default())
            .await
            .is_empty()
    );
    assert_eq!(cards(ALICE).await.len(), 1);
    let again = add(store, new_attempt(ALICE, "general", 50_000)).await;
    assert!(again.id > bobs.id, "a new attempt gets a new id");
    assert_eq!(list(store, ALICE, AttemptFilter::default()).await, [again]);

    recordings_and_settings(store).await;
    users_and_sessions(store).await;
    cohorts(store).await;
    rounds(store).await;
}

/// Accounts: users by unique name, sessions that end, a new password that ends them, and
/// a removed user taking everything of theirs along.
async fn users_and_sessions(store: &dyn Store) {
    let user = |name: &str, role: Role| User {
        name: name.to_owned(),
        role,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt-of-{name}$hash"),
        created_at_ms: 70_000,
    };
    assert!(store.users().await.expect("users").is_empty());
    assert!(
        store
            .add_user(user("carol", Role::Coach))
            .await
            .expect("add")
    );
    assert!(
        store
            .add_user(user("alice", Role::Candidate))
            .await
            .expect("add")
    );
    assert!(
        !store
            .add_user(user("alice", Role::Admin))
            .await
            .expect("add"),
        "a name is taken once"
    );
    let names: Vec<(String, Role)> = store
        .users()
        .await
        .expect("users")
        .into_iter()
        .map(|u| (u.name, u.role))
        .collect();
    assert_eq!(
        names,
        [
            ("alice".to_owned(), Role::Candidate),
            ("carol".to_owned(), Role::Coach)
        ]
    );
    assert_eq!(
        store.user("alice").await.expect("user"),
        Some(user("alice", Role::Candidate))
    );
    assert_eq!(store.user("nobody").await.expect("user"), None);

    // A session lives until it ends, and only under its own token's hash.
    let session = |token: &str, name: &str, at: i64| NewSession {
        token_hash: format!("hash-{token}"),
        user_name: name.to_owned(),
        csrf: format!("csrf-{token}"),
        created_at_ms: at,
        expires_at_ms: at + 1_000,
    };
    store
        .add_session(session("a1", "alice", 80_000))
        .await
        .expect("add");
    let live = store
        .session("hash-a1", 80_500)
        .await
        .expect("read")
        .expect("live");
    assert_eq!(live.user.name, "alice");
    assert_eq!(live.csrf, "csrf-a1");
    assert_eq!(
        store.session("hash-a1", 81_000).await.expect("read"),
        None,
        "ended"
    );
    assert_eq!(store.session("a1", 80_500).await.expect("read"), None);
    // Logging out ends it; twice is not an error.
    store
        .add_session(session("a2", "alice", 80_600))
        .await
        .expect("add");
    store.delete_session("hash-a2").await.expect("delete");
    store.delete_session("hash-a2").await.expect("delete again");
    assert_eq!(store.session("hash-a2", 80_700).await.expect("read"), None);
    // A new password ends every session of the user's, not another's.
    store
        .add_session(session("a3", "alice", 90_000))
        .await
        .expect("add");
    store
        .add_session(session("c1", "carol", 90_000))
        .await
        .expect("add");
    assert!(
        store
            .set_password("alice", "$argon2id$new")
            .await
            .expect("set")
    );
    assert!(
        !store
            .set_password("nobody", "$argon2id$new")
            .await
            .expect("set")
    );
    assert_eq!(store.session("hash-a3", 90_001).await.expect("read"), None);
    assert!(
        store
            .session("hash-c1", 90_001)
            .await
            .expect("read")
            .is_some()
    );
    assert_eq!(
        store
            .user("alice")
            .await
            .expect("user")
            .map(|u| u.password_hash),
        Some("$argon2id$new".to_owned())
    );

    // Removing a user removes their sessions and records, and nobody else's.
    store
        .add_session(session("a4", "alice", 90_000))
        .await
        .expect("add");
    add(store, new_attempt("alice", "angry-caller", 91_000)).await;
    add(store, new_attempt("carol", "angry-caller", 91_000)).await;
    store
        .set_settings(
            "alice",
            &Settings {
                keep_recordings: true,
            },
        )
        .await
        .expect("settings");
    assert!(store.remove_user("alice").await.expect("remove"));
    assert!(!store.remove_user("alice").await.expect("remove again"));
    assert_eq!(store.session("hash-a4", 90_001).await.expect("read"), None);
    assert!(
        list(store, "alice", AttemptFilter::default())
            .await
            .is_empty()
    );
    assert_eq!(
        store.settings("alice").await.expect("settings"),
        Settings::default()
    );
    assert_eq!(
        list(store, "carol", AttemptFilter::default()).await.len(),
        1
    );
    assert!(
        store
            .session("hash-c1", 90_001)
            .await
            .expect("read")
            .is_some()
    );
}

/// Recordings kept with an attempt: saved with it in order, byte for byte, seen only by
/// their owner, and gone with the attempt, with all the user's attempts, or on their
/// own; and the settings that say whether to keep them.
async fn recordings_and_settings(store: &dyn Store) {
    // Settings: the defaults until changed, per user.
    assert_eq!(
        store.settings(ALICE).await.expect("settings"),
        Settings::default()
    );
    assert!(!Settings::default().keep_recordings, "off unless chosen");
    let keep = Settings {
        keep_recordings: true,
    };
    store.set_settings(ALICE, &keep).await.expect("set");
    assert_eq!(store.settings(ALICE).await.expect("settings"), keep);
    assert_eq!(
        store.settings(BOB).await.expect("settings"),
        Settings::default()
    );
    store
        .set_settings(ALICE, &Settings::default())
        .await
        .expect("set back");
    assert_eq!(
        store.settings(ALICE).await.expect("settings"),
        Settings::default()
    );

    // Every byte value, and a second recording in another format.
    let wav: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let ogg = b"OggS\0\x02 not really opus".to_vec();
    let made = vec![
        NewRecording {
            media_type: "audio/wav".to_owned(),
            seconds: 2.5,
            audio: wav.clone(),
        },
        NewRecording {
            media_type: "audio/ogg".to_owned(),
            seconds: 0.75,
            audio: ogg.clone(),
        },
    ];
    let spoken = store
        .add_attempt_with_recordings(new_attempt(ALICE, "angry-caller", 60_000), made)
        .await
        .expect("add with recordings");
    let plain = add(store, new_attempt(ALICE, "angry-caller", 61_000)).await;
    let infos = store.recordings(ALICE, spoken.id).await.expect("list");
    assert_eq!(
        infos,
        [
            RecordingInfo {
                position: 1,
                media_type: "audio/wav".to_owned(),
                seconds: 2.5,
                size: 70_000,
            },
            RecordingInfo {
                position: 2,
                media_type: "audio/ogg".to_owned(),
                seconds: 0.75,
                size: ogg.len() as u64,
            },
        ]
    );
    let first = store
        .recording(ALICE, spoken.id, 1)
        .await
        .expect("read")
        .expect("the first recording");
    assert_eq!(first.info, infos[0]);
    assert!(first.audio == wav, "the bytes come back as they went in");
    let second = store.recording(ALICE, spoken.id, 2).await.expect("read");
    assert_eq!(second.map(|r| r.audio), Some(ogg));
    for position in [0, 3, u32::MAX] {
        assert_eq!(
            store
                .recording(ALICE, spoken.id, position)
                .await
                .expect("read"),
            None,
            "no recording {position}"
        );
    }
    assert!(
        store
            .recordings(ALICE, plain.id)
            .await
            .expect("list")
            .is_empty()
    );

    // Another user sees none of them, and cannot delete them.
    assert!(
        store
            .recordings(BOB, spoken.id)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        store.recording(BOB, spoken.id, 1).await.expect("read"),
        None
    );
    assert_eq!(store.delete_recordings(BOB).await.expect("delete"), 0);
    assert!(!store.delete_attempt(BOB, spoken.id).await.expect("delete"));
    assert_eq!(
        store
            .recordings(ALICE, spoken.id)
            .await
            .expect("list")
            .len(),
        2
    );

    // Deleting all recordings keeps the attempts.
    assert_eq!(store.delete_recordings(ALICE).await.expect("delete"), 2);
    assert!(
        store
            .recordings(ALICE, spoken.id)
            .await
            .expect("list")
            .is_empty()
    );
    assert!(
        store
            .attempt(ALICE, spoken.id)
            .await
            .expect("read")
            .is_some()
    );

    // Deleting an attempt deletes its recordings; deleting all attempts, all of them.
    let one = NewRecording {
        media_type: "audio/webm".to_owned(),
        seconds: 1.0,
        audio: vec![0x1a, 0x45, 0xdf, 0xa3],
    };
    let again = store
        .add_attempt_with_recordings(
            new_attempt(ALICE, "angry-caller", 62_000),
            vec![one.clone()],
        )
        .await
        .expect("add");
    assert!(store.delete_attempt(ALICE, again.id).await.expect("delete"));
    assert_eq!(
        store.recording(ALICE, again.id, 1).await.expect("read"),
        None
    );
    let last = store
        .add_attempt_with_recordings(new_attempt(ALICE, "angry-caller", 63_000), vec![one])
        .await
        .expect("add");
    assert_eq!(
        store.recordings(ALICE, last.id).await.expect("list").len(),
        1
    );
    store.delete_attempts(ALICE).await.expect("delete all");
    assert_eq!(store.delete_recordings(ALICE).await.expect("none left"), 0);
}

/// Cohorts: a coach's own, seen with their members only by that coach; joined through
/// the invite (once), left, the invite renewed, and everything gone with the coach's or
/// the candidate's account.
async fn cohorts(store: &dyn Store) {
    for (name, role) in [
        ("coach-a", Role::Coach),
        ("coach-b", Role::Coach),
        ("dan", Role::Candidate),
        ("eve", Role::Candidate),
    ] {
        let added = store
            .add_user(User {
                name: name.to_owned(),
                role,
                password_hash: "$argon2id$hash".to_owned(),
                created_at_ms: 100_000,
            })
            .await
            .expect("add user");
        assert!(added, "{name}");
    }
    let spring = store
        .add_cohort("coach-a", "Spring intake", "invite-1", 100_001)
        .await
        .expect("add cohort");
    let autumn = store
        .add_cohort("coach-a", "Autumn intake", "invite-2", 100_002)
        .await
        .expect("add cohort");
    let other = store
        .add_cohort("coach-b", "Coach B's", "invite-3", 100_003)
        .await
        .expect("add cohort");
    assert!(spring.id != autumn.id && autumn.id != other.id);
    let names = |cohorts: &[Cohort]| cohorts.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&store.coached_cohorts("coach-a").await.expect("list")),
        ["Autumn intake", "Spring intake"],
        "newest first, and only the coach's own"
    );
    assert_eq!(
        store
            .coached_cohort("coach-b", spring.id)
            .await
            .expect("read"),
        None,
        "another coach's cohort is not found"
    );

    // Joining through the invite, once.
    let invited = store
        .invited_cohort("invite-1")
        .await
        .expect("read")
        .expect("the invite names the cohort");
    assert_eq!((invited.id, invited.coach.as_str()), (spring.id, "coach-a"));
    assert_eq!(store.invited_cohort("invite-9").await.expect("read"), None);
    assert!(
        store
            .join_cohort(spring.id, "dan", 100_010)
            .await
            .expect("join")
    );
    assert!(
        !store
            .join_cohort(spring.id, "dan", 100_011)
            .await
            .expect("join again")
    );
    assert!(
        store
            .join_cohort(spring.id, "eve", 100_012)
            .await
            .expect("join")
    );
    assert!(
        store
            .join_cohort(other.id, "eve", 100_013)
            .await
            .expect("join")
    );
    let seen = store
        .coached_cohort("coach-a", spring.id)
        .await
        .expect("read")
        .expect("the coach's cohort");
    assert_eq!(
        seen.members,
        [
            Member {
                name: "dan".into(),
                joined_at_ms: 100_010
            },
            Member {
                name: "eve".into(),
                joined_at_ms: 100_012
            }
        ]
    );
    let joined = store.joined_cohorts("eve").await.expect("joined");
    assert_eq!(names(&joined), ["Coach B's", "Spring intake"]);
    assert_eq!(
        joined.iter().map(|c| c.members.clone()).collect::<Vec<_>>(),
        [
            vec![Member {
                name: "eve".into(),
                joined_at_ms: 100_013
            }],
            vec![Member {
                name: "eve".into(),
                joined_at_ms: 100_012
            }]
        ],
        "a candidate sees when they joined, and never the other members"
    );

    // Leaving, and a new invite that ends the old one.
    assert!(store.leave_cohort(spring.id, "eve").await.expect("leave"));
    assert!(
        !store
            .leave_cohort(spring.id, "eve")
            .await
            .expect("leave again")
    );
    assert_eq!(
        names(&store.joined_cohorts("eve").await.expect("joined")),
        ["Coach B's"]
    );
    assert!(
        store
            .set_invite("coach-a", spring.id, "invite-4")
            .await
            .expect("renew")
    );
    assert!(
        !store
            .set_invite("coach-b", spring.id, "invite-5")
            .await
            .expect("renew")
    );
    assert_eq!(store.invited_cohort("invite-1").await.expect("read"), None);
    assert_eq!(
        store
            .invited_cohort("invite-4")
            .await
            .expect("read")
            .map(|c| c.id),
        Some(spring.id)
    );

    // Deleting: only the coach's own; the members go with it.
    assert!(
        !store
            .delete_cohort("coach-b", autumn.id)
            .await
            .expect("delete")
    );
    assert!(
        store
            .delete_cohort("coach-a", autumn.id)
            .await
            .expect("delete")
    );
    assert_eq!(
        store.coached_cohorts("coach-a").await.expect("list").len(),
        1
    );

    // A removed candidate leaves every cohort; a removed coach takes their cohorts.
    assert!(store.remove_user("dan").await.expect("remove"));
    assert!(
        store
            .coached_cohort("coach-a", spring.id)
            .await
            .expect("read")
            .expect("still there")
            .members
            .is_empty()
    );
    assert!(store.remove_user("coach-b").await.expect("remove"));
    assert!(
        store
            .joined_cohorts("eve")
            .await
            .expect("joined")
            .is_empty()
    );
    assert_eq!(store.invited_cohort("invite-3").await.expect("read"), None);
}

/// Hiring rounds: seen only by their interviewers, with every interviewer's scorecards
/// in them; interviewers added and the round deleted only by its owner, its scorecards
/// going with it.
async fn rounds(store: &dyn Store) {
    let made = store
        .add_round(NewRound {
            owner: "irene".into(),
            name: "Support desk, December".into(),
            questions: vec!["angry-caller".into(), "difficult-customer".into()],
            candidates: vec!["Pat Ng".into(), "Sam Ørsted".into()],
            interviewers: vec!["ivan".into()],
            created_at_ms: 200_000,
        })
        .await
        .expect("add round");
    assert_eq!(
        made.round.interviewers,
        ["irene", "ivan"],
        "the owner is on it"
    );
    assert_eq!(
        store.rounds("ivan").await.expect("rounds"),
        std::slice::from_ref(&made)
    );
    assert!(store.rounds("zed").await.expect("rounds").is_empty());
    assert_eq!(
        store.round("irene", made.id).await.expect("round"),
        Some(made.clone())
    );
    assert_eq!(store.round("zed", made.id).await.expect("round"), None);
    assert_eq!(
        store.round_scorecards("zed", made.id).await.expect("cards"),
        None
    );

    let in_round = |user: &str, created_at_ms: i64| NewScorecard {
        round_id: Some(made.id),
        candidate: "Pat Ng".into(),
        ..new_scorecard(user, "Pat Ng", created_at_ms)
    };
    let irenes = store
        .add_scorecard(in_round("irene", 200_001))
        .await
        .expect("add");
    let ivans = store
        .add_scorecard(in_round("ivan", 200_002))
        .await
        .expect("add");
    let seen = store
        .round_scorecards("ivan", made.id)
        .await
        .expect("cards")
        .expect("ivan is on the round");
    assert_eq!(seen, [ivans.clone(), irenes.clone()]);

    assert!(
        !store
            .add_round_interviewer("ivan", made.id, "zed")
            .await
            .expect("add"),
        "only the owner"
    );
    assert!(
        store
            .add_round_interviewer("irene", made.id, "zed")
            .await
            .expect("add")
    );
    assert!(
        !store
            .add_round_interviewer("irene", made.id, "zed")
            .await
            .expect("add")
    );
    assert_eq!(
        store
            .round_scorecards("zed", made.id)
            .await
            .expect("cards")
            .map(|c| c.len()),
        Some(2)
    );

    assert!(
        !store.delete_round("ivan", made.id).await.expect("delete"),
        "only the owner"
    );
    assert!(store.delete_round("irene", made.id).await.expect("delete"));
    assert!(store.rounds("ivan").await.expect("rounds").is_empty());
    assert_eq!(
        store.scorecard("ivan", ivans.id).await.expect("card"),
        None,
        "gone with it"
    );
}
