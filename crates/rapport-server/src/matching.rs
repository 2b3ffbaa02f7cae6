//! Free questions matched to guides, shared by the `/ask` page and `POST /api/match`, so
//! both refuse the same input with the same error codes: text pasted from a job advert
//! cut into questions, each checked, matched by the engine, and described as the page
//! and the API show it.

use axum::http::StatusCode;
use rapport_engine::{GENERAL_ID, GuideMatch};

use crate::{AppError, AppState, scoring};

/// The most questions matched at once: a job advert's worth, and a bound on the work
/// one request can ask of the engine.
pub(crate) const MAX_QUESTIONS: usize = 50;

/// The longest question, in characters. Interview questions are a sentence or two; a
/// whole pasted paragraph as one "question" is a mistake worth saying so.
pub(crate) const MAX_QUESTION_CHARS: usize = 1000;

/// From this similarity up, a match reads as "close"; a match below it (but close
/// enough for the engine to use the guide) reads as "loose". Chosen by hand on the free
/// questions of `test_data/eval/questions.jsonl`: every match from 0.75 up is the guide
/// expected, while below it 3 of the 22 matches are not.
const CLOSE_FROM: f32 = 0.75;

/// How close a free question is to the guide it was matched with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closeness {
    /// Much the same question as the guide's.
    Close,
    /// Close enough to use the guide, but not the same question.
    Loose,
    /// No guide is close: the general rubric judges it.
    General,
}

impl Closeness {
    /// Of a match.
    pub(crate) fn of(m: &GuideMatch) -> Closeness {
        if m.guide_id == GENERAL_ID {
            Closeness::General
        } else if m.similarity >= CLOSE_FROM {
            Closeness::Close
        } else {
            Closeness::Loose
        }
    }

    /// The plain word for it: `close`, `loose` or `none`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Closeness::Close => "close",
            Closeness::Loose => "loose",
            Closeness::General => "none",
        }
    }
}

/// A similarity (0–1) as a whole percentage.
pub(crate) fn percent(similarity: f32) -> u8 {
    // Clamped first, so the cast cannot wrap.
    (similarity.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// Cuts pasted text into questions: one a line, and a line holding several questions
/// ("Why this role? What would you change?") cut after each question mark. List
/// markers (`-`, `*`, `•`, `1.`, `2)`) are dropped, and so are pieces with no letters
/// or digits.
pub(crate) fn split(text: &str) -> Vec<String> {
    let mut questions = Vec::new();
    let mut push = |piece: &str| {
        let piece = piece.trim();
        if piece.chars().any(char::is_alphanumeric) {
            questions.push(piece.to_owned());
        }
    };
    for line in text.lines() {
        let mut rest = strip_marker(line.trim());
        while let Some(end) = rest.find('?') {
            let (question, tail) = rest.split_at(end + 1);
            push(question);
            rest = tail;
        }
        push(rest);
    }
    questions
}

/// A line without its list marker, if it has one.
fn strip_marker(line: &str) -> &str {
    for bullet in ['-', '*', '•', '·', '–', '—'] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return rest.trim_start();
        }
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(['.', ')'])
            && rest.starts_with(char::is_whitespace)
        {
            return rest.trim_start();
        }
    }
    line
}

/// Refuses what cannot be matched: no questions, too many, an empty one or an overlong
/// one (numbered from 1, as the user sees them).
pub(crate) fn check(questions: &[String]) -> Result<(), AppError> {
    if questions.is_empty() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_questions",
            "give at least one question",
        ));
    }
    if questions.len() > MAX_QUESTIONS {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_questions",
            format!(
                "give at most {MAX_QUESTIONS} questions at a time, not {}",
                questions.len()
            ),
        ));
    }
    for (i, question) in questions.iter().enumerate() {
        let n = i + 1;
        if question.trim().is_empty() {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "empty_question",
                format!("question {n} is empty"),
            ));
        }
        let chars = question.chars().count();
        if chars > MAX_QUESTION_CHARS {
            return Err(AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "question_too_long",
                format!(
                    "question {n} is {chars} characters long; a question may have at most \
                     {MAX_QUESTION_CHARS}"
                ),
            ));
        }
    }
    Ok(())
}

/// Checks the questions, then matches each (trimmed) to its closest guide, in order.
pub(crate) async fn match_all(
    state: &AppState,
    questions: Vec<String>,
) -> Result<Vec<(String, GuideMatch)>, AppError> {
    check(&questions)?;
    scoring::with_engine(state, move |state| {
        questions
            .into_iter()
            .map(|q| {
                let q = q.trim().to_owned();
                let m = state.engine().match_question(&q);
                (q, m)
            })
            .collect()
    })
    .await
}

/// The general rubric's step ids as a list to read, `situation, actions, outcome,
/// reflection`.
pub(crate) fn general_steps(state: &AppState) -> String {
    state
        .engine()
        .guide(GENERAL_ID)
        .map(|g| {
            g.steps
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn pasted_text_is_cut_into_questions() {
        assert_eq!(
            split(
                "Tell me about yourself.\n\n - Why this role? What would you change?\n\
                 2) How do you handle stress\n??\n• Describe a failure."
            ),
            [
                "Tell me about yourself.",
                "Why this role?",
                "What would you change?",
                "How do you handle stress",
                "Describe a failure.",
            ]
        );
        assert_eq!(
            split("1.5 million users? Fine"),
            ["1.5 million users?", "Fine"]
        );
        assert!(split("  \n\n").is_empty());
    }
}
