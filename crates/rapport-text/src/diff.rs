//! What changed between two drafts of an answer, word by word: the longest common
//! subsequence of their words, with each word's trailing spaces kept so that the pieces
//! put together give back either draft exactly.

/// One piece of a word diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// In both drafts.
    Same(&'a str),
    /// Only in the old draft.
    Deleted(&'a str),
    /// Only in the new draft.
    Inserted(&'a str),
}

/// A run of changes between two unchanged stretches: what the old draft had there and
/// what the new one has, either possibly empty (`Hunk::pieces` indexes the diff it came
/// from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk<'a> {
    /// The old draft's text at this place.
    pub deleted: String,
    /// The new draft's text at this place.
    pub inserted: String,
    pieces: std::ops::Range<usize>,
    diff: &'a [Piece<'a>],
}

impl Hunk<'_> {
    /// The new draft with this one change undone: the old text at this place, the new
    /// text everywhere else.
    pub fn undone(&self) -> String {
        let mut out = String::new();
        for (i, piece) in self.diff.iter().enumerate() {
            let inside = self.pieces.contains(&i);
            match piece {
                Piece::Same(t) => out.push_str(t),
                Piece::Deleted(t) if inside => out.push_str(t),
                Piece::Inserted(t) if !inside => out.push_str(t),
                _ => {}
            }
        }
        out
    }
}

/// The longest changed stretch (what is left once the words the drafts start and end
/// with alike are set aside) compared word by word, in words on each side; a longer one
/// is shown as cut and added whole (the table grows as the product of the two: 1,000
/// words a side is 4 MB).
pub const MAX_DIFF_WORDS: usize = 1000;

/// Splits text into words, each with the whitespace that follows it (leading whitespace
/// is a piece of its own).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = true;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if !space && in_space && i > start {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = space;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The word diff from `old` to `new`: the [`Piece::Same`] and [`Piece::Inserted`] pieces
/// in order give back `new`; the [`Piece::Same`] and [`Piece::Deleted`] ones give back
/// the words of `old`. A word differing only in the space after it counts as the same
/// word, and carries the new draft's spacing.
pub fn words<'a>(old: &'a str, new: &'a str) -> Vec<Piece<'a>> {
    let a = tokens(old);
    let b = tokens(new);
    let key = |t: &str| t.trim_end().to_owned();
    let (ka, kb): (Vec<String>, Vec<String>) = (
        a.iter().map(|t| key(t)).collect(),
        b.iter().map(|t| key(t)).collect(),
    );
    // A retry mostly keeps the start and the end: only the middle needs the table.
    let prefix = ka.iter().zip(&kb).take_while(|(x, y)| x == y).count();
    let suffix = ka[prefix..]
        .iter()
        .rev()
        .zip(kb[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (a.len() - prefix - suffix, b.len() - prefix - suffix);
    let mut out: Vec<Piece<'a>> = b[..prefix].iter().map(|t| Piece::Same(t)).collect();
    if ma > MAX_DIFF_WORDS || mb > MAX_DIFF_WORDS {
        out.extend(a[prefix..prefix + ma].iter().map(|t| Piece::Deleted(t)));
        out.extend(b[prefix..prefix + mb].iter().map(|t| Piece::Inserted(t)));
    } else {
        out.extend(middle(
            &a[prefix..prefix + ma],
            &b[prefix..prefix + mb],
            &ka[prefix..prefix + ma],
            &kb[prefix..prefix + mb],
        ));
    }
    out.extend(b[b.len() - suffix..].iter().map(|t| Piece::Same(t)));
    // Deletions first within a run of changes, so that a replaced word reads "old new".
    let mut k = 0;
    while k < out.len() {
        let end = (k..out.len())
            .find(|m| matches!(out[*m], Piece::Same(_)))
            .unwrap_or(out.len());
        out[k..end].sort_by_key(|p| matches!(p, Piece::Inserted(_)));
        k = end + 1;
    }
    out
}

/// The diff of two token runs by their longest common subsequence (`ka`, `kb`: the
/// tokens as compared).
fn middle<'a>(a: &[&'a str], b: &[&'a str], ka: &[String], kb: &[String]) -> Vec<Piece<'a>> {
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let width = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * width + j] = if ka[i] == kb[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && ka[i] == kb[j] {
            // The new draft's spacing is what the reader sees now.
            out.push(Piece::Same(b[j]));
            i += 1;
            j += 1;
        } else if j < b.len()
            && (i == a.len() || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j])
        {
            out.push(Piece::Inserted(b[j]));
            j += 1;
        } else {
            out.push(Piece::Deleted(a[i]));
            i += 1;
        }
    }
    out
}

