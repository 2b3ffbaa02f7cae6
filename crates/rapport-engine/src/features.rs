//! Per-sentence features: the structural facts the step detectors build on.
//!
//! Each sentence is read once: who it is about, whether it tells a real past event or a
//! hypothetical, whether it anchors the story in time or place, states a result, names
//! or shows skills, reflects, takes a stance or gives a reason.

use std::collections::HashSet;
use std::ops::Range;

use rapport_text::{Analysis, Match, Token};

use crate::lexicon::{Compiled, Sectioned};

/// What one sentence does.
#[derive(Debug, Clone, Default)]
pub(crate) struct Features {
    pub range: Range<usize>,
    pub words: usize,
    pub first_person: bool,
    pub first_subject: bool,
    pub customer: bool,
    /// Past-tense action verbs ("called", "gave").
    pub past_actions: usize,
    /// Any past-tense verb, actions and states ("was", "felt").
    pub past_any: usize,
    pub hypothetical: bool,
    pub habitual: bool,
    pub anchor: bool,
    pub result_marker: bool,
    pub reaction: bool,
    pub business_result: bool,
    pub number: bool,
    pub proper_noun: bool,
    pub specific_unit: bool,
    /// Skill sections named ("empathy").
    pub skills_named: Vec<usize>,
    /// Skill sections shown in action ("let her finish").
    pub skills_shown: Vec<usize>,
    pub reflection: bool,
    pub stance: bool,
    pub connective: bool,
    pub perspective: bool,
    pub difficulty: bool,
    pub honesty: bool,
    pub question: bool,
    /// Commas in the sentence: a long list of nouns reads as keyword stuffing.
    pub commas: usize,
    /// Content stems (stop words dropped).
    pub content: HashSet<String>,
}

impl Features {
    /// A real past event: past tense, not hypothetical or habitual.
    pub fn narrative(&self) -> bool {
        self.past_any > 0 && !self.hypothetical && !self.question
    }
}

const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "million",
    "half", "dozen", "quarter",
];

/// Reads every sentence of the analysed answer.
pub(crate) fn extract(text: &str, analysis: &Analysis, lex: &Compiled) -> Vec<Features> {
    (0..analysis.sentences.len())
        .map(|i| sentence(text, analysis, i, lex))
        .collect()
}

fn sentence(text: &str, analysis: &Analysis, i: usize, lex: &Compiled) -> Features {
    let s = &analysis.sentences[i];
    let tokens = analysis.sentence_tokens(i);
    let raw = &text[s.range.clone()];
    let has = |set: &HashSet<String>| tokens.iter().any(|t| set.contains(&t.folded));
    let found = |set: &rapport_text::PhraseSet| !set.find_all(tokens).is_empty();
    let outcome_matches = lex.outcomes.set.find_all(tokens);
    let outcome_in = |name: &str| {
        outcome_matches
            .iter()
            .any(|m| lex.outcomes.names[lex.outcomes.section_of[m.phrase]] == name)
    };
    let reasoning = lex.reasoning.set.find_all(tokens);
    let reasoning_in = |name: &str| {
        reasoning
            .iter()
            .any(|m| lex.reasoning.names[lex.reasoning.section_of[m.phrase]] == name)
    };
    let (past_actions, past_any) = past_tense(tokens, lex);
    Features {
        range: s.range.clone(),
        words: tokens.len(),
        first_person: has(&lex.first_person),
        first_subject: has(&lex.first_subject),
        customer: has(&lex.customer),
        past_actions,
        past_any,
        hypothetical: found(&lex.hypothetical),
        habitual: found(&lex.habitual),
        anchor: found(&lex.anchors) || tokens.iter().any(is_year),
        result_marker: outcome_in("marker"),
        reaction: outcome_in("reaction"),
        business_result: outcome_in("business"),
        number: tokens.iter().any(|t| {
            t.folded.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&t.folded.as_str())
        }),
        proper_noun: proper_noun(text, tokens),
        specific_unit: found(&lex.specifics),
        skills_named: sections(&lex.skills, &lex.skills.set.find_all(tokens)),
        skills_shown: sections(&lex.skills_shown, &lex.skills_shown.set.find_all(tokens)),
        reflection: found(&lex.reflection),
        stance: found(&lex.stance),
        connective: reasoning_in("connective"),
        perspective: reasoning_in("perspective"),
        difficulty: found(&lex.difficulty),
        honesty: found(&lex.honesty),
        question: raw.trim_end().ends_with('?'),
        commas: raw.matches(',').count(),
        content: tokens
            .iter()
            .filter(|t| !lex.stopwords.contains(&t.folded) && t.folded.len() > 2)
            .map(|t| t.stem.clone())
            .collect(),
    }
}

/// Counts past-tense verbs: regular "-ed" forms and the irregular lists.
fn past_tense(tokens: &[Token], lex: &Compiled) -> (usize, usize) {
    let mut actions = 0;
    let mut states = 0;
    for t in tokens {
        let w = t.folded.as_str();
        if lex.past_action.contains(w) {
            actions += 1;
        } else if lex.past_state.contains(w) {
            states += 1;
        } else if w.len() > 4 && w.ends_with("ed") && !lex.not_past.contains(w) {
            actions += 1;
        }
    }
    (actions, actions + states)
}

fn is_year(t: &Token) -> bool {
    t.folded.len() == 4
        && t.folded.chars().all(|c| c.is_ascii_digit())
        && matches!(&t.folded[..2], "19" | "20")
}

/// A capitalised word that does not start the sentence and is not "I": a name.
fn proper_noun(text: &str, tokens: &[Token]) -> bool {
    tokens.iter().skip(1).any(|t| {
        let word = &text[t.range.clone()];
        word.chars().next().is_some_and(char::is_uppercase)
            && !word.starts_with("I'")
            && word != "I"
            && word.chars().skip(1).any(char::is_lowercase)
    })
}

/// The distinct sections the matches fall in.
fn sections(lex: &Sectioned, matches: &[Match]) -> Vec<usize> {
    let mut out: Vec<usize> = matches.iter().map(|m| lex.section_of[m.phrase]).collect();
    out.sort_unstable();
    out.dedup();
    out
}
