//! Word splitting with byte offsets (Unicode word boundaries; "didn't" stays one word).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// The byte ranges of the words of `text` (letters or digits; punctuation dropped).
pub fn split_words(text: &str) -> Vec<Range<usize>> {
    text.unicode_word_indices()
        .map(|(i, w)| i..i + w.len())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_contractions_and_numbers() {
        let text = "I didn\u{2019}t wait: 20% in 3 days.";
        let words: Vec<&str> = super::split_words(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            words,
            ["I", "didn\u{2019}t", "wait", "20", "in", "3", "days"]
        );
    }
}
