//! Where practice attempts and interviewer scorecards are kept: a small [`Store`] trait,
//! with SQLite (a file in the user's data directory) and PostgreSQL (one server for a
//! team) behind it.
//!
//! Attempts are the user's own practice history (terminal and browser write to the same
//! store); scorecards are an interviewer's judgement of somebody else's answer and are
//! kept in their own table, never mixed into the history. Every record carries a user
//! id, although only one local user ([`LOCAL_USER`]) exists until accounts arrive.
//!
//! Times are milliseconds since the Unix epoch, given by the caller, so that the store
//! itself reads no clock and the story test is deterministic.
//!
//! [`open`] picks the backend from a location: a file path or `sqlite://PATH` for
//! SQLite, `postgres://…` for PostgreSQL. Each backend owns its migrations
//! (`migrations/sqlite/`, `migrations/postgres/`), which run when the store is opened.

mod location;
mod postgres;
mod queries;
mod rows;
mod sqlite;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use location::redact_password;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Opens the store at `location`, creating and migrating it as needed.
///
/// `postgres://…` or `postgresql://…` is a PostgreSQL server; `sqlite://PATH`,
/// `sqlite:PATH` or a plain file path is a SQLite file (its folders are created), and
/// `:memory:` or `sqlite::memory:` a SQLite database that lives as long as the store.
/// Any other `scheme://` is [`StoreError::Url`]. No error names a password.
pub async fn open(location: &str) -> Result<Arc<dyn Store>, StoreError> {
    let store: Arc<dyn Store> = match location::parse(location)? {
        location::Location::Postgres(url) => Arc::new(PostgresStore::connect(url).await?),
        location::Location::SqliteFile(path) => Arc::new(SqliteStore::open(&path).await?),
        location::Location::SqliteMemory => Arc::new(SqliteStore::memory().await?),
    };
    Ok(store)
}

/// Where the SQLite store lives by default: `rapport.db` in the user's data directory.
pub fn default_sqlite_path(data_dir: &Path) -> PathBuf {
    data_dir.join("rapport.db")
}

/// The single local user every attempt belongs to until accounts exist.
pub const LOCAL_USER: &str = "local";

/// How an attempt was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Answering one question, untimed.
    Practice,
    /// Answering one question against the clock.
    Timed,
    /// One question of a mock interview.
    Mock,
}

impl Mode {
    /// The name stored and shown: `practice`, `timed` or `mock`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Timed => "timed",
            Mode::Mock => "mock",
        }
    }

    /// The mode with this name.
    pub fn parse(name: &str) -> Option<Mode> {
        [Mode::Practice, Mode::Timed, Mode::Mock]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

/// Where an attempt was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// `rapport practice` or `rapport mock` in a terminal.
    Terminal,
    /// The web app.
    Web,
}

impl Source {
    /// The name stored and shown: `terminal` or `web`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Terminal => "terminal",
            Source::Web => "web",
        }
    }

    /// The source with this name.
    pub fn parse(name: &str) -> Option<Source> {
        [Source::Terminal, Source::Web]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// One step's verdict as saved with an attempt, for progress per step over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepResult {
    /// The step id of the guide (`situation`, `outcome`, …).
    pub id: String,
    /// Whether the answer took the step.
    pub met: bool,
    /// How clearly, 0–1.
    pub strength: f32,
}

/// An attempt to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAttempt {
    /// Whose attempt it is ([`LOCAL_USER`] for now).
    pub user_id: String,
    /// The guide answered (`difficult-customer`, or `general` for a free question).
    pub guide_id: String,
    /// The question as asked.
    pub question: String,
    /// The answer exactly as given.
    pub answer: String,
    /// 0–100.
    pub score: u8,
    /// `strong`, `solid`, `developing` or `weak`.
    pub band: String,
    /// One per step of the guide, in guide order.
    pub steps: Vec<StepResult>,
    /// The JSON document of docs/contract.md, as produced when the attempt was scored.
    pub report_json: String,
    /// `lexical` or `semantic`.
    pub engine: String,
    /// How the attempt was made.
    pub mode: Mode,
    /// Where.
    pub source: Source,
    /// Seconds the user took, when timed.
    pub seconds_taken: Option<u32>,
    /// The mock interview this attempt belongs to, if any.
    pub session_id: Option<String>,
    /// When, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
}

