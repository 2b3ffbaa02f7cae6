-- Hiring rounds: a set of questions and candidates that several interviewers score, each
-- on their own scorecards. A scorecard now belongs to a round, carries the interview's
-- date, the interviewer's own verdict (a score that counts instead of the engine's), and
-- when it was submitted (other interviewers' scorecards of the same answer show only
-- after one's own is submitted). Corrections of a pasted answer are kept as edits.
CREATE TABLE rounds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    owner         TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE round_questions (
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    guide_id TEXT    NOT NULL,
    PRIMARY KEY (round_id, position)
);

CREATE TABLE round_candidates (
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    PRIMARY KEY (round_id, position)
);

CREATE TABLE round_interviewers (
    round_id  INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    user_name TEXT    NOT NULL,
    PRIMARY KEY (round_id, user_name)
);

CREATE INDEX round_interviewers_by_user ON round_interviewers (user_name);

ALTER TABLE scorecards ADD COLUMN round_id INTEGER REFERENCES rounds (id) ON DELETE CASCADE;
ALTER TABLE scorecards ADD COLUMN interview_date TEXT NOT NULL DEFAULT '';
ALTER TABLE scorecards ADD COLUMN verdict INTEGER CHECK (verdict BETWEEN 0 AND 100);
ALTER TABLE scorecards ADD COLUMN submitted_at_ms INTEGER;

CREATE INDEX scorecards_by_round ON scorecards (round_id);

CREATE TABLE scorecard_edits (
    scorecard_id   INTEGER NOT NULL REFERENCES scorecards (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    edited_at_ms   INTEGER NOT NULL,
    previous_answer TEXT   NOT NULL,
    previous_score INTEGER NOT NULL,
    PRIMARY KEY (scorecard_id, position)
);

-- Every scorecard made before rounds becomes a one-question, one-candidate round of its
-- interviewer's (with the scorecard's id), submitted when it was last changed.
INSERT INTO rounds (id, owner, name, created_at_ms)
    SELECT id, user_id, candidate, created_at_ms FROM scorecards;
INSERT INTO round_questions (round_id, position, guide_id)
    SELECT id, 0, guide_id FROM scorecards;
INSERT INTO round_candidates (round_id, position, name)
    SELECT id, 0, candidate FROM scorecards;
INSERT INTO round_interviewers (round_id, user_name)
    SELECT id, user_id FROM scorecards;
UPDATE scorecards SET round_id = id, submitted_at_ms = updated_at_ms;
