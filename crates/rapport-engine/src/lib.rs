//! The scoring engine: an answer and an answer guide in, an explainable report out.
//!
//! The engine is pure: no disk, network or clock. The same guides, lexicons and answer
//! give the same report, always. Scoring runs as a pipeline: the text is analysed
//! (`rapport-text`), each sentence is read for structural features (`features`), every
//! step of the guide is detected from its signal, cues and examples (`detect`), the five
//! tips and delivery are checked (`tips`, `delivery`), and `score` turns the verdicts into
//! a score, a band, feedback ordered by what would lift the answer most, and strengths.

mod change;
mod delivery;
mod detect;
mod embed;
mod error;
pub mod eval;
mod features;
pub mod fitted;
pub mod fitting;
mod guide;
mod lexicon;
mod matching;
mod report;
mod score;
mod semantic;
mod tips;
mod validate;

pub use change::{Difference, MAX_CHANGES_PRICED};
pub use embed::{EmbedError, Embedder};
pub use error::{MAX_ANSWER_CHARS, ScoreError};
pub use report::{
    BEGUN, Band, Comparison, Criterion, Delivery, Evidence, Found, GuideMatch, Report,
};
pub use semantic::SentenceCache;

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use rapport_pack::{Guide, Lexicons, Stage};
use rapport_text::Analyzer;

use crate::guide::CompiledGuide;
use crate::lexicon::Compiled;
use crate::matching::{CLOSE, CLOSE_WITHOUT_CUSTOMER, QuestionIndex};

/// The id of the general behavioural guide used when a free question matches no guide.
pub const GENERAL_ID: &str = rapport_pack::RESERVED_GUIDE_ID;

/// The general behavioural guide's source, shipped with the engine.
const GENERAL_PACK: &str = include_str!("../../../packs/general/pack.toml");

/// Scores answers against a fixed set of guides.
///
/// Guides are compiled for scoring the first time they are used, and the free-question
/// index the first time a free question comes in: a `rapport score` process pays only
/// for the guide it scores against.
pub struct Engine {
    analyzer: Analyzer,
    lex: Compiled,
    /// The loaded guides, then the general guide last.
    guides: Vec<Guide>,
    compiled: Vec<OnceLock<CompiledGuide>>,
    /// For each guide, each step's words weighted by specificity (see `guide::weigh`).
    vocabularies: Vec<Vec<HashMap<String, f32>>>,
    index: OnceLock<QuestionIndex>,
    skill_names: Vec<String>,
    semantic: Option<semantic::Semantic>,
    /// The fitted score's coefficients, one per engine (see [`Engine::set_scoring`]).
    fits: Vec<rapport_pack::Fit>,
}

impl Engine {
    /// Builds an engine over these guides (already merged, ids unique) and lexicons.
    pub fn new(guides: Vec<Guide>, lexicons: &Lexicons) -> Engine {
        let analyzer = Analyzer::new();
        let lex = Compiled::new(&analyzer, lexicons);
        let general = general_guide();
        let mut guides = guides;
        guides.push(general);
        // Each step's words, once: weighted by how specific they are across all steps.
        let words: Vec<Vec<_>> = guides
            .iter()
            .map(|g| {
                g.steps
                    .iter()
                    .map(|s| guide::step_words(&analyzer, &lex, s))
                    .collect()
            })
            .collect();
        let specificity = guide::specificity(words.iter().flatten());
        let vocabularies = words
            .into_iter()
            .map(|steps| {
                steps
                    .into_iter()
                    .map(|w| guide::weigh(w, &specificity))
                    .collect()
            })
            .collect();
        let skill_names = lex.skills.names.clone();
        Engine {
            analyzer,
            lex,
            compiled: guides.iter().map(|_| OnceLock::new()).collect(),
            guides,
            vocabularies,
            index: OnceLock::new(),
            skill_names,
            semantic: None,
            fits: Vec::new(),
        }
    }