/// A saved attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// Assigned by the store, increasing.
    pub id: i64,
    /// What was saved.
    #[serde(flatten)]
    pub attempt: NewAttempt,
}

/// Which attempts to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttemptFilter {
    /// Only this guide's attempts.
    pub guide_id: Option<String>,
    /// Only this mock interview's attempts.
    pub session_id: Option<String>,
    /// At most this many, newest first; all when `None`.
    pub limit: Option<u32>,
}

/// An interviewer's verdict on one step, which may override the engine's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorecardStep {
    /// The step id.
    pub id: String,
    /// What the engine said.
    pub engine_met: bool,
    /// What the interviewer decided; `None` keeps the engine's verdict.
    pub override_met: Option<bool>,
    /// The interviewer's comment on this step.
    pub comment: String,
}

/// An interviewer's scorecard to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewScorecard {
    /// The interviewer's user id ([`LOCAL_USER`] for now).
    pub user_id: String,
    /// Who was interviewed, as the interviewer wrote it.
    pub candidate: String,
    /// The guide scored against.
    pub guide_id: String,
    /// The question as asked.
    pub question: String,
    /// The candidate's answer.
    pub answer: String,
    /// The engine's score, 0–100.
    pub score: u8,
    /// One per step of the guide.
    pub steps: Vec<ScorecardStep>,
    /// `strong-yes`, `yes`, `no`, `strong-no` or empty while undecided.
    pub recommendation: String,
    /// The interviewer's overall comment.
    pub comment: String,
    /// The JSON document of docs/contract.md of the engine's report.
    pub report_json: String,
    /// When, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// The hiring round it belongs to (every scorecard made by the app has one).
    pub round_id: Option<i64>,
    /// The day of the interview, `YYYY-MM-DD`, as the interviewer gave it; empty if not.
    pub interview_date: String,
    /// The interviewer's own score of the answer, 0–100, which counts instead of the
    /// engine's; `None` while the engine's counts.
    pub verdict: Option<u8>,
    /// When the interviewer submitted it; `None` while it is a draft.
    pub submitted_at_ms: Option<i64>,
}

/// A saved scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Assigned by the store.
    pub id: i64,
    /// What was saved.
    #[serde(flatten)]
    pub scorecard: NewScorecard,
    /// When it was last changed, in milliseconds since the Unix epoch.
    pub updated_at_ms: i64,
    /// Each correction of the pasted answer, oldest first (recorded by
    /// [`Store::update_scorecard`] whenever the answer changes).
    pub edits: Vec<ScorecardEdit>,
}

/// A correction of a scorecard's answer: what it was before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardEdit {
    /// When the answer was changed, in milliseconds since the Unix epoch.
    pub edited_at_ms: i64,
    /// The answer before the change.
    pub previous_answer: String,
    /// The engine's score before the change.
    pub previous_score: u8,
}

/// A hiring round to make: questions and candidates that its interviewers score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRound {
    /// Who made it (always one of its interviewers).
    pub owner: String,
    /// Its name, such as the role being hired for.
    pub name: String,
    /// The guides asked, in order.
    pub questions: Vec<String>,
    /// The candidates' names, in order.
    pub candidates: Vec<String>,
    /// The interviewers' user names (the owner is added when missing).
    pub interviewers: Vec<String>,
    /// When, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
}

/// A saved hiring round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Assigned by the store.
    pub id: i64,
    /// What was saved (with the owner among the interviewers).
    #[serde(flatten)]
    pub round: NewRound,
}

