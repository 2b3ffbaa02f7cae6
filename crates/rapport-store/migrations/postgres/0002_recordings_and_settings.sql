-- Recordings of spoken answers, kept with their attempt only when the user chose to keep
-- them (the `keep_recordings` setting); they go when the attempt goes (ON DELETE CASCADE).
CREATE TABLE attempt_recordings (
    attempt_id BIGINT  NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    media_type TEXT    NOT NULL,
    seconds    REAL    NOT NULL CHECK (seconds >= 0),
    audio      BYTEA   NOT NULL,
    PRIMARY KEY (attempt_id, position)
);

-- Each user's settings, one row per setting that differs from its default.
CREATE TABLE user_settings (
    user_id TEXT NOT NULL,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
);
