//! Per-sentence features: the structural facts the step detectors build on.
//!
//! Each sentence is read once: who it is about, whether it tells a real past event or a
//! hypothetical, whether it anchors the story in time or place, states a result, names
//! or shows skills, reflects, takes a stance or gives a reason.

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

use rapport_text::{Analysis, Match, Token};

use crate::lexicon::{Compiled, Sectioned};

/// Which phrases of the non-story rubrics (`rubrics.txt`) a sentence holds.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rubric {
    /// Where the candidate is now ("currently", "I work as").
    pub now: bool,
    /// Experience over a period ("for three years", "I've worked").
    pub experience: bool,
    /// Ties to this role or company ("this role", "I'd bring").
    pub motivation: bool,
    /// Forward-looking or appreciative ("ready for", "I learned a lot").
    pub positive: bool,
    /// A real shortcoming ("I find it hard to").
    pub weakness: bool,
    /// A strength dressed as a weakness ("perfectionist").
    pub disguised: bool,
    /// A plan ("in five years", "I'd like to").
    pub plan: bool,
    /// A usual method ("I start by", "what I do is").
    pub approach: bool,
}

/// What one sentence does.
#[derive(Debug, Clone, Default)]
pub(crate) struct Features {
    pub range: Range<usize>,
    /// Index of the sentence in the answer.
    pub index: usize,
    pub words: usize,
    pub first_person: bool,
    /// "I" or "we" anywhere in the sentence (not only "my" or "our").
    pub subject: bool,
    /// "I" or "we" followed closely by a past-tense action ("I quickly called").
    pub acts: bool,
    /// The candidate is the sentence's subject: "I" or "we" among its first words.
    pub leads: bool,
    pub customer: bool,
    /// Names a customer-like person ("a guest", "the caller", "a woman").
    pub customer_noun: bool,
    /// Past-tense action verbs ("called", "gave").
    pub past_actions: usize,
    /// Any past-tense verb, actions and states ("was", "felt").
    pub past_any: usize,
    /// Present-tense verbs ("is", "think", "don't").
    pub present: usize,
    pub hypothetical: bool,
    pub habitual: bool,
    /// Present perfect ("I've handled", "she has ordered"): true in general, not one event.
    pub perfect: bool,
    /// A general truth addressed to "you" ("you get so many chances ...").
    pub generic: bool,
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
    /// The red-flag section a phrase of the sentence belongs to ("denial", ...).
    pub red_flag: Option<usize>,
    /// How many red flags the sentence holds: counted by phrase, not by sentence, so
    /// that a transcript whose run-on units hold two of them counts both.
    pub red_flags: usize,
    /// Speaks badly of customers, colleagues or a past employer (`negativity.txt`).
    pub negative: bool,
    /// The sections of `rubrics.txt` the sentence has a phrase of.
    pub rubric: Rubric,
    pub question: bool,
    /// For each word, whether a general lexicon phrase covers it: a sentence that is
    /// nothing but rubric words reads as keyword stuffing.
    pub covered: Vec<bool>,
    /// Any pronoun at all (I, we, she, they, ...): stuffed lists have none.
    pub pronoun: bool,
    /// Starts with a heading such as "Skills:".
    pub heading: bool,
    /// Commas in the sentence: a long list of nouns reads as keyword stuffing.
    pub commas: usize,
    /// Content stems (stop words dropped).
    pub content: HashSet<String>,
    /// Content words as folded, in order (stop words dropped).
    pub content_words: Vec<String>,
    /// The sentence's embedding, when a model is enabled.
    pub meaning: Option<std::sync::Arc<[f32]>>,
}

impl Features {
    /// A real past event: past tense, not hypothetical, and not a general claim
    /// ("I've always ...") unless it is anchored in a time or place.
    pub fn narrative(&self) -> bool {
        self.past_any > 0
            && self.past_any >= self.present
            && !self.hypothetical
            && !self.question
            && (self.anchor || !(self.habitual || self.perfect || self.generic))
    }

    /// Who acts in the sentence: the candidate ("I called") or someone else.
    pub fn candidate_acts(&self) -> bool {
        self.acts
    }
}

/// The `rubrics.txt` sections the sentence has a phrase of.
fn rubric(tokens: &[Token], lex: &Compiled) -> Rubric {
    let mut r = Rubric::default();
    for m in lex.rubrics.set.find_all(tokens) {
        let flag = match lex.rubrics.names[lex.rubrics.section_of[m.phrase]].as_str() {
            "present" => &mut r.now,
            "experience" => &mut r.experience,
            "motivation" => &mut r.motivation,
            "positive" => &mut r.positive,
            "weakness" => &mut r.weakness,
            "disguised" => &mut r.disguised,
            "plan" => &mut r.plan,
            "approach" => &mut r.approach,
            _ => continue,
        };
        *flag = true;
    }
    r
}

/// Words that may stand between "I'd" and the participle of "I had": "I'd only ever".
const ADVERBS_OF_HAD: &[&str] = &["only", "ever", "never", "just", "already", "also", "always"];

const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "million",
    "half", "dozen", "quarter",
];