/// A recording of a spoken answer to keep with its attempt (only when the user chose to
/// keep recordings: see [`Settings::keep_recordings`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecording {
    /// As received: `audio/wav`, `audio/webm` or `audio/ogg`.
    pub media_type: String,
    /// Its length in seconds.
    pub seconds: f32,
    /// The recording's bytes, exactly as received.
    pub audio: Vec<u8>,
}

/// What is known of a kept recording, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingInfo {
    /// Its place among the attempt's recordings, from 1, in the order they were made.
    pub position: u32,
    /// `audio/wav`, `audio/webm` or `audio/ogg`.
    pub media_type: String,
    /// Its length in seconds.
    pub seconds: f32,
    /// Its size in bytes.
    pub size: u64,
}

/// A kept recording with its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// What is known of it.
    pub info: RecordingInfo,
    /// The bytes as received.
    pub audio: Vec<u8>,
}

/// A user's settings. Each has a default a user who never opened the settings gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Keep the recordings of spoken answers with their attempts (off by default: a
    /// recording is transcribed and forgotten).
    pub keep_recordings: bool,
}

impl Settings {
    /// The settings as stored, one `(name, value)` pair each.
    pub(crate) fn pairs(&self) -> [(&'static str, String); 1] {
        [("keep_recordings", self.keep_recordings.to_string())]
    }

    /// Settings from stored `(name, value)` rows; names this version does not know are
    /// skipped, and a value it cannot read keeps the default.
    pub(crate) fn from_pairs(rows: Vec<(String, String)>) -> Settings {
        let mut settings = Settings::default();
        for (name, value) in rows {
            if name == "keep_recordings" {
                settings.keep_recordings = value == "true";
            }
        }
        settings
    }
}

/// What a user may do on a server with accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Practises; shares practice only by joining a coach's cohort.
    Candidate,
    /// Runs cohorts of candidates.
    Coach,
    /// Scores candidates in hiring rounds.
    Interviewer,
    /// Manages the server.
    Admin,
}

impl Role {
    /// Every role, in documentation order.
    pub const ALL: [Role; 4] = [Role::Candidate, Role::Coach, Role::Interviewer, Role::Admin];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Coach => "coach",
            Role::Interviewer => "interviewer",
            Role::Admin => "admin",
        }
    }

    /// The role with this name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// A user of a server with accounts. The name is the user id their records carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Unique; what they log in with.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// The password's argon2id hash (PHC string); never the password.
    pub password_hash: String,
    /// When the account was made, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
}

/// A session to save at login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// A hash of the token in the user's cookie (the token itself is never stored).
    pub token_hash: String,
    /// Whose session it is.
    pub user_name: String,
    /// The session's token for form posts.
    pub csrf: String,
    /// When it began.
    pub created_at_ms: i64,
    /// When it ends.
    pub expires_at_ms: i64,
}

/// A live session with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose session it is.
    pub user: User,
    /// The session's token for form posts.
    pub csrf: String,
    /// When it ends.
    pub expires_at_ms: i64,
}

/// A coach's cohort. A candidate who joins it shares their practice with its coach, and
/// only with that coach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cohort {
    /// Assigned by the store.
    pub id: i64,
    /// The coach's user name.
    pub coach: String,
    /// As the coach named it.
    pub name: String,
    /// The secret in its invite link (`/join/{invite}`); a new one ends the old link.
    pub invite: String,
    /// When it was made, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// Its members, by name, where its coach asks; elsewhere none, or only the asking
    /// user's own membership, so that a candidate never learns who else is in it.
    pub members: Vec<Member>,
}

/// A candidate in a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Their user name.
    pub name: String,
    /// When they joined, in milliseconds since the Unix epoch.
    pub joined_at_ms: i64,
}

