//! What made the difference between two drafts of an answer: each change from the old
//! draft to the new one is undone in turn and the new draft scored again without it; the
//! change whose undoing moves the score most is the one that made the most difference.

use rapport_text::diff;

use crate::{Engine, ScoreError, SentenceCache};

/// The most changes priced for one comparison (the largest, by how much text they
/// touch): each costs one scoring.
pub const MAX_CHANGES_PRICED: usize = 12;

/// The one change that made the most difference to the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// What the old draft had at this place (may be empty: an addition).
    pub deleted: String,
    /// What the new draft has at this place (may be empty: a cut).
    pub inserted: String,
    /// The new draft's score with this change undone.
    pub without: u8,
    /// The new draft's score.
    pub with: u8,
}

impl Engine {
    /// Which single change from `old` to `new` moved the score of `new` most in the
    /// direction it went: when the score rose, the change whose undoing costs the most
    /// points; when it fell, the one whose undoing gives back the most. `None` when the
    /// drafts are the same, no change moves the score, or `new` cannot be scored.
    pub fn biggest_difference(
        &self,
        question_id: &str,
        old: &str,
        new: &str,
    ) -> Result<Option<Difference>, ScoreError> {
        // The drafts share most of their sentences: with the model, each sentence is
        // embedded once for all the scorings below.
        let cache = SentenceCache::new();
        let score = |text: &str| self.score_live(question_id, text, &cache);
        let with = score(new)?.score;
        let before = score(old).map_or(with, |r| r.score);
        let pieces = diff::words(old, new);
        let mut hunks = diff::hunks(&pieces);
        hunks.sort_by_key(|h| std::cmp::Reverse(h.deleted.len() + h.inserted.len()));
        hunks.truncate(MAX_CHANGES_PRICED);
        let rose = with >= before;
        let mut best: Option<(i32, Difference)> = None;
        for hunk in hunks {
            // A draft the engine refuses (too short, say) is not a price.
            let Ok(report) = score(&hunk.undone()) else {
                continue;
            };
            let effect = i32::from(with) - i32::from(report.score);
            let effect = if rose { effect } else { -effect };
            if effect > 0 && best.as_ref().is_none_or(|(e, _)| effect > *e) {
                best = Some((
                    effect,
                    Difference {
                        deleted: hunk.deleted.trim().to_owned(),
                        inserted: hunk.inserted.trim().to_owned(),
                        without: report.score,
                        with,
                    },
                ));
            }
        }
        Ok(best.map(|(_, d)| d))
    }
}
