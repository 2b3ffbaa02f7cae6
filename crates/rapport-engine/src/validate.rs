//! Checks an answer before scoring: empty, too long, binary, not English.

use rapport_text::Analysis;

use crate::error::{MAX_ANSWER_CHARS, ScoreError};
use crate::lexicon::Compiled;

/// Rejects text the engine cannot judge fairly, before any analysis.
pub(crate) fn check_text(answer: &str) -> Result<(), ScoreError> {
    if answer.trim().is_empty() {
        return Err(ScoreError::Empty);
    }
    let chars = answer.chars().count();
    if chars > MAX_ANSWER_CHARS {
        return Err(ScoreError::TooLong { chars });
    }
    if let Some((offset, _)) = answer
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ScoreError::Binary { offset });
    }
    Ok(())
}

/// English prose is roughly half function words ("the", "I", "and"); other languages
/// using the Latin alphabet share almost none of them.
pub(crate) fn check_english(
    answer: &str,
    analysis: &Analysis,
    lex: &Compiled,
) -> Result<(), ScoreError> {
    let letters = answer.chars().filter(|c| c.is_alphabetic()).count();
    let latin = answer.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if letters > 0 && (latin as f32) < 0.7 * letters as f32 {
        return Err(ScoreError::NotEnglish);
    }
    let words = analysis.tokens.len();
    if words >= 12 {
        let function = analysis
            .tokens
            .iter()
            .filter(|t| lex.stopwords.contains(&t.folded))
            .count();
        // Even a terse list of English keywords keeps a few "and"s and "of"s; other
        // languages in the Latin alphabet share almost none.
        if (function as f32) < 0.06 * words as f32 {
            return Err(ScoreError::NotEnglish);
        }
    }
    Ok(())
}