/// A store failure. Messages name what failed without leaking SQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or reached.
    #[error("cannot open the database {location}: {reason}")]
    Open {
        /// The file or server, without any password.
        location: String,
        /// Why.
        reason: String,
    },
    /// A migration failed.
    #[error("cannot prepare the database: {0}")]
    Migrate(String),
    /// A query failed.
    #[error("database error: {0}")]
    Query(String),
    /// The database is busy (locked by another process); trying again later can work.
    #[error("the database is busy: {0}")]
    Busy(String),
    /// A URL the store does not understand.
    #[error("unsupported database address {0:?}: use a file path, sqlite://PATH or postgres://…")]
    Url(String),
}

/// The store behind the CLI and the server. Every method is scoped to one user: a user
/// never sees, changes or deletes another's records.
#[async_trait]
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Saves an attempt in one transaction and returns it with its id.
    async fn add_attempt(&self, attempt: NewAttempt) -> Result<Attempt, StoreError> {
        self.add_attempt_with_recordings(attempt, Vec::new()).await
    }

    /// Saves an attempt and the recordings of its answer in one transaction.
    async fn add_attempt_with_recordings(
        &self,
        attempt: NewAttempt,
        recordings: Vec<NewRecording>,
    ) -> Result<Attempt, StoreError>;

    /// What is known of the recordings kept with one of the user's attempts, in order;
    /// empty when none were kept or the user has no such attempt.
    async fn recordings(
        &self,
        user_id: &str,
        attempt_id: i64,
    ) -> Result<Vec<RecordingInfo>, StoreError>;

    /// One recording of one of the user's attempts, with its bytes.
    async fn recording(
        &self,
        user_id: &str,
        attempt_id: i64,
        position: u32,
    ) -> Result<Option<Recording>, StoreError>;

    /// Deletes every recording kept with the user's attempts (the attempts stay);
    /// returns how many there were.
    async fn delete_recordings(&self, user_id: &str) -> Result<u64, StoreError>;

    /// The user's settings (the defaults until changed).
    async fn settings(&self, user_id: &str) -> Result<Settings, StoreError>;

    /// Changes the user's settings.
    async fn set_settings(&self, user_id: &str, settings: &Settings) -> Result<(), StoreError>;

    /// Adds a user; `false` when the name is taken.
    async fn add_user(&self, user: User) -> Result<bool, StoreError>;

    /// The user with this name.
    async fn user(&self, name: &str) -> Result<Option<User>, StoreError>;

    /// Every user, by name.
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    /// Removes a user with everything of theirs (sessions, attempts and their recordings,
    /// scorecards, settings, the cohorts they coach and their memberships), in one
    /// transaction; `false` when there is no such user.
    async fn remove_user(&self, name: &str) -> Result<bool, StoreError>;

    /// Replaces a user's password hash and ends their sessions; `false` when there is no
    /// such user.
    async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError>;

    /// Saves a session, and forgets every session that ended before it began.
    async fn add_session(&self, session: NewSession) -> Result<(), StoreError>;

    /// The live session with this token hash at `now_ms`, with its user.
    async fn session(&self, token_hash: &str, now_ms: i64) -> Result<Option<Session>, StoreError>;

    /// Ends a session (logging out); ending one that is gone is not an error.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// One attempt of the user's.
    async fn attempt(&self, user_id: &str, id: i64) -> Result<Option<Attempt>, StoreError>;

    /// The user's attempts matching the filter, newest first.
    async fn attempts(
        &self,
        user_id: &str,
        filter: &AttemptFilter,
    ) -> Result<Vec<Attempt>, StoreError>;

    /// Deletes one attempt and its recordings; `false` when the user has none with this
    /// id.
    async fn delete_attempt(&self, user_id: &str, id: i64) -> Result<bool, StoreError>;

    /// Deletes all the user's attempts and their recordings; returns how many attempts
    /// there were.
    async fn delete_attempts(&self, user_id: &str) -> Result<u64, StoreError>;

    /// Saves a scorecard and returns it with its id.
    async fn add_scorecard(&self, scorecard: NewScorecard) -> Result<Scorecard, StoreError>;

    /// Replaces a scorecard's contents (overrides, comments, recommendation, verdict,
    /// submission, and a corrected answer, whose previous text and score are kept as an
    /// edit); `None` when the user has none with this id.
    async fn update_scorecard(
        &self,
        id: i64,
        scorecard: NewScorecard,
        updated_at_ms: i64,
    ) -> Result<Option<Scorecard>, StoreError>;

    /// One scorecard of the user's.
    async fn scorecard(&self, user_id: &str, id: i64) -> Result<Option<Scorecard>, StoreError>;

    /// The user's scorecards, newest first.
    async fn scorecards(&self, user_id: &str) -> Result<Vec<Scorecard>, StoreError>;

    /// Deletes one scorecard; `false` when the user has none with this id.
    async fn delete_scorecard(&self, user_id: &str, id: i64) -> Result<bool, StoreError>;

    /// Makes a cohort for a coach, with no members.
    async fn add_cohort(
        &self,
        coach: &str,
        name: &str,
        invite: &str,
        created_at_ms: i64,
    ) -> Result<Cohort, StoreError>;

    /// The coach's cohorts with their members, newest first.
    async fn coached_cohorts(&self, coach: &str) -> Result<Vec<Cohort>, StoreError>;

    /// One of the coach's cohorts with its members; `None` when the coach has none with
    /// this id (another coach's cohort included).
    async fn coached_cohort(&self, coach: &str, id: i64) -> Result<Option<Cohort>, StoreError>;

    /// The cohort whose invite link carries `invite`, without its members.
    async fn invited_cohort(&self, invite: &str) -> Result<Option<Cohort>, StoreError>;

    /// Gives one of the coach's cohorts a new invite; `false` when the coach has none
    /// with this id.
    async fn set_invite(&self, coach: &str, id: i64, invite: &str) -> Result<bool, StoreError>;

    /// Deletes one of the coach's cohorts (its members stop sharing with the coach
    /// through it); `false` when the coach has none with this id.
    async fn delete_cohort(&self, coach: &str, id: i64) -> Result<bool, StoreError>;

    /// Adds the user to the cohort; `false` when they were in it already.
    async fn join_cohort(&self, id: i64, user: &str, joined_at_ms: i64)
    -> Result<bool, StoreError>;

    /// Takes the user out of the cohort; `false` when they were not in it.
    async fn leave_cohort(&self, id: i64, user: &str) -> Result<bool, StoreError>;

    /// The cohorts the user is in (whose coaches see their practice), the most recently
    /// joined first, each with the user's own membership as its only member.
    async fn joined_cohorts(&self, user: &str) -> Result<Vec<Cohort>, StoreError>;

    /// Makes a hiring round; its owner is one of its interviewers.
    async fn add_round(&self, round: NewRound) -> Result<Round, StoreError>;

    /// The rounds the user interviews on, newest first.
    async fn rounds(&self, user: &str) -> Result<Vec<Round>, StoreError>;

    /// One round the user interviews on; `None` for any other.
    async fn round(&self, user: &str, id: i64) -> Result<Option<Round>, StoreError>;

    /// Every interviewer's scorecards in a round the user interviews on (whoever wrote
    /// them: what each interviewer may see of the others' is the caller's rule); `None`
    /// when the user is not on the round.
    async fn round_scorecards(
        &self,
        user: &str,
        id: i64,
    ) -> Result<Option<Vec<Scorecard>>, StoreError>;

    /// Adds an interviewer to a round the owner made; `false` when the owner made no
    /// such round or the interviewer is on it already.
    async fn add_round_interviewer(
        &self,
        owner: &str,
        id: i64,
        interviewer: &str,
    ) -> Result<bool, StoreError>;

    /// Deletes a round its owner made, with every scorecard in it; `false` when the
    /// owner made no such round.
    async fn delete_round(&self, owner: &str, id: i64) -> Result<bool, StoreError>;
}
