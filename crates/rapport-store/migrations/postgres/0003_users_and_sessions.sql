-- Accounts, for a server run with `--accounts`: one row per user (the name is the user id
-- every record carries), and the sessions of those who logged in. Only password hashes
-- (argon2id) and session token hashes are stored.
CREATE TABLE users (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL CHECK (role IN ('candidate', 'coach', 'interviewer', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at_ms BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    user_name     TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf          TEXT    NOT NULL,
    created_at_ms BIGINT  NOT NULL,
    expires_at_ms BIGINT  NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (user_name);