    /// Builds an engine over every guide of these packs, scoring with the fitted score of
    /// the last pack that ships one (the built-in pack's, unless a later pack brings its
    /// own). This is how the CLI and the web app build theirs.
    pub fn from_packs(packs: &[rapport_pack::Pack], lexicons: &Lexicons) -> Engine {
        let guides = packs
            .iter()
            .flat_map(|p| p.guides.iter().cloned())
            .collect();
        let mut engine = Engine::new(guides, lexicons);
        if let Some(pack) = packs.iter().rev().find(|p| !p.scoring.is_empty()) {
            engine.set_scoring(pack.scoring.clone());
        }
        engine
    }

    /// Scores with these fitted coefficients (a pack's `scoring`): the fit for the engine
    /// that judges decides which steps are taken and the score. Without a fit for it
    /// (an empty list), the hand-set rules do.
    pub fn set_scoring(&mut self, fits: Vec<rapport_pack::Fit>) {
        self.fits = fits;
    }

    /// The fit in use for the engine that judges, if any.
    pub fn fit(&self, engine: &str) -> Option<&rapport_pack::Fit> {
        self.fits.iter().find(|f| f.engine == engine)
    }

    /// What the fitted models read on this answer, without applying any fit: for
    /// fitting them (`cargo xtask fit`).
    pub fn measure(&self, question_id: &str, answer: &str) -> Result<fitted::Measures, ScoreError> {
        Ok(self.run(self.known(question_id)?, answer, None, false)?.1)
    }

    /// Adds matching by meaning: every prototype sentence of every guide (step examples,
    /// marked sample passages, questions) is embedded, except those in `cached` (from
    /// [`Engine::prototype_vectors`] of an earlier run with the same
    /// [`Engine::prototype_key`] and model). On error the engine stays lexical.
    pub fn enable_semantic(
        &mut self,
        embedder: std::sync::Arc<dyn Embedder>,
        cached: Vec<(String, Vec<f32>)>,
    ) -> Result<(), EmbedError> {
        let semantic = semantic::Semantic::new(embedder, &self.guides, cached)?;
        self.semantic = Some(semantic);
        // Guides compiled before this point carry no prototypes: compile them again.
        self.compiled = self.guides.iter().map(|_| OnceLock::new()).collect();
        self.index = OnceLock::new();
        Ok(())
    }

