-- A coach's cohorts, on a server with accounts: a candidate who joins one (through its
-- invite link) shares their practice with its coach, and only with that coach. Both go
-- with the coach's account, and a membership with the candidate's.
CREATE TABLE cohorts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    coach         TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    invite        TEXT    NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL
);

CREATE INDEX cohorts_by_coach ON cohorts (coach);

CREATE TABLE cohort_members (
    cohort_id    INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_name    TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    joined_at_ms INTEGER NOT NULL,
    PRIMARY KEY (cohort_id, user_name)
);

CREATE INDEX cohort_members_by_user ON cohort_members (user_name);
