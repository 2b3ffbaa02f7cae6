//! Delivery: length, speaking time, fillers, hedges, clichés and negativity.

use std::collections::BTreeMap;

use rapport_text::{Analysis, Token};

use crate::features::Features;
use crate::lexicon::{Compiled, Sectioned};
use crate::report::{Delivery, Evidence, Found};

/// Speaking pace used to estimate time, in words per minute.
pub(crate) const WORDS_PER_MINUTE: f32 = 140.0;

/// Words that, in a sentence with a negative word, show it is about people the
/// candidate served or worked for.
const EMPLOYER: [&str; 7] = [
    "boss",
    "manager",
    "management",
    "company",
    "employer",
    "team",
    "colleagues",
];

pub(crate) fn delivery(
    text: &str,
    analysis: &Analysis,
    feats: &[Features],
    lex: &Compiled,
) -> Delivery {
    let words = analysis.tokens.len();
    let mut fillers = BTreeMap::new();
    let mut hedges = BTreeMap::new();
    let mut cliches = BTreeMap::new();
    let mut negativity = Vec::new();
    for (i, f) in feats.iter().enumerate() {
        let tokens = analysis.sentence_tokens(i);
        count(&lex.fillers_always, tokens, &mut fillers, |_, _| true);
        count(&lex.fillers_comma, tokens, &mut fillers, |m, _| {
            set_off_by_comma(text, f.range.start, &tokens[m])
        });
        // A hedge is the word itself: "possibly" hedges, "the best possible" does not,
        // though both have the same stem.
        count(&lex.hedges, tokens, &mut hedges, |m, phrase| {
            tokens[m]
                .iter()
                .map(|t| t.folded.as_str())
                .eq(phrase.split_whitespace())
        });
        count(&lex.cliches, tokens, &mut cliches, |_, _| true);
        let negative = !lex.negativity.set.find_all(tokens).is_empty();
        let about_people =
            f.customer || tokens.iter().any(|t| EMPLOYER.contains(&t.folded.as_str()));
        if negative && about_people {
            negativity.push(Evidence {
                start: f.range.start,
                end: f.range.end,
                text: text[f.range.clone()].to_string(),
                why: "speaks badly of a customer or employer".into(),
            });
        }
    }
    let filler_words = fillers.values().sum();
    Delivery {
        words,
        sentences: analysis.sentences.len(),
        speaking_seconds: (words as f32 / WORDS_PER_MINUTE * 60.0).round() as u32,
        filler_words,
        fillers: sorted(fillers),
        hedges: sorted(hedges),
        cliches: sorted(cliches),
        negativity,
        length: match words {
            0..40 => "too short",
            40..90 => "short",
            90..=320 => "good",
            321..=450 => "long",
            _ => "too long",
        },
    }
}

fn count(
    lex: &Sectioned,
    tokens: &[Token],
    into: &mut BTreeMap<String, usize>,
    keep: impl Fn(std::ops::Range<usize>, &str) -> bool,
) {
    for m in lex.set.find_all(tokens) {
        if keep(m.tokens.clone(), &lex.phrases[m.phrase]) {
            *into.entry(lex.phrases[m.phrase].clone()).or_default() += 1;
        }
    }
}

/// "like" is a filler in "it was, like, chaos" and "So, I ..." but not in "I'd like to
/// help" or ", so it was ready": it must be followed by a comma and start the sentence
/// or follow one.
fn set_off_by_comma(text: &str, sentence_start: usize, tokens: &[Token]) -> bool {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return false;
    };
    let after = text[last.range.end..].trim_start_matches(' ');
    let before = text[sentence_start..first.range.start].trim_end_matches(' ');
    after.starts_with(',') && (before.is_empty() || before.ends_with(','))
}

fn sorted(map: BTreeMap<String, usize>) -> Vec<Found> {
    let mut out: Vec<Found> = map
        .into_iter()
        .map(|(phrase, count)| Found { phrase, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.phrase.cmp(&b.phrase)));
    out
}
