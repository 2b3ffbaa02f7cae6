//! Guides compiled for scoring: each step's cues as a phrase set and its examples as
//! bags of content stems, plus the guide's vocabulary for off-topic detection.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rapport_pack::{Guide, Signal};
use rapport_text::{Analyzer, PhraseSet};

use crate::lexicon::Compiled;

/// One step, ready to detect.
pub(crate) struct StepMatcher {
    pub cues: PhraseSet,
    pub cue_text: Vec<String>,
    pub examples: Vec<HashSet<String>>,
    /// The step's own words (from cues and examples), each weighted by how specific it
    /// is to this step across every loaded step: "CRM" counts more than "customer".
    pub vocabulary: HashMap<String, f32>,
    pub signal: Signal,
    /// Skill-lexicon sections this step is about (a `listening` step and the listening
    /// section), as indices into the named and the shown lexicons.
    pub named_sections: Vec<usize>,
    pub shown_sections: Vec<usize>,
    /// Prototype sentences and their vectors, when a model is enabled.
    pub prototypes: Vec<(String, std::sync::Arc<[f32]>)>,
}

/// The sections whose name shares a word with the step's id or label.
fn sections_about(names: &[String], id: &str, label: &str) -> Vec<usize> {
    let about = format!("{} {}", id.replace('-', " "), label.to_lowercase());
    let about: Vec<&str> = about.split_whitespace().collect();
    names
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            n.split_whitespace()
                .any(|w| w.len() >= 4 && about.contains(&w))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A guide, ready to score against.
pub(crate) struct CompiledGuide {
    pub guide: Guide,
    pub steps: Vec<StepMatcher>,
    /// Content stems of everything the guide says: question, cues, examples, samples.
    pub vocabulary: HashSet<String>,
    /// Whether the question is about dealing with customers, so an answer that never
    /// mentions one is about something else.
    pub about_customers: bool,
    /// Every prototype vector of the guide, when a model is enabled: what an answer to
    /// this question sounds like.
    pub meaning: Vec<std::sync::Arc<[f32]>>,
}

/// The content stems of a text: the words that carry meaning, stemmed.
pub(crate) fn content_stems(analyzer: &Analyzer, lex: &Compiled, text: &str) -> HashSet<String> {
    rapport_text::split_words(text)
        .into_iter()
        .map(|r| rapport_text::fold(&text[r]))
        .filter(|w| !lex.stopwords.contains(w) && w.len() > 2)
        .map(|w| analyzer.stem(&w))
        .collect()
}

/// The content stems of a step's cues and examples.
pub(crate) fn step_words(
    analyzer: &Analyzer,
    lex: &Compiled,
    step: &rapport_pack::Step,
) -> HashSet<String> {
    let mut words = HashSet::default();
    for text in step.cues.iter().chain(&step.examples) {
        words.extend(content_stems(analyzer, lex, text));
    }
    words
}

/// How specific each word is to the steps that use it: 1.0 for a word only one step
/// uses, falling towards 0.0 for words every step uses.
pub(crate) fn specificity<'a>(
    steps: impl Iterator<Item = &'a HashSet<String>>,
) -> HashMap<String, f32> {
    let mut df: HashMap<&String, usize> = HashMap::default();
    let mut n = 0;
    for words in steps {
        n += 1;
        for w in words {
            *df.entry(w).or_default() += 1;
        }
    }
    let n = n.max(2) as f32;
    df.into_iter()
        .map(|(w, d)| (w.clone(), (n / d as f32).ln() / n.ln()))
        .collect()
}

/// A step's words with their specificity as weights.
pub(crate) fn weigh(
    words: HashSet<String>,
    specificity: &HashMap<String, f32>,
) -> HashMap<String, f32> {
    words
        .into_iter()
        .map(|w| {
            let weight = specificity.get(&w).copied().unwrap_or(1.0);
            (w, weight)
        })
        .collect()
}

impl CompiledGuide {
    pub fn new(
        analyzer: &Analyzer,
        lex: &Compiled,
        guide: Guide,
        vocabularies: Vec<HashMap<String, f32>>,
        semantic: Option<&crate::semantic::Semantic>,
    ) -> CompiledGuide {
        let steps = guide
            .steps
            .iter()
            .zip(vocabularies)
            .map(|(step, vocabulary)| StepMatcher {
                cues: PhraseSet::new(analyzer, step.cues.iter().map(String::as_str)),
                cue_text: step.cues.clone(),
                examples: step
                    .examples
                    .iter()
                    .map(|e| content_stems(analyzer, lex, e))
                    .collect(),
                vocabulary,
                signal: step.signal,
                named_sections: sections_about(&lex.skills.names, &step.id, &step.label),
                shown_sections: sections_about(&lex.skills_shown.names, &step.id, &step.label),
                prototypes: semantic
                    .map(|s| s.vectors(&crate::semantic::step_prototypes(&guide, &step.id)))
                    .unwrap_or_default(),
            })
            .collect();
        let mut vocabulary = content_stems(analyzer, lex, &guide.question);
        for text in guide
            .rewordings
            .iter()
            .chain(
                guide
                    .steps
                    .iter()
                    .flat_map(|s| s.cues.iter().chain(&s.examples)),
            )
            .chain(guide.samples.iter().map(|s| &s.text))
        {
            vocabulary.extend(content_stems(analyzer, lex, text));
        }
        let about_customers = analyzer.analyze(&guide.question).tokens.iter().any(|t| {
            matches!(
                t.folded.as_str(),
                "customer" | "customers" | "client" | "clients"
            )
        });
        let meaning = semantic
            .map(|s| s.vectors(&crate::semantic::guide_prototypes(&guide)))
            .unwrap_or_default()
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        CompiledGuide {
            guide,
            steps,
            vocabulary,
            about_customers,
            meaning,
        }
    }
}
