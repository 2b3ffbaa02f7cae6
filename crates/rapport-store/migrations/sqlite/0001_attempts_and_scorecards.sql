-- Practice attempts with one row per step verdict (for progress per step over time),
-- and interviewers' scorecards with one row per step. Times are milliseconds since the
-- Unix epoch. AUTOINCREMENT so that an id is never handed out twice, even after deletes.

CREATE TABLE attempts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       TEXT    NOT NULL,
    guide_id      TEXT    NOT NULL,
    question      TEXT    NOT NULL,
    answer        TEXT    NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    band          TEXT    NOT NULL,
    report_json   TEXT    NOT NULL,
    engine        TEXT    NOT NULL,
    mode          TEXT    NOT NULL CHECK (mode IN ('practice', 'timed', 'mock')),
    source        TEXT    NOT NULL CHECK (source IN ('terminal', 'web')),
    seconds_taken INTEGER CHECK (seconds_taken >= 0),
    session_id    TEXT,
    created_at_ms INTEGER NOT NULL
);

-- Listing is always per user, newest first, optionally per guide or mock interview.
CREATE INDEX attempts_by_user ON attempts (user_id, created_at_ms DESC, id DESC);
CREATE INDEX attempts_by_user_guide ON attempts (user_id, guide_id, created_at_ms DESC, id DESC);
CREATE INDEX attempts_by_user_session ON attempts (user_id, session_id) WHERE session_id IS NOT NULL;

CREATE TABLE attempt_steps (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    step_id    TEXT    NOT NULL,
    met        BOOLEAN NOT NULL,
    strength   REAL    NOT NULL,
    PRIMARY KEY (attempt_id, position)
);

CREATE TABLE scorecards (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        TEXT    NOT NULL,
    candidate      TEXT    NOT NULL,
    guide_id       TEXT    NOT NULL,
    question       TEXT    NOT NULL,
    answer         TEXT    NOT NULL,
    score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    recommendation TEXT    NOT NULL,
    comment        TEXT    NOT NULL,
    report_json    TEXT    NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL
);

CREATE INDEX scorecards_by_user ON scorecards (user_id, created_at_ms DESC, id DESC);

CREATE TABLE scorecard_steps (
    scorecard_id INTEGER NOT NULL REFERENCES scorecards (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    step_id      TEXT    NOT NULL,
    engine_met   BOOLEAN NOT NULL,
    override_met BOOLEAN,
    comment      TEXT    NOT NULL,
    PRIMARY KEY (scorecard_id, position)
);
