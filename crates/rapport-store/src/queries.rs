//! The store's queries, written once for both backends. The SQL is the dialect SQLite and
//! PostgreSQL share (numbered `$N` parameters, `RETURNING`, `ON CONFLICT`, `CAST`); a
//! backend module brings only what truly differs, its connection and how it begins a
//! transaction (`write()` and `read()`), and expands [`store_queries!`] for its store.
//!
//! A macro rather than code generic over `sqlx::Database`: the generic version needs a
//! bound per bound type and executor, longer than the queries themselves.

/// Implements [`crate::Store`] for `$store`, whose inherent `write()` and `read()` begin
/// transactions on the `$db` database (`Sqlite` or `Postgres`), and whose `pool` field
/// is that database's pool. `$backend` is what [`crate::Store::backend`] answers.
/// Expanded in a module of its own inside the backend's (`mod queries { … }`), so that
/// its imports stay apart from the backend's.
macro_rules! store_queries {
    ($store:ident, $db:ident, $backend:literal) => {
        use async_trait::async_trait;
        use sqlx::{$db, AssertSqlSafe, FromRow, Row, Transaction};

        use super::$store;
        use crate::rows::{
            self, AttemptRow, EditRow, RecordingRow, SCORECARD_COLUMNS, ScorecardRow,
            ScorecardStepRow, StepRow, UserRow, position_column, query_error, score_column,
            seconds_column,
        };
        use crate::{
            Attempt, AttemptFilter, Cohort, Member, NewAttempt, NewRound, Round, NewRecording, NewScorecard, NewSession,
            Recording, RecordingInfo, Role, Scorecard, Session, Settings, Store, StoreError,
            User,
        };

        /// A recording's or step's position as bound: one integer type for both
        /// backends (PostgreSQL casts it to its `INTEGER` column).
        fn position_column_of(position: usize) -> i64 {
            i64::try_from(position).unwrap_or(i64::MAX)
        }

        async fn insert_attempt_steps(
            tx: &mut Transaction<'static, $db>,
            id: i64,
            attempt: &NewAttempt,
        ) -> Result<(), StoreError> {
            for (position, step) in attempt.steps.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO attempt_steps (attempt_id, position, step_id, met, strength)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(position_column_of(position))
                .bind(&step.id)
                .bind(step.met)
                .bind(step.strength)
                .execute(&mut **tx)
                .await
                .map_err(query_error("save the attempt's steps"))?;
            }
            Ok(())
        }

        async fn insert_recordings(
            tx: &mut Transaction<'static, $db>,
            id: i64,
            recordings: &[NewRecording],
        ) -> Result<(), StoreError> {
            for (position, recording) in recordings.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO attempt_recordings (attempt_id, position, media_type, seconds, audio)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(position_column_of(position))
                .bind(&recording.media_type)
                .bind(recording.seconds)
                .bind(&recording.audio)
                .execute(&mut **tx)
                .await
                .map_err(query_error("save the attempt's recordings"))?;
            }
            Ok(())
        }

        async fn replace_scorecard_steps(
            tx: &mut Transaction<'static, $db>,
            id: i64,
            scorecard: &NewScorecard,
        ) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM scorecard_steps WHERE scorecard_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(query_error("replace the scorecard's steps"))?;
            for (position, step) in scorecard.steps.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO scorecard_steps
                         (scorecard_id, position, step_id, engine_met, override_met, comment)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(position_column_of(position))
                .bind(&step.id)
                .bind(step.engine_met)
                .bind(step.override_met)
                .bind(&step.comment)
                .execute(&mut **tx)
                .await
                .map_err(query_error("save the scorecard's steps"))?;
            }
            Ok(())
        }

        /// The scorecards that `filter` picks (a fixed condition on `scorecards c` over
        /// the user `$1` and an id `$2`), newest first, with their steps and edits.
        async fn read_scorecards(
            tx: &mut Transaction<'static, $db>,
            filter: &'static str,
            user_id: &str,
            id: Option<i64>,
        ) -> Result<Vec<Scorecard>, StoreError> {
            let rows: Vec<ScorecardRow> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {SCORECARD_COLUMNS} FROM scorecards c WHERE {filter}
                 ORDER BY c.created_at_ms DESC, c.id DESC"
            )))
            .bind(user_id)
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .map_err(query_error("read the scorecards"))?;
            let steps: Vec<ScorecardStepRow> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT s.scorecard_id, s.step_id, s.engine_met, s.override_met, s.comment
                 FROM scorecard_steps s JOIN scorecards c ON c.id = s.scorecard_id
                 WHERE {filter}
                 ORDER BY s.scorecard_id, s.position"
            )))
            .bind(user_id)
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .map_err(query_error("read the scorecards' steps"))?;
            let edits: Vec<EditRow> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT e.scorecard_id, e.edited_at_ms, e.previous_answer, e.previous_score
                 FROM scorecard_edits e JOIN scorecards c ON c.id = e.scorecard_id
                 WHERE {filter}
                 ORDER BY e.scorecard_id, e.position"
            )))
            .bind(user_id)
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .map_err(query_error("read the scorecards' edits"))?;
            rows::scorecards(rows, steps, edits)
        }

        /// The user's own scorecards: all, or the one with id `$2`.
        const OWN_SCORECARDS: &str = "c.user_id = $1 AND ($2 IS NULL OR c.id = $2)";

        /// Every scorecard of the round `$2`, when the user `$1` interviews on it.
        const ROUND_SCORECARDS: &str = "c.round_id = $2 AND EXISTS (
            SELECT 1 FROM round_interviewers i WHERE i.round_id = c.round_id AND i.user_name = $1)";

        /// The rounds the user `$1` interviews on: all, or the one with id `$2`.
        const ROUNDS_OF: &str = "EXISTS (
            SELECT 1 FROM round_interviewers i WHERE i.round_id = r.id AND i.user_name = $1)
            AND ($2 IS NULL OR r.id = $2)";

        /// The rounds [`ROUNDS_OF`] picks, newest first, with their questions,
        /// candidates and interviewers.
        async fn read_rounds(
            tx: &mut Transaction<'static, $db>,
            user: &str,
            id: Option<i64>,
        ) -> Result<Vec<Round>, StoreError> {
            let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT r.id, r.owner, r.name, r.created_at_ms FROM rounds r WHERE {ROUNDS_OF}
                 ORDER BY r.created_at_ms DESC, r.id DESC"
            )))
            .bind(user)
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .map_err(query_error("read the rounds"))?;
            let mut lists: Vec<Vec<(i64, String)>> = Vec::new();
            for (table, column, order) in [
                ("round_questions", "guide_id", "position"),
                ("round_candidates", "name", "position"),
                ("round_interviewers", "user_name", "user_name"),
            ] {
                let list: Vec<(i64, String)> = sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT x.round_id, x.{column} FROM {table} x JOIN rounds r ON r.id = x.round_id
                     WHERE {ROUNDS_OF}
                     ORDER BY x.round_id, x.{order}"
                )))
                .bind(user)
                .bind(id)
                .fetch_all(&mut **tx)
                .await
                .map_err(query_error("read the rounds"))?;
                lists.push(list);
            }
            let of = |list: &[(i64, String)], round: i64| -> Vec<String> {
                list.iter()
                    .filter(|(r, _)| *r == round)
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            Ok(rows
                .into_iter()
                .map(|(id, owner, name, created_at_ms)| Round {
                    id,
                    round: NewRound {
                        owner,
                        name,
                        questions: of(&lists[0], id),
                        candidates: of(&lists[1], id),
                        interviewers: of(&lists[2], id),
                        created_at_ms,
                    },
                })
                .collect())
        }

        /// Cohorts from `(id, coach, name, invite, created_at_ms)` rows, with the members
        /// of `(cohort_id, user_name, joined_at_ms)` rows (ordered by joining) when given.
        fn cohorts_of(
            rows: Vec<(i64, String, String, String, i64)>,
            members: Vec<(i64, String, i64)>,
        ) -> Vec<Cohort> {
            rows.into_iter()
                .map(|(id, coach, name, invite, created_at_ms)| Cohort {
                    members: members
                        .iter()
                        .filter(|(cohort, _, _)| *cohort == id)
                        .map(|(_, name, joined_at_ms)| Member {
                            name: name.clone(),
                            joined_at_ms: *joined_at_ms,
                        })
                        .collect(),
                    id,
                    coach,
                    name,
                    invite,
                    created_at_ms,
                })
                .collect()
        }

        /// The coach's cohorts (all, or the one with id `only`) with their members.
        async fn read_coached(
            tx: &mut Transaction<'static, $db>,
            coach: &str,
            only: Option<i64>,
        ) -> Result<Vec<Cohort>, StoreError> {
            let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
                "SELECT id, coach, name, invite, created_at_ms FROM cohorts
                 WHERE coach = $1 AND ($2 IS NULL OR id = $2)
                 ORDER BY created_at_ms DESC, id DESC",
            )
            .bind(coach)
            .bind(only)
            .fetch_all(&mut **tx)
            .await
            .map_err(query_error("read the cohorts"))?;
            let members: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT m.cohort_id, m.user_name, m.joined_at_ms
                 FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id
                 WHERE c.coach = $1 AND ($2 IS NULL OR c.id = $2)
                 ORDER BY m.joined_at_ms, m.user_name",
            )
            .bind(coach)
            .bind(only)
            .fetch_all(&mut **tx)
            .await
            .map_err(query_error("read the cohorts' members"))?;
            Ok(cohorts_of(rows, members))
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn add_attempt_with_recordings(
                &self,
                attempt: NewAttempt,
                recordings: Vec<NewRecording>,
            ) -> Result<Attempt, StoreError> {
                let mut tx = self.write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO attempts (user_id, guide_id, question, answer, score, band,
                                           report_json, engine, mode, source, seconds_taken,
                                           session_id, created_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                     RETURNING id",
                )
                .bind(&attempt.user_id)
                .bind(&attempt.guide_id)
                .bind(&attempt.question)
                .bind(&attempt.answer)
                .bind(score_column(attempt.score))
                .bind(&attempt.band)
                .bind(&attempt.report_json)
                .bind(&attempt.engine)
                .bind(attempt.mode.as_str())
                .bind(attempt.source.as_str())
                .bind(seconds_column(attempt.seconds_taken))
                .bind(&attempt.session_id)
                .bind(attempt.created_at_ms)
                .fetch_one(&mut *tx)
                .await
                .map_err(query_error("save the attempt"))?;
                insert_attempt_steps(&mut tx, id, &attempt).await?;
                insert_recordings(&mut tx, id, &recordings).await?;
                tx.commit().await.map_err(query_error("save the attempt"))?;
                Ok(Attempt { id, attempt })
            }

            async fn attempt(&self, user_id: &str, id: i64) -> Result<Option<Attempt>, StoreError> {
                let mut tx = self.read().await?;
                let rows: Vec<AttemptRow> = sqlx::query_as(
                    "SELECT id, user_id, guide_id, question, answer, score, band, report_json, engine,
                            mode, source, seconds_taken, session_id, created_at_ms
                     FROM attempts WHERE user_id = $1 AND id = $2",
                )
                .bind(user_id)
                .bind(id)
                .fetch_all(&mut *tx)
                .await
                .map_err(query_error("read the attempt"))?;
                let steps: Vec<StepRow> = sqlx::query_as(
                    "SELECT attempt_id, step_id, met, strength FROM attempt_steps
                     WHERE attempt_id IN (SELECT id FROM attempts WHERE user_id = $1 AND id = $2)
                     ORDER BY position",
                )
                .bind(user_id)
                .bind(id)
                .fetch_all(&mut *tx)
                .await
                .map_err(query_error("read the attempt's steps"))?;
                tx.commit().await.map_err(query_error("read the attempt"))?;
                Ok(rows::attempts(rows, steps)?.pop())
            }

            async fn attempts(
                &self,
                user_id: &str,
                filter: &AttemptFilter,
            ) -> Result<Vec<Attempt>, StoreError> {
                // No limit is the largest one: SQLite reads a negative LIMIT as none and
                // PostgreSQL a NULL one, but neither reads the other's.
                let limit = filter.limit.map_or(i64::MAX, i64::from);
                let mut tx = self.read().await?;
                let rows: Vec<AttemptRow> = sqlx::query_as(
                    "SELECT id, user_id, guide_id, question, answer, score, band, report_json, engine,
                            mode, source, seconds_taken, session_id, created_at_ms
                     FROM attempts
                     WHERE user_id = $1
                       AND ($2 IS NULL OR guide_id = $2)
                       AND ($3 IS NULL OR session_id = $3)
                     ORDER BY created_at_ms DESC, id DESC
                     LIMIT $4",
                )
                .bind(user_id)
                .bind(&filter.guide_id)
                .bind(&filter.session_id)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await
                .map_err(query_error("list the attempts"))?;
                let steps: Vec<StepRow> = sqlx::query_as(
                    "SELECT attempt_id, step_id, met, strength FROM attempt_steps
                     WHERE attempt_id IN (
                         SELECT id FROM attempts
                         WHERE user_id = $1
                           AND ($2 IS NULL OR guide_id = $2)
                           AND ($3 IS NULL OR session_id = $3)
                         ORDER BY created_at_ms DESC, id DESC
                         LIMIT $4)
                     ORDER BY attempt_id, position",
                )
                .bind(user_id)
                .bind(&filter.guide_id)
                .bind(&filter.session_id)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await
                .map_err(query_error("read the attempts' steps"))?;
                tx.commit()
                    .await
                    .map_err(query_error("list the attempts"))?;
                rows::attempts(rows, steps)
            }

            async fn delete_attempt(&self, user_id: &str, id: i64) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                // The steps and recordings go with the attempt (ON DELETE CASCADE).
                let deleted = sqlx::query("DELETE FROM attempts WHERE user_id = $1 AND id = $2")
                    .bind(user_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("delete the attempt"))?
                    .rows_affected();
                tx.commit()
                    .await
                    .map_err(query_error("delete the attempt"))?;
                Ok(deleted > 0)
            }

            async fn delete_attempts(&self, user_id: &str) -> Result<u64, StoreError> {
                let mut tx = self.write().await?;
                let deleted = sqlx::query("DELETE FROM attempts WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("delete the attempts"))?
                    .rows_affected();
                tx.commit()
                    .await
                    .map_err(query_error("delete the attempts"))?;
                Ok(deleted)
            }

            async fn recordings(
                &self,
                user_id: &str,
                attempt_id: i64,
            ) -> Result<Vec<RecordingInfo>, StoreError> {
                let rows: Vec<RecordingRow> = sqlx::query_as(
                    "SELECT CAST(position AS BIGINT) AS position, media_type, seconds,
                            CAST(length(audio) AS BIGINT) AS size
                     FROM attempt_recordings
                     WHERE attempt_id IN (SELECT id FROM attempts WHERE user_id = $1 AND id = $2)
                     ORDER BY position",
                )
                .bind(user_id)
                .bind(attempt_id)
                .fetch_all(&self.pool)
                .await
                .map_err(query_error("list the attempt's recordings"))?;
                rows.into_iter().map(RecordingRow::info).collect()
            }

            async fn recording(
                &self,
                user_id: &str,
                attempt_id: i64,
                position: u32,
            ) -> Result<Option<Recording>, StoreError> {
                let Some(stored) = position_column(position) else {
                    return Ok(None);
                };
                let row: Option<(RecordingRow, Vec<u8>)> = sqlx::query(
                    "SELECT CAST(position AS BIGINT) AS position, media_type, seconds,
                            CAST(length(audio) AS BIGINT) AS size, audio
                     FROM attempt_recordings
                     WHERE attempt_id IN (SELECT id FROM attempts WHERE user_id = $1 AND id = $2)
                       AND position = $3",
                )
                .bind(user_id)
                .bind(attempt_id)
                .bind(stored)
                .fetch_optional(&self.pool)
                .await
                .map_err(query_error("read the recording"))?
                .map(|row| -> Result<_, sqlx::Error> {
                    Ok((RecordingRow::from_row(&row)?, row.try_get("audio")?))
                })
                .transpose()
                .map_err(query_error("read the recording"))?;
                row.map(|(info, audio)| {
                    Ok(Recording {
                        info: info.info()?,
                        audio,
                    })
                })
                .transpose()
            }

            async fn delete_recordings(&self, user_id: &str) -> Result<u64, StoreError> {
                let mut tx = self.write().await?;
                let deleted = sqlx::query(
                    "DELETE FROM attempt_recordings
                     WHERE attempt_id IN (SELECT id FROM attempts WHERE user_id = $1)",
                )
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(query_error("delete the recordings"))?
                .rows_affected();
                tx.commit()
                    .await
                    .map_err(query_error("delete the recordings"))?;
                Ok(deleted)
            }

            async fn settings(&self, user_id: &str) -> Result<Settings, StoreError> {
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT name, value FROM user_settings WHERE user_id = $1")
                        .bind(user_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(query_error("read the settings"))?;
                Ok(Settings::from_pairs(rows))
            }

            async fn set_settings(&self, user_id: &str, settings: &Settings) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                for (name, value) in settings.pairs() {
                    sqlx::query(
                        "INSERT INTO user_settings (user_id, name, value) VALUES ($1, $2, $3)
                         ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value",
                    )
                    .bind(user_id)
                    .bind(name)
                    .bind(value)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("save the settings"))?;
                }
                tx.commit()
                    .await
                    .map_err(query_error("save the settings"))?;
                Ok(())
            }

            async fn add_user(&self, user: User) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                let added = sqlx::query(
                    "INSERT INTO users (name, role, password_hash, created_at_ms)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(&user.name)
                .bind(user.role.as_str())
                .bind(&user.password_hash)
                .bind(user.created_at_ms)
                .execute(&mut *tx)
                .await
                .map_err(query_error("add the user"))?
                .rows_affected();
                tx.commit().await.map_err(query_error("add the user"))?;
                Ok(added > 0)
            }

            async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
                let row: Option<UserRow> = sqlx::query_as(
                    "SELECT name, role, password_hash, created_at_ms FROM users WHERE name = $1",
                )
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(query_error("read the user"))?;
                row.map(UserRow::user).transpose()
            }

            async fn users(&self) -> Result<Vec<User>, StoreError> {
                let rows: Vec<UserRow> = sqlx::query_as(
                    "SELECT name, role, password_hash, created_at_ms FROM users ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(query_error("list the users"))?;
                rows.into_iter().map(UserRow::user).collect()
            }

            async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                // Their sessions go with them (ON DELETE CASCADE); their records by user id,
                // and with the attempts their steps and recordings.
                for (sql, doing) in [
                    (
                        "DELETE FROM attempts WHERE user_id = $1",
                        "delete the user's attempts",
                    ),
                    (
                        "DELETE FROM scorecards WHERE user_id = $1",
                        "delete the user's scorecards",
                    ),
                    (
                        "DELETE FROM user_settings WHERE user_id = $1",
                        "delete the user's settings",
                    ),
                    (
                        "DELETE FROM round_interviewers WHERE user_name = $1",
                        "take the user off their rounds",
                    ),
                    // A round of theirs that nobody else interviews on goes too.
                    (
                        "DELETE FROM rounds WHERE owner = $1 AND NOT EXISTS (
                             SELECT 1 FROM round_interviewers i WHERE i.round_id = rounds.id)",
                        "delete the user's rounds",
                    ),
                ] {
                    sqlx::query(sql)
                        .bind(name)
                        .execute(&mut *tx)
                        .await
                        .map_err(query_error(doing))?;
                }
                let removed = sqlx::query("DELETE FROM users WHERE name = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("remove the user"))?
                    .rows_affected();
                tx.commit().await.map_err(query_error("remove the user"))?;
                Ok(removed > 0)
            }

            async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                let changed = sqlx::query("UPDATE users SET password_hash = $2 WHERE name = $1")
                    .bind(name)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("change the password"))?
                    .rows_affected();
                sqlx::query("DELETE FROM sessions WHERE user_name = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("end the user's sessions"))?;
                tx.commit()
                    .await
                    .map_err(query_error("change the password"))?;
                Ok(changed > 0)
            }

            async fn add_session(&self, session: NewSession) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM sessions WHERE expires_at_ms <= $1")
                    .bind(session.created_at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("forget ended sessions"))?;
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_name, csrf, created_at_ms, expires_at_ms)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&session.token_hash)
                .bind(&session.user_name)
                .bind(&session.csrf)
                .bind(session.created_at_ms)
                .bind(session.expires_at_ms)
                .execute(&mut *tx)
                .await
                .map_err(query_error("save the session"))?;
                tx.commit().await.map_err(query_error("save the session"))?;
                Ok(())
            }

            async fn session(&self, token_hash: &str, now_ms: i64) -> Result<Option<Session>, StoreError> {
                let row: Option<(String, i64, String, String, String, i64)> = sqlx::query_as(
                    "SELECT s.csrf, s.expires_at_ms, u.name, u.role, u.password_hash, u.created_at_ms
                     FROM sessions s JOIN users u ON u.name = s.user_name
                     WHERE s.token_hash = $1 AND s.expires_at_ms > $2",
                )
                .bind(token_hash)
                .bind(now_ms)
                .fetch_optional(&self.pool)
                .await
                .map_err(query_error("read the session"))?;
                row.map(
                    |(csrf, expires_at_ms, name, role, password_hash, created_at_ms)| {
                        Ok(Session {
                            user: User {
                                role: Role::parse(&role).ok_or_else(|| {
                                    StoreError::Query(format!("the database holds an invalid role: {role}"))
                                })?,
                                name,
                                password_hash,
                                created_at_ms,
                            },
                            csrf,
                            expires_at_ms,
                        })
                    },
                )
                .transpose()
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(query_error("end the session"))?;
                Ok(())
            }

            async fn add_scorecard(&self, scorecard: NewScorecard) -> Result<Scorecard, StoreError> {
                let mut tx = self.write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO scorecards (user_id, candidate, guide_id, question, answer, score,
                                             recommendation, comment, report_json, created_at_ms,
                                             updated_at_ms, round_id, interview_date, verdict,
                                             submitted_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14)
                     RETURNING id",
                )
                .bind(&scorecard.user_id)
                .bind(&scorecard.candidate)
                .bind(&scorecard.guide_id)
                .bind(&scorecard.question)
                .bind(&scorecard.answer)
                .bind(score_column(scorecard.score))
                .bind(&scorecard.recommendation)
                .bind(&scorecard.comment)
                .bind(&scorecard.report_json)
                .bind(scorecard.created_at_ms)
                .bind(scorecard.round_id)
                .bind(&scorecard.interview_date)
                .bind(scorecard.verdict.map(score_column))
                .bind(scorecard.submitted_at_ms)
                .fetch_one(&mut *tx)
                .await
                .map_err(query_error("save the scorecard"))?;
                replace_scorecard_steps(&mut tx, id, &scorecard).await?;
                tx.commit()
                    .await
                    .map_err(query_error("save the scorecard"))?;
                let updated_at_ms = scorecard.created_at_ms;
                Ok(Scorecard {
                    id,
                    scorecard,
                    updated_at_ms,
                    edits: Vec::new(),
                })
            }

            async fn update_scorecard(
                &self,
                id: i64,
                scorecard: NewScorecard,
                updated_at_ms: i64,
            ) -> Result<Option<Scorecard>, StoreError> {
                let mut tx = self.write().await?;
                // A corrected answer keeps what it was, as an edit.
                let before: Option<(String, i16)> = sqlx::query_as(
                    "SELECT answer, score FROM scorecards WHERE user_id = $1 AND id = $2",
                )
                .bind(&scorecard.user_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(query_error("read the scorecard"))?;
                let Some((previous_answer, previous_score)) = before else {
                    return Ok(None);
                };
                if previous_answer != scorecard.answer {
                    sqlx::query(
                        "INSERT INTO scorecard_edits
                             (scorecard_id, position, edited_at_ms, previous_answer, previous_score)
                         SELECT $1, COUNT(*), $2, $3, $4 FROM scorecard_edits WHERE scorecard_id = $1",
                    )
                    .bind(id)
                    .bind(updated_at_ms)
                    .bind(&previous_answer)
                    .bind(previous_score)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("keep the answer's edit"))?;
                }
                // The creation time and round stay as they were: an update is not a new
                // scorecard.
                let updated = sqlx::query(
                    "UPDATE scorecards
                     SET candidate = $3, guide_id = $4, question = $5, answer = $6, score = $7,
                         recommendation = $8, comment = $9, report_json = $10, updated_at_ms = $11,
                         interview_date = $12, verdict = $13, submitted_at_ms = $14
                     WHERE user_id = $1 AND id = $2",
                )
                .bind(&scorecard.user_id)
                .bind(id)
                .bind(&scorecard.candidate)
                .bind(&scorecard.guide_id)
                .bind(&scorecard.question)
                .bind(&scorecard.answer)
                .bind(score_column(scorecard.score))
                .bind(&scorecard.recommendation)
                .bind(&scorecard.comment)
                .bind(&scorecard.report_json)
                .bind(updated_at_ms)
                .bind(&scorecard.interview_date)
                .bind(scorecard.verdict.map(score_column))
                .bind(scorecard.submitted_at_ms)
                .execute(&mut *tx)
                .await
                .map_err(query_error("update the scorecard"))?
                .rows_affected();
                if updated == 0 {
                    return Ok(None);
                }
                replace_scorecard_steps(&mut tx, id, &scorecard).await?;
                let saved = read_scorecards(&mut tx, OWN_SCORECARDS, &scorecard.user_id, Some(id))
                    .await?
                    .pop();
                tx.commit()
                    .await
                    .map_err(query_error("update the scorecard"))?;
                Ok(saved)
            }

            async fn scorecard(&self, user_id: &str, id: i64) -> Result<Option<Scorecard>, StoreError> {
                let mut tx = self.read().await?;
                let scorecard = read_scorecards(&mut tx, OWN_SCORECARDS, user_id, Some(id))
                    .await?
                    .pop();
                tx.commit()
                    .await
                    .map_err(query_error("read the scorecard"))?;
                Ok(scorecard)
            }

            async fn scorecards(&self, user_id: &str) -> Result<Vec<Scorecard>, StoreError> {
                let mut tx = self.read().await?;
                let scorecards = read_scorecards(&mut tx, OWN_SCORECARDS, user_id, None).await?;
                tx.commit()
                    .await
                    .map_err(query_error("list the scorecards"))?;
                Ok(scorecards)
            }

            async fn delete_scorecard(&self, user_id: &str, id: i64) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                let deleted = sqlx::query("DELETE FROM scorecards WHERE user_id = $1 AND id = $2")
                    .bind(user_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("delete the scorecard"))?
                    .rows_affected();
                tx.commit()
                    .await
                    .map_err(query_error("delete the scorecard"))?;
                Ok(deleted > 0)
            }
            async fn add_cohort(
                &self,
                coach: &str,
                name: &str,
                invite: &str,
                created_at_ms: i64,
            ) -> Result<Cohort, StoreError> {
                let mut tx = self.write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO cohorts (coach, name, invite, created_at_ms)
                     VALUES ($1, $2, $3, $4)
                     RETURNING id",
                )
                .bind(coach)
                .bind(name)
                .bind(invite)
                .bind(created_at_ms)
                .fetch_one(&mut *tx)
                .await
                .map_err(query_error("make the cohort"))?;
                tx.commit().await.map_err(query_error("make the cohort"))?;
                Ok(Cohort {
                    id,
                    coach: coach.to_owned(),
                    name: name.to_owned(),
                    invite: invite.to_owned(),
                    created_at_ms,
                    members: Vec::new(),
                })
            }

            async fn coached_cohorts(&self, coach: &str) -> Result<Vec<Cohort>, StoreError> {
                let mut tx = self.read().await?;
                let cohorts = read_coached(&mut tx, coach, None).await?;
                tx.commit().await.map_err(query_error("read the cohorts"))?;
                Ok(cohorts)
            }

            async fn coached_cohort(
                &self,
                coach: &str,
                id: i64,
            ) -> Result<Option<Cohort>, StoreError> {
                let mut tx = self.read().await?;
                let mut cohorts = read_coached(&mut tx, coach, Some(id)).await?;
                tx.commit().await.map_err(query_error("read the cohort"))?;
                Ok(cohorts.pop())
            }

            async fn invited_cohort(&self, invite: &str) -> Result<Option<Cohort>, StoreError> {
                let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
                    "SELECT id, coach, name, invite, created_at_ms FROM cohorts WHERE invite = $1",
                )
                .bind(invite)
                .fetch_all(&self.pool)
                .await
                .map_err(query_error("read the invitation"))?;
                Ok(cohorts_of(rows, Vec::new()).pop())
            }

            async fn set_invite(
                &self,
                coach: &str,
                id: i64,
                invite: &str,
            ) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                let changed =
                    sqlx::query("UPDATE cohorts SET invite = $3 WHERE coach = $1 AND id = $2")
                        .bind(coach)
                        .bind(id)
                        .bind(invite)
                        .execute(&mut *tx)
                        .await
                        .map_err(query_error("change the invitation"))?
                        .rows_affected();
                tx.commit()
                    .await
                    .map_err(query_error("change the invitation"))?;
                Ok(changed > 0)
            }

            async fn delete_cohort(&self, coach: &str, id: i64) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                // Its memberships go with it (ON DELETE CASCADE).
                let deleted = sqlx::query("DELETE FROM cohorts WHERE coach = $1 AND id = $2")
                    .bind(coach)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("delete the cohort"))?
                    .rows_affected();
                tx.commit().await.map_err(query_error("delete the cohort"))?;
                Ok(deleted > 0)
            }

            async fn join_cohort(
                &self,
                id: i64,
                user: &str,
                joined_at_ms: i64,
            ) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                let added = sqlx::query(
                    "INSERT INTO cohort_members (cohort_id, user_name, joined_at_ms)
                     VALUES ($1, $2, $3)
                     ON CONFLICT (cohort_id, user_name) DO NOTHING",
                )
                .bind(id)
                .bind(user)
                .bind(joined_at_ms)
                .execute(&mut *tx)
                .await
                .map_err(query_error("join the cohort"))?
                .rows_affected();
                tx.commit().await.map_err(query_error("join the cohort"))?;
                Ok(added > 0)
            }

            async fn leave_cohort(&self, id: i64, user: &str) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                let left = sqlx::query(
                    "DELETE FROM cohort_members WHERE cohort_id = $1 AND user_name = $2",
                )
                .bind(id)
                .bind(user)
                .execute(&mut *tx)
                .await
                .map_err(query_error("leave the cohort"))?
                .rows_affected();
                tx.commit().await.map_err(query_error("leave the cohort"))?;
                Ok(left > 0)
            }

            async fn joined_cohorts(&self, user: &str) -> Result<Vec<Cohort>, StoreError> {
                let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(
                    "SELECT c.id, c.coach, c.name, c.invite, c.created_at_ms, m.joined_at_ms
                     FROM cohorts c JOIN cohort_members m ON m.cohort_id = c.id
                     WHERE m.user_name = $1
                     ORDER BY m.joined_at_ms DESC, c.id DESC",
                )
                .bind(user)
                .fetch_all(&self.pool)
                .await
                .map_err(query_error("read the cohorts joined"))?;
                let members = rows
                    .iter()
                    .map(|row| (row.0, user.to_owned(), row.5))
                    .collect();
                let rows = rows
                    .into_iter()
                    .map(|(id, coach, name, invite, created, _)| (id, coach, name, invite, created))
                    .collect();
                Ok(cohorts_of(rows, members))
            }
            async fn add_round(&self, round: NewRound) -> Result<Round, StoreError> {
                let mut round = round;
                if !round.interviewers.contains(&round.owner) {
                    round.interviewers.insert(0, round.owner.clone());
                }
                round.interviewers.sort();
                round.interviewers.dedup();
                let mut tx = self.write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO rounds (owner, name, created_at_ms) VALUES ($1, $2, $3)
                     RETURNING id",
                )
                .bind(&round.owner)
                .bind(&round.name)
                .bind(round.created_at_ms)
                .fetch_one(&mut *tx)
                .await
                .map_err(query_error("make the round"))?;
                for (sql, list) in [
                    (
                        "INSERT INTO round_questions (round_id, position, guide_id)
                         VALUES ($1, $2, $3)",
                        &round.questions,
                    ),
                    (
                        "INSERT INTO round_candidates (round_id, position, name)
                         VALUES ($1, $2, $3)",
                        &round.candidates,
                    ),
                ] {
                    for (position, value) in list.iter().enumerate() {
                        sqlx::query(sql)
                            .bind(id)
                            .bind(position_column_of(position))
                            .bind(value)
                            .execute(&mut *tx)
                            .await
                            .map_err(query_error("make the round"))?;
                    }
                }
                for name in &round.interviewers {
                    sqlx::query("INSERT INTO round_interviewers (round_id, user_name) VALUES ($1, $2)")
                        .bind(id)
                        .bind(name)
                        .execute(&mut *tx)
                        .await
                        .map_err(query_error("make the round"))?;
                }
                tx.commit().await.map_err(query_error("make the round"))?;
                Ok(Round { id, round })
            }

            async fn rounds(&self, user: &str) -> Result<Vec<Round>, StoreError> {
                let mut tx = self.read().await?;
                let rounds = read_rounds(&mut tx, user, None).await?;
                tx.commit().await.map_err(query_error("read the rounds"))?;
                Ok(rounds)
            }

            async fn round(&self, user: &str, id: i64) -> Result<Option<Round>, StoreError> {
                let mut tx = self.read().await?;
                let round = read_rounds(&mut tx, user, Some(id)).await?.pop();
                tx.commit().await.map_err(query_error("read the round"))?;
                Ok(round)
            }

            async fn round_scorecards(
                &self,
                user: &str,
                id: i64,
            ) -> Result<Option<Vec<Scorecard>>, StoreError> {
                let mut tx = self.read().await?;
                let on = !read_rounds(&mut tx, user, Some(id)).await?.is_empty();
                let scorecards = if on {
                    Some(read_scorecards(&mut tx, ROUND_SCORECARDS, user, Some(id)).await?)
                } else {
                    None
                };
                tx.commit()
                    .await
                    .map_err(query_error("read the round's scorecards"))?;
                Ok(scorecards)
            }

            async fn add_round_interviewer(
                &self,
                owner: &str,
                id: i64,
                interviewer: &str,
            ) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                let added = sqlx::query(
                    "INSERT INTO round_interviewers (round_id, user_name)
                     SELECT id, $3 FROM rounds WHERE owner = $1 AND id = $2
                     ON CONFLICT (round_id, user_name) DO NOTHING",
                )
                .bind(owner)
                .bind(id)
                .bind(interviewer)
                .execute(&mut *tx)
                .await
                .map_err(query_error("add the interviewer"))?
                .rows_affected();
                tx.commit()
                    .await
                    .map_err(query_error("add the interviewer"))?;
                Ok(added > 0)
            }

            async fn delete_round(&self, owner: &str, id: i64) -> Result<bool, StoreError> {
                let mut tx = self.write().await?;
                // Its scorecards go with it (ON DELETE CASCADE).
                let deleted = sqlx::query("DELETE FROM rounds WHERE owner = $1 AND id = $2")
                    .bind(owner)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(query_error("delete the round"))?
                    .rows_affected();
                tx.commit().await.map_err(query_error("delete the round"))?;
                Ok(deleted > 0)
            }
        }
    };
}

pub(crate) use store_queries;
