//! Stemming: English Porter2 stems, so "followed up" matches the cue "follow up".

use rustc_hash::FxHashMap as HashMap;
use std::sync::Mutex;

/// An English stemmer that remembers the words it has stemmed: packs and answers repeat
/// the same few thousand words, and a lookup is much cheaper than the algorithm.
pub struct Stemmer {
    stemmer: rust_stemmers::Stemmer,
    seen: Mutex<HashMap<String, String>>,
}

impl Default for Stemmer {
    fn default() -> Self {
        Stemmer {
            stemmer: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
            seen: Mutex::new(HashMap::default()),
        }
    }
}

/// Beyond this many remembered words the cache stops growing, so a long-running server
/// fed unusual text keeps a bounded memory.
const MAX_REMEMBERED: usize = 50_000;

impl Stemmer {
    /// The stem of an already folded word. Contractions and numbers are kept whole.
    pub fn stem(&self, folded: &str) -> String {
        if folded.contains('\'') || folded.chars().any(|c| c.is_ascii_digit()) {
            return folded.to_string();
        }
        // A poisoned lock only means another thread panicked mid-insert; the map itself
        // is still a valid cache, so keep using it.
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(stem) = seen.get(folded) {
            return stem.clone();
        }
        let stem = self.stemmer.stem(folded).into_owned();
        if seen.len() < MAX_REMEMBERED {
            seen.insert(folded.to_string(), stem.clone());
        }
        stem
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stems_inflections_together() {
        let s = super::Stemmer::default();
        assert_eq!(s.stem("followed"), s.stem("following"));
        assert_eq!(s.stem("listens"), s.stem("listening"));
        assert_eq!(s.stem("didn't"), "didn't");
    }
}
