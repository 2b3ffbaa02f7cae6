//! Matching a free question to the closest guide, and unknown ids to known ones.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rapport_text::Analyzer;

use crate::lexicon::Compiled;
use rapport_pack::Guide;

/// A free question at least this similar to a guide is scored by that guide.
pub(crate) const CLOSE: f32 = 0.45;

/// A question that names no customer must be closer still: "a time you disagreed with a
/// colleague" shares words with customer guides but is a general behavioural question.
pub(crate) const CLOSE_WITHOUT_CUSTOMER: f32 = 0.55;

/// TF-IDF vectors of every guide's question and rewordings, and the words of everything
/// else the guide says (what it assesses, its steps' labels and cues, its pitfalls).
pub(crate) struct QuestionIndex {
    idf: HashMap<String, f32>,
    /// For each guide (same order as the engine's), one vector per phrasing.
    phrasings: Vec<Vec<HashMap<String, f32>>>,
    /// For each guide, the stems of its whole text.
    words: Vec<HashSet<String>>,
    /// For each guide, whether its question or a rewording names a customer ("a guest",
    /// "the client").
    customers: Vec<bool>,
}

/// How much of its closeness a guide keeps for a question that names a customer when the
/// guide's own phrasings never do: "the toughest customer" is about customers, not about
/// "the toughest feedback". (The other way round costs more than it gains: "which
/// quality matters most" names no customer and is still the customer-focus question.)
const NO_CUSTOMER_IN_GUIDE: f32 = 0.85;

fn names_customer(analyzer: &Analyzer, lex: &Compiled, text: &str) -> bool {
    analyzer
        .analyze(text)
        .tokens
        .iter()
        .any(|t| lex.customer_noun.contains(&t.folded))
}

fn terms(analyzer: &Analyzer, lex: &Compiled, text: &str) -> Vec<String> {
    analyzer
        .analyze(text)
        .tokens
        .into_iter()
        .filter(|t| !lex.stopwords.contains(&t.folded))
        .map(|t| t.stem)
        .collect()
}

impl QuestionIndex {
    pub fn new(analyzer: &Analyzer, lex: &Compiled, guides: &[Guide]) -> QuestionIndex {
        let docs: Vec<Vec<Vec<String>>> = guides
            .iter()
            .map(|g| {
                std::iter::once(&g.question)
                    .chain(&g.rewordings)
                    .map(|q| terms(analyzer, lex, q))
                    .collect()
            })
            .collect();
        let mut df: HashMap<String, f32> = HashMap::default();
        for doc in &docs {
            let mut seen: Vec<&String> = doc.iter().flatten().collect();
            seen.sort();
            seen.dedup();
            for t in seen {
                *df.entry(t.clone()).or_default() += 1.0;
            }
        }
        let n = docs.len().max(1) as f32;
        let idf: HashMap<String, f32> = df
            .into_iter()
            .map(|(t, d)| (t, (1.0 + n / d).ln()))
            .collect();
        let phrasings = docs
            .iter()
            .map(|doc| doc.iter().map(|terms| vector(terms, &idf)).collect())
            .collect();
        let words = guides
            .iter()
            .zip(&docs)
            .map(|(g, doc)| {
                let mut text = vec![g.assesses.clone()];
                text.extend(g.pitfalls.iter().cloned());
                for s in &g.steps {
                    text.push(s.label.clone());
                    text.extend(s.cues.iter().cloned());
                }
                let mut words: HashSet<String> = terms(analyzer, lex, &text.join(" . "))
                    .into_iter()
                    .collect();
                words.extend(doc.iter().flatten().cloned());
                words
            })
            .collect();
        let customers = guides
            .iter()
            .map(|g| {
                std::iter::once(&g.question)
                    .chain(&g.rewordings)
                    .any(|q| names_customer(analyzer, lex, q))
            })
            .collect();
        QuestionIndex {
            idf,
            phrasings,
            words,
            customers,
        }
    }

    /// The index of the closest guide and its cosine similarity.
    /// How close the question is to each guide, in guide order.
    pub fn scores(&self, analyzer: &Analyzer, lex: &Compiled, question: &str) -> Vec<f32> {
        let query_terms = terms(analyzer, lex, question);
        let query = vector(&query_terms, &self.idf);
        let total = crate::sum_sorted(query.values().copied());
        let asks_about_customers = names_customer(analyzer, lex, question);
        self.phrasings
            .iter()
            .zip(&self.words)
            .zip(&self.customers)
            .map(|((ps, words), customers)| {
                let phrasing = ps.iter().map(|p| cosine(&query, p)).fold(0.0, f32::max);
                // How much of the question the guide speaks to anywhere, weighted by how
                // telling each word is: "pushy" finds the upselling guide through its cues.
                let covered = crate::sum_sorted(
                    query
                        .iter()
                        .filter(|(t, _)| words.contains(*t))
                        .map(|(_, w)| *w),
                );
                let coverage = if total > 0.0 { covered / total } else { 0.0 };
                let keep = if asks_about_customers && !customers {
                    NO_CUSTOMER_IN_GUIDE
                } else {
                    1.0
                };
                keep * (0.6 * phrasing + 0.4 * coverage)
            })
            .collect()
    }
}

fn vector(terms: &[String], idf: &HashMap<String, f32>) -> HashMap<String, f32> {
    let mut v: HashMap<String, f32> = HashMap::default();
    for t in terms {
        // Words no guide uses still count against the match, at a high weight.
        *v.entry(t.clone()).or_default() += idf.get(t).copied().unwrap_or(3.0);
    }
    v
}

fn cosine(a: &HashMap<String, f32>, b: &HashMap<String, f32>) -> f32 {
    let dot = crate::sum_sorted(a.iter().filter_map(|(t, x)| b.get(t).map(|y| x * y)));
    let norm = |v: &HashMap<String, f32>| crate::sum_sorted(v.values().map(|x| x * x)).sqrt();
    let d = norm(a) * norm(b);
    if d == 0.0 { 0.0 } else { dot / d }
}

/// The best-scoring guide: its index and score, the first on ties.
pub(crate) fn best(scores: &[f32]) -> Option<(usize, f32)> {
    scores
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// The known id closest to an unknown one, when it is close enough to be a typo.
pub(crate) fn suggest<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    let id = id.to_lowercase();
    known
        .map(|k| {
            let d = if k.contains(id.as_str()) || id.contains(k) {
                1
            } else {
                levenshtein(&id, k)
            };
            (d, k)
        })
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min()
        .map(|(_, k)| k.to_string())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_close_ids() {
        let known = ["difficult-customer", "measure-satisfaction"];
        assert_eq!(
            super::suggest("dificult-customer", known.into_iter()).as_deref(),
            Some("difficult-customer")
        );
        assert_eq!(super::suggest("pricing", known.into_iter()), None);
    }
}
