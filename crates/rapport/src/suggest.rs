//! "Did you mean": the known question id closest to a mistyped one.

use rapport_engine::{Engine, ScoreError};

/// The error for an unknown question id, with the closest known id when one is close.
pub fn unknown_question(engine: &Engine, id: &str) -> ScoreError {
    ScoreError::UnknownQuestion {
        id: id.to_owned(),
        suggestion: closest(id, engine.guides().iter().map(|g| g.id.as_str())).map(str::to_owned),
    }
}

/// The candidate closest to `wanted` by edit distance, when close enough to be a typo,
/// or one that contains it (or is contained in it) as a whole part.
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = wanted.trim().to_lowercase();
    let limit = (wanted.chars().count() / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let mut distance = edit_distance(&wanted, candidate);
        if distance > limit && wanted.len() >= 4 && candidate.contains(wanted.as_str()) {
            // `difficult` for `difficult-customer`: a fragment of the id.
            distance = limit;
        }
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_fragments() {
        let ids = ["difficult-customer", "above-and-beyond", "measure-satisfaction"];
        assert_eq!(
            closest("dificult-customer", ids.into_iter()),
            Some("difficult-customer")
        );
        assert_eq!(closest("satisfaction", ids.into_iter()), Some("measure-satisfaction"));
        assert_eq!(closest("weather", ids.into_iter()), None);
    }
}
