//! Phrase matching on stems, with `*` standing for any one word.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use crate::{Analyzer, Token};

/// A phrase found in a run of tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Which phrase, as its index in the set.
    pub phrase: usize,
    /// The tokens it covers (indices into the slice searched).
    pub tokens: Range<usize>,
}

/// The most words [`PhraseSet::find_all_skipping`] skips between two words of a phrase.
const MAX_SKIPPED: usize = 2;

/// A compiled set of phrases, indexed by first stem for fast matching.
#[derive(Debug, Clone, Default)]
pub struct PhraseSet {
    phrases: Vec<Vec<Option<String>>>,
    by_first: HashMap<String, Vec<usize>>,
    leading_wildcard: Vec<usize>,
}

impl PhraseSet {
    /// Compiles phrases in cue syntax. Phrases with no words never match.
    pub fn new<'a>(analyzer: &Analyzer, phrases: impl IntoIterator<Item = &'a str>) -> PhraseSet {
        let mut set = PhraseSet::default();
        for phrase in phrases {
            let parts: Vec<Option<String>> = phrase
                .split_whitespace()
                .flat_map(|part| {
                    if part == "*" {
                        vec![None]
                    } else {
                        analyzer.stems(part).into_iter().map(Some).collect()
                    }
                })
                .collect();
            let index = set.phrases.len();
            match parts.iter().find_map(|p| p.as_ref()) {
                Some(_) if parts[0].is_none() => set.leading_wildcard.push(index),
                Some(first) => set.by_first.entry(first.clone()).or_default().push(index),
                None => {}
            }
            set.phrases.push(parts);
        }
        set
    }

    /// How many phrases the set holds.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Whether the set holds no phrases.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Every occurrence of every phrase in `tokens`, allowing words for which `skip`
    /// holds between the phrase's words, and a word said twice (at most two in a
    /// row): with intensifiers and fillers skipped, "can't think of one" is found in
    /// "I can't really think of one" and "not my job" in "not my um my job". The phrase's
    /// own words are matched first, so a phrase that holds a skippable word still
    /// matches it.
    pub fn find_all_skipping(&self, tokens: &[Token], skip: impl Fn(&Token) -> bool) -> Vec<Match> {
        self.scan(tokens, |phrase, rest| {
            self.match_skipping(phrase, rest, &skip)
        })
    }

    /// Every phrase that `ends` says matches at each position of `tokens`, in order of
    /// position: `ends(phrase, rest)` gives how many tokens of `rest` the phrase covers.
    fn scan(
        &self,
        tokens: &[Token],
        ends: impl Fn(usize, &[Token]) -> Option<usize>,
    ) -> Vec<Match> {
        let mut out = Vec::new();
        for start in 0..tokens.len() {
            let candidates = self.by_first.get(&tokens[start].stem);
            let all = candidates
                .into_iter()
                .flatten()
                .chain(&self.leading_wildcard);
            for &phrase in all {
                if let Some(len) = ends(phrase, &tokens[start..]) {
                    out.push(Match {
                        phrase,
                        tokens: start..start + len,
                    });
                }
            }
        }
        out
    }

    /// Where phrase `phrase` ends if it matches at the start of `tokens`, skipping.
    fn match_skipping(
        &self,
        phrase: usize,
        tokens: &[Token],
        skip: &impl Fn(&Token) -> bool,
    ) -> Option<usize> {
        let mut at = 0;
        for (k, part) in self.phrases[phrase].iter().enumerate() {
            let fits = |t: &Token| part.as_ref().is_none_or(|s| *s == t.stem);
            let mut skipped = 0;
            loop {
                let t = tokens.get(at)?;
                if fits(t) {
                    break;
                }
                let repeated = at > 0 && tokens[at - 1].stem == t.stem;
                if k == 0 || skipped == MAX_SKIPPED || !(repeated || skip(t)) {
                    return None;
                }
                skipped += 1;
                at += 1;
            }
            at += 1;
        }
        Some(at)
    }

    /// Every occurrence of every phrase in `tokens`, in order of position.
    pub fn find_all(&self, tokens: &[Token]) -> Vec<Match> {
        self.scan(tokens, |phrase, rest| {
            let parts = &self.phrases[phrase];
            (parts.len() <= rest.len()
                && parts
                    .iter()
                    .zip(rest)
                    .all(|(p, t)| p.as_ref().is_none_or(|s| *s == t.stem)))
            .then_some(parts.len())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::PhraseSet;
    use crate::Analyzer;

    fn check(phrases: &[&str], text: &str, expect: &[usize]) {
        let analyzer = Analyzer::new();
        let set = PhraseSet::new(&analyzer, phrases.iter().copied());
        let analysis = analyzer.analyze(text);
        let got: Vec<usize> = set
            .find_all(&analysis.tokens)
            .into_iter()
            .map(|m| m.phrase)
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn matches_inflections() {
        check(
            &["follow up", "check in"],
            "I followed up and checked in weekly.",
            &[0, 1],
        );
    }

    #[test]
    fn skipping_passes_over_the_words_it_is_told_to() {
        let analyzer = Analyzer::new();
        let set = PhraseSet::new(&analyzer, ["can't think of one", "just a job"]);
        let find = |text: &str| -> Vec<(usize, std::ops::Range<usize>)> {
            let analysis = analyzer.analyze(text);
            set.find_all_skipping(&analysis.tokens, |t| {
                matches!(t.folded.as_str(), "really" | "honestly" | "just")
            })
            .into_iter()
            .map(|m| (m.phrase, m.tokens))
            .collect()
        };
        assert_eq!(
            find("I can't really honestly think of one."),
            vec![(0, 1..7)]
        );
        assert_eq!(find("It is just a job."), vec![(1, 2..5)]);
        assert_eq!(
            find("can't can't think think of one"),
            vec![(0, 0..6), (0, 1..6)]
        );
        // Never before the first word, never more than two in a row, never other words.
        assert_eq!(find("really can't"), vec![]);
        assert_eq!(find("can't really really really think of one"), vec![]);
        assert_eq!(find("can't quite think of one"), vec![]);
    }

    #[test]
    fn wildcard_matches_one_word() {
        check(&["kept * informed"], "I kept her informed.", &[0]);
        check(&["kept * informed"], "I kept informed.", &[]);
    }

    #[test]
    fn needs_consecutive_words() {
        check(&["felt heard"], "she felt that she was heard", &[]);
    }
}
