//! Clause splitting for spoken answers.
//!
//! A transcript from speech to text has no punctuation, capitals or paragraphs: the
//! sentence stage sees one sentence of two hundred words. A listener still hears where
//! one thing ends and the next begins: at "so", "and then", "but", a filler before a new
//! start, or a new subject after a finished clause ("... was furious i apologised").
//! This stage cuts long, sparsely punctuated sentences at those places. Typed sentences of
//! ordinary length are left as they are.

use std::ops::Range;

use crate::fold;
use crate::split_words;

/// A sentence this long is cut into clauses whatever its punctuation.
const LONG: usize = 80;
/// A sentence this long is cut when it has fewer than one comma per `COMMA_EVERY` words.
const SPARSE: usize = 20;
const COMMA_EVERY: usize = 8;
/// No clause is cut shorter than this many words.
const MIN_WORDS: usize = 3;

/// Words that open a new clause when heard after a finished one.
const OPENERS: &[&str] = &[
    "so",
    "then",
    "but",
    "afterwards",
    "afterward",
    "eventually",
    "finally",
    "anyway",
    "luckily",
    "unfortunately",
    "thankfully",
    "overall",
];

/// Openers of two or three words.
const OPENING_PHRASES: &[&[&str]] = &[
    &["in", "the", "end"],
    &["at", "the", "end"],
    &["after", "that"],
    &["by", "the", "end"],
    &["the", "next", "day"],
    &["the", "next", "morning"],
    &["a", "week", "later"],
    &["a", "few", "days"],
    &["as", "a", "result"],
    &["what", "i", "learned"],
    &["what", "i", "learnt"],
    &["looking", "back"],
    &["since", "then"],
    &["that", "way"],
];

/// Hesitations that, mid-sentence, mark a restart.
const FILLERS: &[&str] = &["um", "umm", "uh", "uhh", "uhm", "erm", "er", "hmm"];

/// Subjects that start a new clause.
const SUBJECTS: &[&str] = &["i", "we", "she", "he", "they", "i'd", "i'm", "we'd"];

/// Words after which a subject continues the clause rather than starting one ("told her
/// that i", "when she", "i think she").
const BINDERS: &[&str] = &[
    "and",
    "or",
    "but",
    "so",
    "then",
    "that",
    "when",
    "whenever",
    "because",
    "cause",
    "cos",
    "if",
    "as",
    "what",
    "where",
    "before",
    "after",
    "until",
    "till",
    "which",
    "who",
    "whom",
    "how",
    "why",
    "whether",
    "once",
    "while",
    "since",
    "though",
    "although",
    "unless",
    "than",
    "like",
    "said",
    "says",
    "say",
    "told",
    "tell",
    "think",
    "thought",
    "know",
    "knew",
    "felt",
    "feel",
    "realised",
    "realized",
    "hoped",
    "hope",
    "sure",
    "guess",
    "mean",
    "meant",
    "suppose",
    "remember",
    "believe",
    "noticed",
    "saw",
    "see",
    "found",
    "decided",
    "explained",
    "asked",
    "promised",
    "worried",
    "afraid",
    "glad",
    "wish",
    "until",
    "unless",
    "maybe",
    "probably",
    "where",
    "the",
    "a",
    "an",
    "to",
];

