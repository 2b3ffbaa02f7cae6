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

/// Decides whether an answer is in English. Text mostly outside the Latin alphabet is
/// not. Otherwise the evidence for another language is weighed against the evidence
/// for English, and the answer is refused when the other language's is larger (and at
/// least two words' worth):
///
/// - for English, its function words (`stopwords.txt`) of three letters or more, since
///   the shorter ones ("a", "i", "am", "no", "me") are words of other languages too;
/// - for another language, its own function words (`languages.txt`, which lists only
///   words that are not English), counting the part after an apostrophe ("j'ai",
///   "c'era"), plus half a word for each lower-case word with an accented letter
///   (capitalised ones are names: "José", "São Paulo").
///
/// A list of English keywords has little evidence either way and is scored (it comes
/// out weak). Measured on `test_data/languages.jsonl` by the `languages` test.
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
    let weighed = weigh_languages(answer, analysis, lex);
    if weighed.other >= 4 && weighed.other > weighed.english {
        return Err(ScoreError::NotEnglish);
    }
    Ok(())
}

/// The evidence for English and for the likeliest other language, in half words.
struct Weighed {
    other: usize,
    english: usize,
}

fn weigh_languages(answer: &str, analysis: &Analysis, lex: &Compiled) -> Weighed {
    let tokens = &analysis.tokens;
    let english = tokens
        .iter()
        .filter(|t| t.folded.chars().count() >= 3 && lex.stopwords.contains(&t.folded))
        .count();
    let accented = tokens
        .iter()
        .filter(|t| {
            let word = &answer[t.range.clone()];
            !word.starts_with(char::is_uppercase)
                && word.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
        })
        .count();
    // Each language's function words in the answer; a word's elided tail ("ai" of
    // "j'ai") is found once, not once per language.
    let mut function = vec![0; lex.languages.len()];
    for t in tokens {
        let after = t.folded.rsplit('\'').next().unwrap_or_default();
        for (count, (_, words)) in function.iter_mut().zip(&lex.languages) {
            if words.contains(&t.folded) || words.contains(after) {
                *count += 1;
            }
        }
    }
    let function = function.into_iter().max().unwrap_or(0);
    Weighed {
        other: 2 * function + accented,
        english: 2 * english,
    }
}
