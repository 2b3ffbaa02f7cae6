//! Stemming: English Porter2 stems, so "followed up" matches the cue "follow up".

/// An English stemmer.
pub struct Stemmer(rust_stemmers::Stemmer);

impl Default for Stemmer {
    fn default() -> Self {
        Stemmer(rust_stemmers::Stemmer::create(
            rust_stemmers::Algorithm::English,
        ))
    }
}

impl Stemmer {
    /// The stem of an already folded word. Contractions and numbers are kept whole.
    pub fn stem(&self, folded: &str) -> String {
        if folded.contains('\'') || folded.chars().any(|c| c.is_ascii_digit()) {
            return folded.to_string();
        }
        self.0.stem(folded).into_owned()
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