/// Whether the "I" at `k` opens a relative clause inside a noun phrase: "a girl I
/// worked with", "the manager I reported to". The sentence's action is then someone
/// else's, whatever "I" did in the clause.
fn in_relative_clause(tokens: &[Token], k: usize, lex: &Compiled) -> bool {
    const DETERMINERS: [&str; 8] = ["a", "an", "the", "this", "one", "another", "every", "each"];
    // "on the line I traced it": a place or time before the noun, and the "I" that
    // follows starts the main clause of an unpunctuated sentence.
    const SETTINGS: [&str; 12] = [
        "on", "in", "at", "during", "after", "before", "by", "over", "through", "across", "around",
        "until",
    ];
    k >= 2
        && DETERMINERS.contains(&tokens[k - 2].folded.as_str())
        && !lex.stopwords.contains(&tokens[k - 1].folded)
        && !lex.past_action.contains(&tokens[k - 1].folded)
        && (k < 3 || !SETTINGS.contains(&tokens[k - 3].folded.as_str()))
}

/// How many words after a red flag a "but" may come and still take it back.
const CONTRAST_REACH: usize = 6;

/// The red flags of the whole answer, in order, each once where phrases overlap, as
/// (index of the first token, section). They are found over the answer's words, not
/// sentence by sentence, so that a transcript cut into clauses at a filler ("I can't
/// really think of um one") keeps them; with intensifiers and fillers skipped; and not
/// when a "but" later in the sentence, or soon after, takes them back ("It was not my
/// job to chase the courier, but I drove it round myself" says the opposite; a
/// transcript is cut into clauses at "but", so there only the reach counts).
fn red_flags(analysis: &Analysis, lex: &Compiled) -> Vec<(usize, usize)> {
    let tokens = &analysis.tokens;
    let mut out = Vec::new();
    let mut end = 0;
    for m in lex
        .red_flags
        .set
        .find_all_skipping(tokens, |t| lex.skippable.contains(&t.folded))
    {
        let sentence_end = analysis
            .sentences
            .iter()
            .find(|s| s.tokens.contains(&m.tokens.start))
            .map_or(m.tokens.end, |s| s.tokens.end);
        let reach = sentence_end.max(m.tokens.end + CONTRAST_REACH);
        let taken_back = tokens[m.tokens.end..reach.min(tokens.len())]
            .iter()
            .any(|t| {
                matches!(
                    t.folded.as_str(),
                    "but" | "yet" | "though" | "although" | "still"
                )
            });
        if !taken_back && m.tokens.start >= end {
            end = m.tokens.end;
            out.push((m.tokens.start, lex.red_flags.section_of[m.phrase]));
        }
    }
    out
}

/// Reads every sentence of the analysed answer.
pub(crate) fn extract(text: &str, analysis: &Analysis, lex: &Compiled) -> Vec<Features> {
    let flags = red_flags(analysis, lex);
    (0..analysis.sentences.len())
        .map(|i| {
            let within = &analysis.sentences[i].tokens;
            let here: Vec<usize> = flags
                .iter()
                .filter(|(at, _)| within.contains(at))
                .map(|(_, section)| *section)
                .collect();
            sentence(text, analysis, i, lex, &here)
        })
        .collect()
}

