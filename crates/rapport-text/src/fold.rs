//! Folding: lower case and straight apostrophes, so "Didn’t" and "didn't" compare equal.

/// Lower-cases a word and maps typographic apostrophes and quotes to ASCII ones.
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => '\'',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn folds_case_and_apostrophes() {
        assert_eq!(super::fold("Didn\u{2019}t"), "didn't");
        assert_eq!(super::fold("NPS"), "nps");
    }
}