/// Cuts `range` of `text` (one sentence) into clauses when it reads as unpunctuated
/// speech; otherwise returns it whole. The clauses cover the sentence's words in order,
/// each trimmed of surrounding whitespace.
pub(crate) fn split_clauses(text: &str, range: Range<usize>, spoken: bool) -> Vec<Range<usize>> {
    let piece = &text[range.clone()];
    let words: Vec<Range<usize>> = split_words(piece);
    let n = words.len();
    let commas = piece.matches([',', ';']).count();
    let sparse = spoken && n >= SPARSE && commas * COMMA_EVERY < n;
    if n < LONG && !sparse {
        return vec![range];
    }
    let folded: Vec<String> = words.iter().map(|r| fold(&piece[r.clone()])).collect();
    let word = |k: usize| folded.get(k).map_or("", String::as_str);
    let phrase_at = |k: usize| {
        OPENING_PHRASES
            .iter()
            .any(|p| p.iter().enumerate().all(|(j, w)| word(k + j) == *w))
    };
    let opens = |k: usize| OPENERS.contains(&word(k)) || phrase_at(k);
    // How many words the opener at `k` takes ("and then" two, "in the end" three).
    let opener_len = |k: usize| {
        let and = usize::from(word(k) == "and");
        let at = k + and;
        let len = OPENING_PHRASES
            .iter()
            .find(|p| p.iter().enumerate().all(|(j, w)| word(at + j) == *w))
            .map_or(usize::from(OPENERS.contains(&word(at))), |p| p.len());
        and + len
    };
    let mut cuts: Vec<usize> = Vec::new();
    let mut start = 0;
    for k in 1..n {
        if k - start < MIN_WORDS || n - k < MIN_WORDS {
            continue;
        }
        let prev = word(k - 1);
        let here = word(k);
        let boundary = if here == "and" {
            // "and then", "and so", "and i": a new clause joined by "and".
            opens(k + 1) || SUBJECTS.contains(&word(k + 1))
        } else if FILLERS.contains(&here) {
            true
        } else if opens(k) {
            // "and so" is cut at "and"; "so much", "so that", "then i" after "and" stay.
            prev != "and" && !matches!(word(k + 1), "much" | "many" | "that" | "far" | "long")
        } else if SUBJECTS.contains(&here) {
            // "in the end he ...": the opener and its subject are one clause.
            k - start > opener_len(start) && !BINDERS.contains(&prev) && !FILLERS.contains(&prev)
        } else {
            false
        };
        if boundary {
            cuts.push(k);
            start = k;
        }
    }
    if cuts.is_empty() {
        return vec![range];
    }
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = range.start;
    for &k in &cuts {
        let to = range.start + words[k].start;
        push_trimmed(&mut out, text, from..to);
        from = to;
    }
    push_trimmed(&mut out, text, from..range.end);
    out
}

fn push_trimmed(out: &mut Vec<Range<usize>>, text: &str, r: Range<usize>) {
    let piece = &text[r.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        out.push(r.start + lead..r.start + lead + trimmed.len());
    }
}

#[cfg(test)]
mod tests {
    use super::split_clauses;

    fn clauses(text: &str) -> Vec<&str> {
        split_clauses(text, 0..text.len(), true)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn cuts_a_transcript_where_a_listener_hears_a_break() {
        let text = "um last winter a guest came down at eleven at night shouting about the heating \
                    so i apologised and i walked up with him to check the radiator and then i \
                    moved him to a warmer room in the end he thanked me at checkout";
        assert_eq!(
            clauses(text),
            [
                "um last winter a guest came down at eleven at night shouting about the heating",
                "so i apologised",
                "and i walked up with him to check the radiator",
                "and then i moved him to a warmer room",
                "in the end he thanked me at checkout",
            ]
        );
    }

    #[test]
    fn a_new_subject_after_a_finished_clause_starts_a_clause() {
        let text = "the order had gone to the wrong address twice that week she was furious \
                    i checked the courier tracking while she waited on the line";
        assert_eq!(
            clauses(text),
            [
                "the order had gone to the wrong address twice that week",
                "she was furious",
                "i checked the courier tracking while she waited on the line",
            ]
        );
    }

    #[test]
    fn leaves_typed_sentences_of_ordinary_length_alone() {
        let text = "When she called, I listened, apologised and then booked her a new slot.";
        assert_eq!(clauses(text), [text]);
        let typed = "If a regular told me about a problem at home I would remember it and ask \
                     how things were next time she came in.";
        let pieces = split_clauses(typed, 0..typed.len(), false);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0], 0..typed.len());
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "x. so we had a queue of twenty people and i was alone on the till so i \
                    called my manager and she opened a second till straight away";
        let start = 3;
        for r in split_clauses(text, start..text.len(), true) {
            assert!(r.start >= start && r.end <= text.len());
            assert_eq!(&text[r.clone()], text[r].trim());
        }
    }
}