/// One sentence's features; `red_flags` are the sections of the red flags that start in
/// it.
fn sentence(
    text: &str,
    analysis: &Analysis,
    i: usize,
    lex: &Compiled,
    red_flags: &[usize],
) -> Features {
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
    let mut covered = vec![false; tokens.len()];
    for set in [
        &lex.outcomes.set,
        &lex.skills.set,
        &lex.skills_shown.set,
        &lex.difficulty,
        &lex.stance,
        &lex.reflection,
        &lex.reasoning.set,
    ] {
        for m in set.find_all(tokens) {
            covered[m.tokens.clone()].iter_mut().for_each(|c| *c = true);
        }
    }
    let pronouns: [&str; 9] = [
        "she", "he", "they", "her", "him", "them", "his", "their", "you",
    ];
    Features {
        range: s.range.clone(),
        index: i,
        words: tokens.len(),
        first_person: has(&lex.first_person),
        subject: has(&lex.first_subject),
        leads: tokens
            .iter()
            .take(4)
            .any(|t| lex.first_subject.contains(&t.folded)),
        acts: tokens.iter().enumerate().any(|(k, t)| {
            lex.first_subject.contains(&t.folded)
                && !in_relative_clause(tokens, k, lex)
                && tokens[k + 1..]
                    .iter()
                    .take(3)
                    .any(|n| is_past_action(n, lex))
        }),
        customer: has(&lex.customer),
        customer_noun: has(&lex.customer_noun),
        past_actions,
        past_any,
        present: tokens
            .iter()
            .filter(|t| lex.present.contains(&t.folded))
            .count()
            + 2 * present_after_subject(tokens, lex),
        hypothetical: lex.hypothetical.find_all(tokens).iter().any(|m| {
            // "told him I would ..." reports what was said, it is not a plan.
            let start = m.tokens.start;
            let reported = tokens[start.saturating_sub(3)..start]
                .iter()
                .any(|t| lex.reported.contains(&t.folded));
            // "I'd handled forty cases" and "I'd only ever placed" are "I had", not "I
            // would".
            let had = m.tokens.len() == 1
                && tokens[start].folded.ends_with("'d")
                && tokens[start + 1..]
                    .iter()
                    .find(|n| !ADVERBS_OF_HAD.contains(&n.folded.as_str()))
                    .is_some_and(|n| {
                        n.folded == "been"
                            || (n.folded.ends_with("ed") && n.folded.len() > 4)
                            || lex.past_action.contains(&n.folded)
                    });
            !reported && !had
        }),
        habitual: found(&lex.habitual),
        generic: tokens
            .iter()
            .any(|t| matches!(t.folded.as_str(), "you" | "you're" | "your" | "you've"))
            && past_any == 0,
        perfect: tokens.windows(2).any(|w| {
            matches!(
                w[0].folded.as_str(),
                "i've" | "we've" | "have" | "has" | "she's" | "he's" | "they've"
            ) && (w[1].folded.ends_with("ed")
                || lex.past_action.contains(&w[1].folded)
                || w[1].folded == "been")
        }),
        anchor: found(&lex.anchors) || tokens.iter().any(is_year),
        result_marker: outcome_in("marker"),
        reaction: outcome_in("reaction"),
        business_result: outcome_in("business"),
        // "forty-two" and "twenty-five" are numbers too.
        number: tokens.iter().any(|t| {
            t.folded.chars().any(|c| c.is_ascii_digit())
                || t.folded.split('-').any(|w| NUMBER_WORDS.contains(&w))
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
        red_flag: red_flags.first().copied(),
        red_flags: red_flags.len(),
        negative: !lex.negativity.set.find_all(tokens).is_empty(),
        rubric: rubric(tokens, lex),
        question: raw.trim_end().ends_with('?'),
        commas: raw.matches(',').count(),
        covered,
        pronoun: tokens
            .iter()
            .any(|t| lex.first_person.contains(&t.folded) || pronouns.contains(&t.folded.as_str())),
        heading: raw
            .split(':')
            .next()
            .is_some_and(|h| h.len() < raw.len() && h.split_whitespace().count() <= 3),
        content: tokens
            .iter()
            .filter(|t| !lex.stopwords.contains(&t.folded) && t.folded.len() > 2)
            .map(|t| t.stem.clone())
            .collect(),
        content_words: tokens
            .iter()
            .filter(|t| !lex.stopwords.contains(&t.folded) && t.folded.len() > 2)
            .map(|t| t.folded.clone())
            .collect(),
        meaning: None,
    }
}

/// Words that may stand between a subject and its verb ("I then called").
const BETWEEN: [&str; 12] = [
    "then", "also", "always", "just", "never", "still", "even", "really", "actually", "usually",
    "often", "all",
];

/// "we measure", "I track": "I" or "we" followed by a verb that is not in the past. The
/// main verb outweighs a participle elsewhere ("a survey emailed after checkout"), so
/// callers count these twice.
fn present_after_subject(tokens: &[Token], lex: &Compiled) -> usize {
    let mut count = 0;
    for (k, t) in tokens.iter().enumerate() {
        if !matches!(t.folded.as_str(), "i" | "we") {
            continue;
        }
        let next = tokens[k + 1..]
            .iter()
            .find(|n| !BETWEEN.contains(&n.folded.as_str()) && !n.folded.ends_with("ly"));
        if let Some(n) = next {
            let w = n.folded.as_str();
            let past = is_past_action(n, lex) || lex.past_state.contains(w) || w.ends_with("ed");
            let modal = matches!(
                w,
                "would" | "could" | "should" | "will" | "can" | "might" | "must" | "may"
            );
            // "I think it was ..." frames a story rather than stating a habit.
            let framing = matches!(
                w,
                "think" | "guess" | "remember" | "mean" | "suppose" | "believe" | "know" | "recall"
            );
            if !past && !modal && !framing && !lex.stopwords.contains(w) {
                count += 1;
            }
        }
    }
    count
}

/// A past-tense action verb: irregular from the list, or a regular "-ed" form.
fn is_past_action(t: &Token, lex: &Compiled) -> bool {
    let w = t.folded.as_str();
    lex.past_action.contains(w)
        || (w.len() > 3
            && w.ends_with("ed")
            && !lex.not_past.contains(w)
            && !lex.past_state.contains(w))
}

/// Counts past-tense verbs: regular "-ed" forms and the irregular lists. A participle
/// after "be" or "to" ("deserves to be treated") is not a past event.
fn past_tense(tokens: &[Token], lex: &Compiled) -> (usize, usize) {
    let passive = |k: usize| {
        k > 0
            && matches!(
                tokens[k - 1].folded.as_str(),
                "be" | "been" | "being" | "to" | "get" | "gets"
            )
    };
    let actions = (0..tokens.len())
        .filter(|&k| is_past_action(&tokens[k], lex) && !passive(k))
        .count();
    let states = tokens
        .iter()
        .filter(|t| lex.past_state.contains(&t.folded))
        .count();
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
