//! The plumbing of matching by meaning, with a small deterministic stand-in for the model
//! (words hashed into a vector): prototypes are embedded once and can be cached, the live
//! API re-embeds only changed sentences, a failing model leaves scoring lexical, and the
//! report says which engine judged. The real model's quality is tested in rapport-embed
//! and measured by `rapport eval`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rapport_engine::{EmbedError, Embedder, Engine, SentenceCache};

/// Hashes each lower-cased word into one of 64 buckets; unit length.
struct Hashed {
    calls: AtomicUsize,
    sentences: Mutex<Vec<String>>,
    fail: bool,
}

impl Hashed {
    fn new(fail: bool) -> Arc<Hashed> {
        Arc::new(Hashed {
            calls: AtomicUsize::new(0),
            sentences: Mutex::new(Vec::new()),
            fail,
        })
    }

    fn embedded(&self) -> usize {
        self.sentences.lock().map(|s| s.len()).unwrap_or(0)
    }
}

impl Embedder for Hashed {
    fn id(&self) -> &str {
        "hashed-64"
    }

    fn dimension(&self) -> usize {
        64
    }

    fn embed(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.fail {
            return Err(EmbedError("the stand-in model always fails".into()));
        }
        if let Ok(mut seen) = self.sentences.lock() {
            seen.extend(sentences.iter().map(|s| s.to_string()));
        }
        Ok(sentences
            .iter()
            .map(|s| {
                let mut v = vec![0.0f32; 64];
                for w in s.split_whitespace() {
                    let h = w
                        .to_lowercase()
                        .bytes()
                        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
                    v[(h % 64) as usize] += 1.0;
                }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter().map(|x| x / n).collect()
            })
            .collect())
    }
}

fn fresh() -> Engine {
    let guides = rapport_pack::builtin_packs()
        .into_iter()
        .flat_map(|load| load.pack)
        .flat_map(|p| p.guides)
        .collect();
    Engine::new(guides, &rapport_pack::builtin_lexicons())
}

const ANSWER: &str = "Last March a guest at our hotel was furious because his room was not ready. \
I apologised and moved him to a larger room. He thanked me at checkout.";

#[test]
fn prototypes_are_embedded_once_and_reused_from_a_cache() {
    let model = Hashed::new(false);
    let mut engine = fresh();
    assert_eq!(engine.engine_name(), "lexical");
    engine
        .enable_semantic(model.clone(), Vec::new())
        .expect("stand-in model works");
    assert_eq!(engine.engine_name(), "semantic");
    let first = model.embedded();
    assert!(
        first > 500,
        "every guide's prototypes are embedded: {first}"
    );
    let cached = engine.prototype_vectors();
    assert_eq!(cached.len(), first);

    let again = Hashed::new(false);
    let mut second = fresh();
    assert_eq!(
        second.prototype_key(),
        engine.prototype_key(),
        "same packs, same key"
    );
    second
        .enable_semantic(again.clone(), cached)
        .expect("stand-in model works");
    assert_eq!(again.embedded(), 0, "a full cache embeds nothing");
}

#[test]
fn reports_say_which_engine_judged_and_a_failing_model_falls_back() {
    let mut engine = fresh();
    engine
        .enable_semantic(Hashed::new(false), Vec::new())
        .expect("stand-in model works");
    let r = engine.score("difficult-customer", ANSWER).expect("scores");
    assert_eq!(r.engine, "semantic");

    let mut broken = fresh();
    assert!(
        broken
            .enable_semantic(Hashed::new(true), Vec::new())
            .is_err()
    );
    assert_eq!(
        broken.engine_name(),
        "lexical",
        "a model that fails to start leaves the engine lexical"
    );
    let r = broken.score("difficult-customer", ANSWER).expect("scores");
    assert_eq!(r.engine, "lexical");
}

#[test]
fn live_rescoring_embeds_only_the_sentences_that_changed() {
    let model = Hashed::new(false);
    let mut engine = fresh();
    engine
        .enable_semantic(model.clone(), Vec::new())
        .expect("stand-in model works");
    let cache = SentenceCache::new();
    let before = model.embedded();
    engine
        .score_live("difficult-customer", ANSWER, &cache)
        .expect("scores");
    assert_eq!(model.embedded() - before, 3, "three new sentences");
    let edited = format!("{ANSWER} He has booked with us twice since.");
    let before = model.embedded();
    let r = engine
        .score_live("difficult-customer", &edited, &cache)
        .expect("scores");
    assert_eq!(
        model.embedded() - before,
        1,
        "only the added sentence is embedded"
    );
    assert_eq!(cache.len(), 4);
    assert_eq!(
        r,
        engine.score("difficult-customer", &edited).expect("scores"),
        "live and one-shot agree"
    );
}
