//! Matching by meaning: prototype sentences from the packs, embedded once, compared with
//! the answer's sentences by cosine similarity.
//!
//! The engine stays pure: the embedder is a trait object handed in by the caller, and
//! prototype vectors come in and go out as plain data so the caller can cache them on
//! disk, keyed by [`crate::Engine::prototype_key`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rapport_pack::Guide;

use crate::embed::{EmbedError, Embedder};

/// Cosine similarity at or below which two sentences share nothing useful; MiniLM puts
/// unrelated sentences around 0.0–0.25 and paraphrases around 0.5–0.8. The three
/// constants were chosen on the dev set (exact band 74.7% → 75.8% over the first guess).
const FLOOR: f32 = 0.4;
/// Cosine similarity at which a sentence counts as saying the same thing.
const FULL: f32 = 0.7;
/// The most that meaning alone contributes: it never takes a step without the cues,
/// examples or structure agreeing a little.
const TOP: f32 = 0.8;

/// The model and the prototype vectors it gave.
pub(crate) struct Semantic {
    pub embedder: Arc<dyn Embedder>,
    pub prototypes: HashMap<String, Arc<[f32]>>,
}

/// The texts that stand for each step of a guide: its example sentences and the passages
/// of the sample answers marked with it.
pub(crate) fn step_prototypes(guide: &Guide, step: &str) -> Vec<String> {
    let mut out: Vec<String> = guide
        .step(step)
        .map(|s| s.examples.clone())
        .unwrap_or_default();
    for sample in &guide.samples {
        for (id, passages) in &sample.marks {
            if id == step {
                out.extend(passages.iter().cloned());
            }
        }
    }
    out
}

/// Every prototype text of a guide: its steps' prototypes, its question and rewordings.
pub(crate) fn guide_prototypes(guide: &Guide) -> Vec<String> {
    let mut out: Vec<String> = guide
        .steps
        .iter()
        .flat_map(|s| step_prototypes(guide, &s.id))
        .collect();
    out.push(guide.question.clone());
    out.extend(guide.rewordings.iter().cloned());
    out
}

impl Semantic {
    /// Embeds every prototype not already in `cached`, in batches.
    pub fn new(
        embedder: Arc<dyn Embedder>,
        guides: &[Guide],
        cached: Vec<(String, Vec<f32>)>,
    ) -> Result<Semantic, EmbedError> {
        let dimension = embedder.dimension();
        let mut prototypes: HashMap<String, Arc<[f32]>> = cached
            .into_iter()
            .filter(|(_, v)| v.len() == dimension)
            .map(|(t, v)| (t, Arc::from(v)))
            .collect();
        let mut missing: Vec<String> = guides
            .iter()
            .flat_map(guide_prototypes)
            .filter(|t| !prototypes.contains_key(t))
            .collect();
        missing.sort();
        missing.dedup();
        for chunk in missing.chunks(64) {
            let texts: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let vectors = embedder.embed(&texts)?;
            if vectors.len() != texts.len() {
                return Err(EmbedError(format!(
                    "the model returned {} vectors for {} sentences",
                    vectors.len(),
                    texts.len()
                )));
            }
            for (t, v) in chunk.iter().zip(vectors) {
                prototypes.insert(t.clone(), Arc::from(v));
            }
        }
        Ok(Semantic {
            embedder,
            prototypes,
        })
    }

    /// The vectors of these texts, in order, skipping any not embedded.
    pub fn vectors(&self, texts: &[String]) -> Vec<(String, Arc<[f32]>)> {
        texts
            .iter()
            .filter_map(|t| self.prototypes.get(t).map(|v| (t.clone(), v.clone())))
            .collect()
    }
}

/// Average closeness of an answer's sentences to the guide's prototypes below which the
/// answer is about something else entirely (on the dev set, answers to other customer
/// questions sit at 0.30–0.50 and on-topic ones at 0.30–0.76: the guard is for answers
/// about a different subject altogether).
pub(crate) const OFF_TOPIC: f32 = 0.25;