/// The runs of changes of a diff from [`words`], in order.
pub fn hunks<'a>(diff: &'a [Piece<'a>]) -> Vec<Hunk<'a>> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < diff.len() {
        if matches!(diff[k], Piece::Same(_)) {
            k += 1;
            continue;
        }
        let end = (k..diff.len())
            .find(|m| matches!(diff[*m], Piece::Same(_)))
            .unwrap_or(diff.len());
        let mut deleted = String::new();
        let mut inserted = String::new();
        for piece in &diff[k..end] {
            match piece {
                Piece::Deleted(t) => deleted.push_str(t),
                Piece::Inserted(t) => inserted.push_str(t),
                Piece::Same(_) => {}
            }
        }
        out.push(Hunk {
            deleted,
            inserted,
            pieces: k..end,
            diff,
        });
        k = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(diff: &[Piece], old: bool) -> String {
        diff.iter()
            .filter_map(|p| match p {
                Piece::Same(t) => Some(*t),
                Piece::Deleted(t) if old => Some(*t),
                Piece::Inserted(t) if !old => Some(*t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_pieces_give_back_both_drafts() {
        let old = "I fixed it. He was happy.";
        let new = "Last year I fixed the kettle the same day. He was happy and came back.";
        let diff = words(old, new);
        assert_eq!(side(&diff, false), new);
        // The old side keeps the old words; only spacing may follow the new draft.
        assert_eq!(
            side(&diff, true).split_whitespace().collect::<Vec<_>>(),
            old.split_whitespace().collect::<Vec<_>>()
        );
        assert!(diff.contains(&Piece::Inserted("Last ")));
        assert!(diff.contains(&Piece::Deleted("it. ")));
    }

    #[test]
    fn a_replaced_word_reads_old_then_new() {
        let diff = words("she was upset", "she was furious");
        assert_eq!(
            diff,
            vec![
                Piece::Same("she "),
                Piece::Same("was "),
                Piece::Deleted("upset"),
                Piece::Inserted("furious"),
            ]
        );
    }

    #[test]
    fn hunks_undo_one_change_at_a_time() {
        let old = "A guest was angry. I helped.";
        let new = "A guest was angry about his room. I moved him upstairs. He booked again.";
        let diff = words(old, new);
        let hunks = hunks(&diff);
        assert!(hunks.len() >= 2, "{hunks:?}");
        let last = hunks.last().expect("a last hunk");
        assert!(last.inserted.contains("booked again"), "{last:?}");
        let undone = last.undone();
        assert!(!undone.contains("booked"), "{undone}");
        assert!(undone.contains("about his room"), "{undone}");
    }

    #[test]
    fn identical_and_empty_drafts() {
        assert!(
            words("same words", "same words")
                .iter()
                .all(|p| matches!(p, Piece::Same(_)))
        );
        assert_eq!(words("", "new"), vec![Piece::Inserted("new")]);
        assert_eq!(words("old", ""), vec![Piece::Deleted("old")]);
        assert!(hunks(&words("", "")).is_empty());
    }

    #[test]
    fn a_long_draft_with_a_local_edit_is_compared_around_it() {
        let old = format!("{}the end", "word ".repeat(5 * MAX_DIFF_WORDS));
        let new = format!("{}the happy end", "word ".repeat(5 * MAX_DIFF_WORDS));
        let diff = words(&old, &new);
        let changed: Vec<&Piece> = diff
            .iter()
            .filter(|p| !matches!(p, Piece::Same(_)))
            .collect();
        assert_eq!(changed, [&Piece::Inserted("happy ")]);
        assert_eq!(side(&diff, false), new);
    }

    #[test]
    fn a_huge_rewrite_is_one_cut_and_one_addition() {
        let old = "old ".repeat(MAX_DIFF_WORDS + 1);
        let new = "new ".repeat(MAX_DIFF_WORDS + 1);
        let diff = words(&old, &new);
        assert!(
            diff.iter()
                .take(MAX_DIFF_WORDS + 1)
                .all(|p| matches!(p, Piece::Deleted(_)))
        );
        assert!(
            diff.iter()
                .skip(MAX_DIFF_WORDS + 1)
                .all(|p| matches!(p, Piece::Inserted(_)))
        );
        assert_eq!(side(&diff, false), new);
        assert_eq!(hunks(&diff).len(), 1);
    }
}
