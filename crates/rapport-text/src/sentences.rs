//! Sentence splitting with byte offsets.
//!
//! Uses the Unicode sentence boundaries, and also breaks at blank lines and at line
//! breaks that start a list item, since typed answers often come as bullet points. Long
//! unpunctuated sentences (spoken answers) are cut into clauses (`clauses.rs`).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::clauses::split_clauses;

/// Splits `text` into sentences, returned as byte ranges with surrounding whitespace
/// trimmed. Empty pieces are dropped.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (block_start, block) in blocks(text) {
        for (part_start, part) in apart_at_long_gaps(block) {
            // A line break inside a block is a soft wrap, not a sentence end. Swapping it
            // for a space keeps every byte offset where it was.
            let unwrapped = part.replace(['\n', '\r'], " ");
            for (offset, piece) in unwrapped.split_sentence_bound_indices() {
                let original = &part[offset..offset + piece.len()];
                push_trimmed(&mut out, block_start + part_start + offset, original);
            }
        }
    }
    let sentences = merge_fragments(text, out);
    let spoken = reads_as_speech(text, sentences.len());
    sentences
        .into_iter()
        .flat_map(|r| split_clauses(text, r, spoken))
        .collect()
}

/// Whether the answer reads as an unpunctuated transcript: sentences that average 35
/// words or more. Typed answers keep their sentences; only a run-on of 80 words is cut.
fn reads_as_speech(text: &str, sentences: usize) -> bool {
    let words = text.split_whitespace().count();
    words >= 20 && words >= 35 * sentences.max(1)
}

/// Splits at line breaks that end a paragraph or start a list item.
fn blocks(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let rest = text[i + 1..].trim_start_matches([' ', '\t', '\r']);
            let blank = rest.starts_with('\n');
            let bullet = rest.starts_with(['-', '*', '\u{2022}']);
            let prev = text[start..i].trim_end();
            let ended = prev.ends_with(['.', '!', '?', ':', ';']);
            if blank || bullet || ended {
                out.push((start, &text[start..i]));
                start = i + 1;
            }
        }
        i += 1;
    }
    out.push((start, &text[start..]));
    out
}

/// The longest run of spaces and closing marks left inside one piece of text.
const LONG_GAP: usize = 8;

/// Cuts a block at every run of more than [`LONG_GAP`] spaces or closing marks (`"`,
/// `'`, `)`, `]`, `}`, `”`, `’`, `»`). Such a run ends whatever came before it; and the
/// Unicode sentence rules take time quadratic in its length after a full stop (`.`
/// then 20,000 spaces took seconds), so it never reaches them.
fn apart_at_long_gaps(block: &str) -> Vec<(usize, &str)> {
    let gap = |c: char| c.is_whitespace() || "\"')]}\u{201d}\u{2019}\u{bb}".contains(c);
    let mut out = Vec::new();
    let mut start = 0;
    let mut run: Option<(usize, usize)> = None;
    for (i, c) in block.char_indices().chain([(block.len(), 'x')]) {
        if i < block.len() && gap(c) {
            let (first, n) = run.unwrap_or((i, 0));
            run = Some((first, n + 1));
            continue;
        }
        if let Some((first, n)) = run.take()
            && n > LONG_GAP
        {
            out.push((start, &block[start..first]));
            start = i;
        }
    }
    out.push((start, &block[start..]));
    out
}

fn push_trimmed(out: &mut Vec<Range<usize>>, start: usize, piece: &str) {
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if trimmed.chars().any(char::is_alphanumeric) {
        out.push(start + lead..start + lead + trimmed.len());
    }
}

/// Joins pieces that are not sentences on their own, such as the "Mr." in "Mr. Patel",
/// back onto the sentence they belong to.
fn merge_fragments(text: &str, pieces: Vec<Range<usize>>) -> Vec<Range<usize>> {
    const ABBREVIATIONS: [&str; 8] = ["mr.", "mrs.", "ms.", "dr.", "st.", "e.g.", "i.e.", "etc."];
    let mut out: Vec<Range<usize>> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        if let Some(last) = out.last_mut() {
            let prev = text[last.clone()].to_lowercase();
            let same_block = !text[last.end..piece.start].contains('\n');
            let abbreviated = ABBREVIATIONS.iter().any(|a| {
                prev.ends_with(a)
                    && prev[..prev.len() - a.len()]
                        .chars()
                        .last()
                        .is_none_or(|c| !c.is_alphanumeric())
            });
            if same_block && abbreviated {
                last.end = piece.end;
                continue;
            }
        }
        out.push(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_sentences;

    fn check(text: &str, expect: &[&str]) {
        let got: Vec<&str> = split_sentences(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn a_long_run_of_spaces_or_closing_marks_ends_a_sentence() {
        let spaces = " ".repeat(20_000);
        check(
            &format!("I listened.{spaces}Then I called her back."),
            &["I listened.", "Then I called her back."],
        );
        check(
            &format!("I listened{}and then I called", "\"".repeat(30)),
            &["I listened", "and then I called"],
        );
        // Short runs are text as usual.
        check(
            "He said \"no.\"  Then he left.",
            &["He said \"no.\"", "Then he left."],
        );
    }

    #[test]
    fn splits_plain_sentences() {
        check(
            "I listened. Then I acted!  Did it work?",
            &["I listened.", "Then I acted!", "Did it work?"],
        );
    }

    #[test]
    fn keeps_titles_with_names() {
        check(
            "Mr. Patel was upset. I called him.",
            &["Mr. Patel was upset.", "I called him."],
        );
    }

    #[test]
    fn breaks_bullets_and_paragraphs() {
        check(
            "First point\n- surveys\n- NPS\n\nThen more",
            &["First point", "- surveys", "- NPS", "Then more"],
        );
    }

    #[test]
    fn joins_wrapped_lines() {
        check(
            "I stayed calm and\nlistened to her.",
            &["I stayed calm and\nlistened to her."],
        );
    }
}
