//! The lexicons, compiled for matching: phrase sets and word sets built once per engine.

use rustc_hash::FxHashSet as HashSet;

use rapport_pack::Lexicons;
use rapport_text::{Analyzer, PhraseSet, fold};

/// A phrase set whose phrases remember the lexicon section they came from.
pub(crate) struct Sectioned {
    pub set: PhraseSet,
    /// For each phrase, the index of its section in `names`.
    pub section_of: Vec<usize>,
    /// Section names in file order.
    pub names: Vec<String>,
    /// The phrases as written, for reporting.
    pub phrases: Vec<String>,
}

impl Sectioned {
    fn new(analyzer: &Analyzer, lexicons: &Lexicons, name: &str, only: Option<&str>) -> Sectioned {
        let mut names = Vec::new();
        let mut section_of = Vec::new();
        let mut phrases = Vec::new();
        if let Some(lexicon) = lexicons.get(name) {
            for (section, entries) in &lexicon.sections {
                if only.is_some_and(|o| o != section) {
                    continue;
                }
                names.push(section.clone());
                for entry in entries {
                    section_of.push(names.len() - 1);
                    phrases.push(entry.clone());
                }
            }
        }
        let set = PhraseSet::new(analyzer, phrases.iter().map(String::as_str));
        Sectioned {
            set,
            section_of,
            names,
            phrases,
        }
    }
}

/// Every lexicon the engine uses, compiled.
pub(crate) struct Compiled {
    pub stopwords: HashSet<String>,
    /// Function words of other languages, by language code (`languages.txt`).
    pub languages: Vec<(String, HashSet<String>)>,
    pub first_person: HashSet<String>,
    pub first_subject: HashSet<String>,
    pub customer: HashSet<String>,
    pub customer_noun: HashSet<String>,
    pub past_action: HashSet<String>,
    pub past_state: HashSet<String>,
    pub not_past: HashSet<String>,
    pub present: HashSet<String>,
    pub anchors: PhraseSet,
    pub hypothetical: PhraseSet,
    pub reported: HashSet<String>,
    pub habitual: PhraseSet,
    pub outcomes: Sectioned,
    pub reflection: PhraseSet,
    pub stance: PhraseSet,
    pub reasoning: Sectioned,
    pub skills: Sectioned,
    pub skills_shown: Sectioned,
    pub fillers_always: Sectioned,
    pub fillers_comma: Sectioned,
    pub hedges: Sectioned,
    pub cliches: Sectioned,
    pub negativity: Sectioned,
    pub red_flags: Sectioned,
    /// Words skipped inside a red flag's phrase: intensifiers ("can't *really* think of
    /// one") and one-word fillers ("not my *um* job").
    pub skippable: HashSet<String>,
    /// The phrases of the non-story rubrics' signals, by section (`rubrics.txt`).
    pub rubrics: Sectioned,
    pub honesty: PhraseSet,
    pub difficulty: PhraseSet,
    pub specifics: PhraseSet,
}

impl Compiled {
    pub fn new(analyzer: &Analyzer, lexicons: &Lexicons) -> Compiled {
        let words = |name: &str, section: Option<&str>| -> HashSet<String> {
            lexicons
                .get(name)
                .map(|l| match section {
                    Some(s) => l.section(s).to_vec(),
                    None => l.all().map(str::to_string).collect(),
                })
                .unwrap_or_default()
                .into_iter()
                .collect()
        };
        let phrases = |name: &str| -> PhraseSet {
            let all: Vec<String> = lexicons
                .get(name)
                .map(|l| l.all().map(str::to_string).collect())
                .unwrap_or_default();
            PhraseSet::new(analyzer, all.iter().map(String::as_str))
        };
        let sectioned = |name: &str| Sectioned::new(analyzer, lexicons, name, None);
        let section = |name: &str, s: &str| Sectioned::new(analyzer, lexicons, name, Some(s));
        // Past-tense word lists compare folded words, not stems, so "felt" is not "feel".
        Compiled {
            stopwords: words("stopwords", None),
            languages: lexicons
                .get("languages")
                .map(|l| {
                    l.sections
                        .iter()
                        .filter(|(code, _)| !code.is_empty())
                        .map(|(code, words)| {
                            (code.clone(), words.iter().map(|w| fold(w)).collect())
                        })
                        .collect()
                })
                .unwrap_or_default(),
            first_person: words("pronouns", Some("first-person")),
            first_subject: words("pronouns", Some("first-subject")),
            customer: words("pronouns", Some("customer")),
            customer_noun: words("pronouns", Some("customer-noun")),
            past_action: words("past", Some("action")),
            past_state: words("past", Some("state")),
            not_past: words("not-past", None),
            present: words("present", None),
            anchors: phrases("anchors"),
            hypothetical: phrases("hypothetical"),
            reported: words("reported", None),
            habitual: phrases("habitual"),
            outcomes: sectioned("outcomes"),
            reflection: phrases("reflection"),
            stance: phrases("stance"),
            reasoning: sectioned("reasoning"),
            skills: sectioned("skills"),
            skills_shown: sectioned("skills-shown"),
            fillers_always: section("fillers", "always"),
            fillers_comma: section("fillers", "comma"),
            hedges: sectioned("hedges"),
            cliches: sectioned("cliches"),
            negativity: sectioned("negativity"),
            red_flags: sectioned("red-flags"),
            skippable: words("intensifiers", None)
                .into_iter()
                .chain(
                    words("fillers", None)
                        .into_iter()
                        .filter(|w| !w.contains(' ')),
                )
                .map(|w| fold(&w))
                .collect(),
            rubrics: sectioned("rubrics"),
            honesty: phrases("honesty"),
            difficulty: phrases("difficulty"),
            specifics: phrases("specifics"),
        }
    }
}