    /// Which engine scores: `semantic` once a model is enabled, else `lexical`.
    pub fn engine_name(&self) -> &'static str {
        if self.semantic.is_some() {
            "semantic"
        } else {
            "lexical"
        }
    }

    /// The prototype vectors, for the caller to cache between runs.
    pub fn prototype_vectors(&self) -> Vec<(String, Vec<f32>)> {
        let mut out: Vec<(String, Vec<f32>)> = self
            .semantic
            .iter()
            .flat_map(|s| s.prototypes.iter().map(|(t, v)| (t.clone(), v.to_vec())))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// A key that changes whenever any prototype text changes (64-bit FNV-1a over every
    /// guide's prototypes, in hex). Combine it with the model's id to key a cache.
    pub fn prototype_key(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for text in self.guides.iter().flat_map(semantic::guide_prototypes) {
            for byte in text.bytes().chain([0]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }

    /// Scores an edited answer, re-embedding only the sentences `cache` has not seen:
    /// the live checklist calls this on every pause in typing.
    pub fn score_live(
        &self,
        question_id: &str,
        answer: &str,
        cache: &SentenceCache,
    ) -> Result<Report, ScoreError> {
        self.score_cached(self.known(question_id)?, answer, Some(cache))
    }

    /// The compiled guide with this id, or the error that names it with a suggestion.
    fn known(&self, question_id: &str) -> Result<&CompiledGuide, ScoreError> {
        self.compiled(question_id)
            .ok_or_else(|| ScoreError::UnknownQuestion {
                id: question_id.to_string(),
                suggestion: self.suggest_id(question_id),
            })
    }

    /// The loaded guides, without the general one.
    fn loaded(&self) -> &[Guide] {
        &self.guides[..self.guides.len() - 1]
    }

    /// All guides, in load order (the general guide is not among them).
    pub fn guides(&self) -> impl ExactSizeIterator<Item = &Guide> {
        self.loaded().iter()
    }

    /// The guide with this id, including `general`.
    pub fn guide(&self, id: &str) -> Option<&Guide> {
        self.position(id).map(|i| &self.guides[i])
    }

    fn position(&self, id: &str) -> Option<usize> {
        if id == GENERAL_ID {
            return Some(self.guides.len() - 1);
        }
        self.loaded().iter().position(|g| g.id == id)
    }

    fn compiled(&self, id: &str) -> Option<&CompiledGuide> {
        let i = self.position(id)?;
        Some(self.compiled[i].get_or_init(|| {
            CompiledGuide::new(
                &self.analyzer,
                &self.lex,
                self.guides[i].clone(),
                self.vocabularies[i].clone(),
                self.semantic.as_ref(),
            )
        }))
    }

    fn index(&self) -> &QuestionIndex {
        self.index
            .get_or_init(|| QuestionIndex::new(&self.analyzer, &self.lex, self.loaded()))
    }

    /// Scores an answer to the guide with this id.
    pub fn score(&self, question_id: &str, answer: &str) -> Result<Report, ScoreError> {
        self.score_cached(self.known(question_id)?, answer, None)
    }

    /// Scores an answer to a free question: against the closest guide when one is close,
    /// else against the general behavioural guide. `Report::matched` says which.
    pub fn score_question_text(&self, question: &str, answer: &str) -> Result<Report, ScoreError> {
        if question.trim().is_empty() {
            return Err(ScoreError::EmptyQuestion);
        }
        let matched = self.match_question(question);
        let guide = self
            .compiled(&matched.guide_id)
            .or_else(|| self.compiled(GENERAL_ID))
            .ok_or(ScoreError::EmptyQuestion)?;
        let mut report = self.score_cached(guide, answer, None)?;
        report.matched = Some(matched);
        Ok(report)
    }

    /// The guide a free question is closest to, and how close.
    pub fn match_question(&self, question: &str) -> GuideMatch {
        let mut scores = self.index().scores(&self.analyzer, &self.lex, question);
        // By meaning too, when a model is enabled: the closest of each guide's question
        // and rewordings. A model that fails here leaves the lexical match.
        let question_vector = self
            .semantic
            .as_ref()
            .and_then(|s| s.embedder.embed(&[question]).ok())
            .and_then(|v| v.into_iter().next());
        if let (Some(semantic), Some(q)) = (&self.semantic, question_vector) {
            for (score, guide) in scores.iter_mut().zip(self.loaded()) {
                let phrasings: Vec<String> = std::iter::once(&guide.question)
                    .chain(&guide.rewordings)
                    .cloned()
                    .collect();
                let cos = semantic
                    .vectors(&phrasings)
                    .iter()
                    .map(|(_, p)| semantic::cosine(&q, p))
                    .fold(0.0, f32::max);
                *score = 0.5 * *score + 0.5 * semantic::question_closeness(cos);
            }
        }
        match matching::best(&scores) {
            Some((i, similarity)) => {
                let closest_id = self.guides[i].id.clone();
                let names_customer = self
                    .analyzer
                    .analyze(question)
                    .tokens
                    .iter()
                    .any(|t| self.lex.customer_noun.contains(&t.folded));
                let close = if names_customer {
                    CLOSE
                } else {
                    CLOSE_WITHOUT_CUSTOMER
                };
                let guide_id = if similarity >= close {
                    closest_id.clone()
                } else {
                    GENERAL_ID.to_string()
                };
                GuideMatch {
                    guide_id,
                    closest_id,
                    similarity,
                }
            }
            None => GuideMatch {
                guide_id: GENERAL_ID.into(),
                closest_id: GENERAL_ID.into(),
                similarity: 0.0,
            },
        }
    }

    /// The known guide id closest to `id`, for "did you mean".
    pub fn suggest_id(&self, id: &str) -> Option<String> {
        if id.trim().is_empty() {
            return None;
        }
        matching::suggest(id, self.loaded().iter().map(|g| g.id.as_str()))
    }

    fn score_cached(
        &self,
        guide: &CompiledGuide,
        answer: &str,
        cache: Option<&SentenceCache>,
    ) -> Result<Report, ScoreError> {
        Ok(self.run(guide, answer, cache, true)?.0)
    }

    fn run(
        &self,
        guide: &CompiledGuide,
        answer: &str,
        cache: Option<&SentenceCache>,
        fitted: bool,
    ) -> Result<(Report, fitted::Measures), ScoreError> {
        validate::check_text(answer)?;
        let analysis = self.analyzer.analyze(answer);
        validate::check_english(answer, &analysis, &self.lex)?;
        let mut feats = features::extract(answer, &analysis, &self.lex);
        let mut engine = "lexical";
        if let Some(semantic) = &self.semantic {
            let sentences: Vec<&str> = feats.iter().map(|f| &answer[f.range.clone()]).collect();
            let scratch;
            let cache = match cache {
                Some(cache) => cache,
                None => {
                    scratch = SentenceCache::new();
                    &scratch
                }
            };
            // A model that fails on this answer leaves it to the lexical rules rather than
            // failing the practice session; the report says which engine judged.
            if let Ok(vectors) = cache.embed(semantic.embedder.as_ref(), &sentences) {
                for (f, v) in feats.iter_mut().zip(vectors) {
                    f.meaning = Some(v);
                }
                engine = "semantic";
            }
        }
        let fit = self.fit(engine).filter(|_| fitted);
        let (mut report, measures) = score::report(
            guide,
            answer,
            &analysis,
            &feats,
            &self.lex,
            &self.skill_names,
            fit,
        );
        report.engine = engine;
        Ok((report, measures))
    }

    /// `count` guides in interview order (opening, then core, then closing), chosen by
    /// `seed`: the same seed always gives the same interview.
    pub fn interview(&self, count: usize, seed: u64) -> Vec<&Guide> {
        self.interview_from(count, seed, |_| true)
    }

    /// As [`Engine::interview`], drawing only from the guides `keep` accepts (a mock
    /// interview over the packs a user picked).
    pub fn interview_from(
        &self,
        count: usize,
        seed: u64,
        keep: impl Fn(&Guide) -> bool,
    ) -> Vec<&Guide> {
        let mut rng = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut pool: Vec<&Guide> = self.guides().collect();
        // Fisher-Yates with a tiny xorshift: deterministic and dependency-free. The whole
        // bank is shuffled before `keep` filters it, so a guide's place in the order does
        // not depend on which others are kept.
        for i in (1..pool.len()).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            pool.swap(i, j);
        }
        pool.retain(|g| keep(g));
        // One opening and one closing question when there is room; the rest core.
        let count = count.min(pool.len());
        let mut chosen: Vec<&Guide> = Vec::new();
        for (stage, n) in [(Stage::Opening, count >= 2), (Stage::Closing, count >= 3)] {
            chosen.extend(
                pool.iter()
                    .filter(|g| g.stage == stage)
                    .take(usize::from(n)),
            );
        }
        for g in pool.iter().filter(|g| g.stage == Stage::Core).chain(&pool) {
            if chosen.len() >= count {
                break;
            }
            if !chosen.iter().any(|c| c.id == g.id) {
                chosen.push(g);
            }
        }
        chosen.sort_by_key(|g| g.stage);
        chosen
    }
}

/// Sums floats in a fixed order. Hash sets and maps iterate in a different order in
/// every process, and float addition is not associative, so summing them directly would
/// break "same input, same output".
pub(crate) fn sum_sorted(values: impl Iterator<Item = f32>) -> f32 {
    let mut values: Vec<f32> = values.collect();
    values.sort_by(f32::total_cmp);
    values.iter().sum()
}

/// The general behavioural guide: situation, actions, outcome, reflection.
fn general_guide() -> Guide {
    let load =
        rapport_pack::parse_pack(&[("builtin:general/pack.toml".into(), GENERAL_PACK.into())]);
    // The file is part of the build and its validity is a tested invariant, so a guide
    // is always there; the fallback keeps the engine total even so.
    load.pack
        .and_then(|p| p.guides.into_iter().find(|g| g.id == GENERAL_ID))
        .unwrap_or_else(|| Guide {
            id: GENERAL_ID.into(),
            question: "Tell me about a time you handled a challenge at work.".into(),
            rewordings: Vec::new(),
            assesses: String::new(),
            skills: Vec::new(),
            stage: Stage::Core,
            kind: rapport_pack::Kind::Story,
            steps: Vec::new(),
            samples: Vec::new(),
            pitfalls: Vec::new(),
            origin: Default::default(),
        })
}
