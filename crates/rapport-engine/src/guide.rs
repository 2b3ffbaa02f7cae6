//! Guides compiled for scoring: each step's cues as a phrase set and its examples as
//! bags of content stems, plus the guide's vocabulary for off-topic detection.

use std::collections::HashSet;

use rapport_pack::{Guide, Signal};
use rapport_text::{Analyzer, PhraseSet};

use crate::lexicon::Compiled;

/// One step, ready to detect.
pub(crate) struct StepMatcher {
    pub cues: PhraseSet,
    pub cue_text: Vec<String>,
    pub examples: Vec<HashSet<String>>,
    pub signal: Signal,
}

/// A guide, ready to score against.
pub(crate) struct CompiledGuide {
    pub guide: Guide,
    pub steps: Vec<StepMatcher>,
    /// Content stems of everything the guide says: question, cues, examples, samples.
    pub vocabulary: HashSet<String>,
}

/// The content stems of a text: the words that carry meaning, stemmed.
pub(crate) fn content_stems(analyzer: &Analyzer, lex: &Compiled, text: &str) -> HashSet<String> {
    analyzer
        .analyze(text)
        .tokens
        .into_iter()
        .filter(|t| !lex.stopwords.contains(&t.folded) && t.folded.len() > 2)
        .map(|t| t.stem)
        .collect()
}

impl CompiledGuide {
    pub fn new(analyzer: &Analyzer, lex: &Compiled, guide: Guide) -> CompiledGuide {
        let steps = guide
            .steps
            .iter()
            .map(|step| StepMatcher {
                cues: PhraseSet::new(analyzer, step.cues.iter().map(String::as_str)),
                cue_text: step.cues.clone(),
                examples: step.examples.iter().map(|e| content_stems(analyzer, lex, e)).collect(),
                signal: step.signal,
            })
            .collect();
        let mut vocabulary = content_stems(analyzer, lex, &guide.question);
        for text in guide
            .rewordings
            .iter()
            .chain(guide.steps.iter().flat_map(|s| s.cues.iter().chain(&s.examples)))
            .chain(guide.samples.iter().map(|s| &s.text))
        {
            vocabulary.extend(content_stems(analyzer, lex, text));
        }
        CompiledGuide { guide, steps, vocabulary }
    }
}