/// Maps the cosine between two questions to 0.0–1.0: rewordings of one question sit
/// around 0.6–0.9 with MiniLM, different questions on the same theme around 0.3–0.5.
pub(crate) fn question_closeness(cos: f32) -> f32 {
    ((cos - 0.2) / 0.6).clamp(0.0, 1.0)
}

/// Dot product of two unit vectors: their cosine similarity.
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The closest prototype to a sentence's vector: its index, the similarity, and the
/// similarity mapped to a partial strength between 0.0 and [`TOP`].
pub(crate) fn closest(
    meaning: &[f32],
    prototypes: &[(String, Arc<[f32]>)],
) -> Option<(usize, f32, f32)> {
    if meaning.is_empty() {
        return None;
    }
    prototypes
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (i, cosine(meaning, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, cos)| (i, cos, strength(cos)))
}

/// Maps a cosine similarity to a partial strength.
pub(crate) fn strength(cos: f32) -> f32 {
    (((cos - FLOOR) / (FULL - FLOOR)).clamp(0.0, 1.0)) * TOP
}

/// A cache of answer-sentence vectors keyed by sentence text, for live re-scoring: an
/// edit re-embeds only the sentences that changed.
///
/// One cache can be shared by many threads (a server's requests): the lock is held only
/// to look vectors up and to add them, never while the model runs. When adding would
/// take it past its limit it starts again empty, so it never grows without bound.
pub struct SentenceCache {
    vectors: Mutex<HashMap<String, Arc<[f32]>>>,
    limit: usize,
}

impl Default for SentenceCache {
    fn default() -> SentenceCache {
        SentenceCache::with_limit(SentenceCache::DEFAULT_LIMIT)
    }
}

impl SentenceCache {
    /// How many sentences a cache from [`SentenceCache::new`] holds before it starts
    /// again: about 15 MB of vectors.
    pub const DEFAULT_LIMIT: usize = 10_000;

    /// An empty cache holding up to [`SentenceCache::DEFAULT_LIMIT`] sentences.
    pub fn new() -> SentenceCache {
        SentenceCache::default()
    }

    /// An empty cache holding up to `limit` sentences.
    pub fn with_limit(limit: usize) -> SentenceCache {
        SentenceCache {
            vectors: Mutex::new(HashMap::new()),
            limit,
        }
    }

    /// How many sentences it holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// The map; a panic elsewhere while it was held leaves nothing half-written (every
    /// change is one insert or one clear), so a poisoned lock is still safe to use.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<[f32]>>> {
        self.vectors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The vectors of `sentences`, embedding only those not seen before.
    pub(crate) fn embed(
        &self,
        embedder: &dyn Embedder,
        sentences: &[&str],
    ) -> Result<Vec<Arc<[f32]>>, EmbedError> {
        let mut known: HashMap<&str, Arc<[f32]>> = HashMap::new();
        let mut missing: Vec<&str> = Vec::new();
        {
            let vectors = self.lock();
            for s in sentences {
                match vectors.get(*s) {
                    Some(v) => {
                        known.insert(s, v.clone());
                    }
                    None => missing.push(s),
                }
            }
        }
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let fresh = embedder.embed(&missing)?;
            let mut vectors = self.lock();
            if vectors.len() + missing.len() > self.limit {
                vectors.clear();
            }
            for (s, v) in missing.iter().zip(fresh) {
                let v: Arc<[f32]> = Arc::from(v);
                if missing.len() <= self.limit {
                    vectors.insert((*s).to_string(), v.clone());
                }
                known.insert(s, v);
            }
        }
        sentences
            .iter()
            .map(|s| {
                known
                    .get(*s)
                    .cloned()
                    .ok_or_else(|| EmbedError(format!("no vector for sentence \"{s}\"")))
            })
            .collect()
    }
}
