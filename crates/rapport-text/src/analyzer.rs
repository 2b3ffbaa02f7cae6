//! The analyser: composes the stages into one pass over an answer.

use std::ops::Range;

use crate::{Stemmer, fold, split_sentences, split_words};

/// One word of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Byte range in the original text.
    pub range: Range<usize>,
    /// Lower-cased, apostrophes straightened.
    pub folded: String,
    /// English stem of `folded`.
    pub stem: String,
}

/// One sentence of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Byte range in the original text, whitespace trimmed.
    pub range: Range<usize>,
    /// Indices of its words in [`Analysis::tokens`].
    pub tokens: Range<usize>,
}

/// The analysed text: sentences and words, all with offsets into the original.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Analysis {
    /// All words, in order.
    pub tokens: Vec<Token>,
    /// All sentences, in order; every token belongs to exactly one.
    pub sentences: Vec<Sentence>,
}

impl Analysis {
    /// The words of sentence `i`.
    pub fn sentence_tokens(&self, i: usize) -> &[Token] {
        &self.tokens[self.sentences[i].tokens.clone()]
    }
}

/// Runs the text pipeline: sentences, words, folding, stemming.
#[derive(Default)]
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Analyzer {
    /// An analyser with the English stemmer.
    pub fn new() -> Analyzer {
        Analyzer::default()
    }

    /// Analyses `text`. Offsets point into `text` exactly as given.
    pub fn analyze(&self, text: &str) -> Analysis {
        let mut analysis = Analysis::default();
        for range in split_sentences(text) {
            let first = analysis.tokens.len();
            for word in split_words(&text[range.clone()]) {
                let abs = range.start + word.start..range.start + word.end;
                analysis.tokens.push(self.token(&text[abs.clone()], abs));
            }
            let tokens = first..analysis.tokens.len();
            if !tokens.is_empty() {
                analysis.sentences.push(Sentence { range, tokens });
            }
        }
        analysis
    }

    /// The stems of a phrase, in order, as the phrase matcher compares them.
    pub fn stems(&self, phrase: &str) -> Vec<String> {
        split_words(phrase)
            .into_iter()
            .map(|r| self.stemmer.stem(&fold(&phrase[r])))
            .collect()
    }

    /// The stem of one already folded word.
    pub fn stem(&self, folded: &str) -> String {
        self.stemmer.stem(folded)
    }

    fn token(&self, word: &str, range: Range<usize>) -> Token {
        let folded = fold(word);
        let stem = self.stemmer.stem(&folded);
        Token {
            range,
            folded,
            stem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Analyzer;

    #[test]
    fn offsets_point_into_the_original() {
        let text = "  Café staff. I apologised\u{2019}d!  ";
        let a = Analyzer::new().analyze(text);
        assert_eq!(a.sentences.len(), 2);
        for t in &a.tokens {
            assert_eq!(crate::fold(&text[t.range.clone()]), t.folded);
        }
        assert_eq!(&text[a.sentences[0].range.clone()], "Café staff.");
    }
}
