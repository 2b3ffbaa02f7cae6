//! Agreement between the engine and human labels: the figures `rapport eval` prints.
//!
//! Everything here is pure arithmetic over observations, so the CLI, the threshold test
//! and any later tool compute exactly the same numbers.

use crate::{Band, Report};

/// How a labelled answer names its question.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// A guide id, scored with [`Engine::score`](crate::Engine::score).
    Id(String),
    /// Free question text, scored with
    /// [`Engine::score_question_text`](crate::Engine::score_question_text).
    Text(String),
}

impl Question {
    /// The id or text, used to group answers to the same question.
    pub fn key(&self) -> &str {
        match self {
            Question::Id(id) => id,
            Question::Text(text) => text,
        }
    }
}

/// One answer with a human judgement of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// The item's own id, when it has one.
    pub id: Option<String>,
    /// The question it answers.
    pub question: Question,
    /// For free question text: the guide it should be matched to.
    pub expected_guide: Option<String>,
    /// The answer.
    pub answer: String,
    /// The band a careful human gives it.
    pub label: Band,
    /// The steps that should be met (all others should not), when labelled.
    pub steps: Option<Vec<String>>,
}

/// A labelled answer next to the engine's verdict on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Answers with the same group answer the same question.
    pub group: String,
    /// The human band.
    pub label: Band,
    /// The engine's score.
    pub score: u8,
    /// The engine's band.
    pub band: Band,
    /// The steps that should be met, when labelled.
    pub expected_steps: Option<Vec<String>>,
    /// The steps the engine found met.
    pub met_steps: Vec<String>,
    /// The guide the question should be matched to, when labelled.
    pub expected_guide: Option<String>,
    /// The guide the engine scored against.
    pub guide: String,
}

impl Observation {
    /// Pairs a labelled answer with the engine's report on it.
    pub fn new(item: &Labelled, report: &Report) -> Observation {
        Observation {
            group: item.question.key().to_owned(),
            label: item.label,
            score: report.score,
            band: report.band,
            expected_steps: item.steps.clone(),
            met_steps: report
                .criteria
                .iter()
                .filter(|c| c.met)
                .map(|c| c.id.clone())
                .collect(),
            expected_guide: item.expected_guide.clone(),
            guide: report.question_id.clone(),
        }
    }

    /// A labelled answer the engine refused to score (not English, too long, ...): it
    /// counts as the weakest verdict, score 0 with no step met, since that is what the
    /// candidate gets.
    pub fn refused(item: &Labelled) -> Observation {
        Observation {
            group: item.question.key().to_owned(),
            label: item.label,
            score: 0,
            band: Band::Weak,
            expected_steps: item.steps.clone(),
            met_steps: Vec::new(),
            expected_guide: item.expected_guide.clone(),
            guide: String::new(),
        }
    }

    /// Whether the engine's band differs from the label, or a labelled step disagrees.
    pub fn disagrees(&self) -> bool {
        self.band != self.label || !self.missed_steps().is_empty() || !self.extra_steps().is_empty()
    }

    /// Labelled steps the engine did not find.
    pub fn missed_steps(&self) -> Vec<&str> {
        match &self.expected_steps {
            Some(expected) => expected
                .iter()
                .filter(|s| !self.met_steps.contains(s))
                .map(String::as_str)
                .collect(),
            None => Vec::new(),
        }
    }

    /// Steps the engine found that the label says are not there.
    pub fn extra_steps(&self) -> Vec<&str> {
        match &self.expected_steps {
            Some(expected) => self
                .met_steps
                .iter()
                .filter(|s| !expected.contains(s))
                .map(String::as_str)
                .collect(),
            None => Vec::new(),
        }
    }
}

/// A share: `hits` out of `total` (hits may hold halves, for ties).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Ratio {
    /// How many agreed.
    pub hits: f64,
    /// Out of how many.
    pub total: usize,
}

impl Ratio {
    /// The share, or `None` when there was nothing to count.
    pub fn value(self) -> Option<f64> {
        (self.total > 0).then(|| self.hits / self.total as f64)
    }
}

/// Step-level agreement, micro-averaged over every labelled item.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StepAgreement {
    /// Items that carried step labels.
    pub items: usize,
    /// Steps found and labelled met.
    pub true_positives: usize,
    /// Steps found but labelled not met.
    pub false_positives: usize,
    /// Steps labelled met but not found.
    pub false_negatives: usize,
}

impl StepAgreement {
    /// Found steps that are right.
    pub fn precision(self) -> Option<f64> {
        let found = self.true_positives + self.false_positives;
        (found > 0).then(|| self.true_positives as f64 / found as f64)
    }

    /// Labelled steps that were found.
    pub fn recall(self) -> Option<f64> {
        let labelled = self.true_positives + self.false_negatives;
        (labelled > 0).then(|| self.true_positives as f64 / labelled as f64)
    }

    /// The harmonic mean of precision and recall.
    pub fn f1(self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        (p + r > 0.0).then(|| 2.0 * p * r / (p + r))
    }
}

/// Every agreement figure over a set of observations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Agreement {
    /// Observations counted.
    pub n: usize,
    /// Engine band equals the label.
    pub exact: Ratio,
    /// Engine band is the label or a neighbour of it.
    pub within_one: Ratio,
    /// Pairs of answers to the same question with different labels that the scores put
    /// in the labels' order (a score tie counts half).
    pub pairwise_same_question: Ratio,
    /// The same over all pairs with different labels, across questions.
    pub pairwise_all: Ratio,
    /// Spearman's rank correlation between label and score (`None` when undefined).
    pub spearman: Option<f64>,
    /// Step precision and recall over items with step labels.
    pub steps: StepAgreement,
    /// Free questions matched to their expected guide.
    pub guide_match: Ratio,
}

/// Computes every agreement figure.
pub fn agreement(observations: &[Observation]) -> Agreement {
    let mut out = Agreement {
        n: observations.len(),
        ..Agreement::default()
    };
    for o in observations {
        out.exact.total += 1;
        out.within_one.total += 1;
        if o.band == o.label {
            out.exact.hits += 1.0;
        }
        if (band_rank(o.band) - band_rank(o.label)).abs() <= 1.0 {
            out.within_one.hits += 1.0;
        }
        if let Some(expected) = &o.expected_steps {
            out.steps.items += 1;
            out.steps.true_positives += o.met_steps.iter().filter(|s| expected.contains(s)).count();
            out.steps.false_positives += o.extra_steps().len();
            out.steps.false_negatives += o.missed_steps().len();
        }
        if let Some(expected) = &o.expected_guide {
            out.guide_match.total += 1;
            if *expected == o.guide {
                out.guide_match.hits += 1.0;
            }
        }
    }
    for (i, a) in observations.iter().enumerate() {
        for b in &observations[i + 1..] {
            if a.label == b.label {
                continue;
            }
            let (lo, hi) = if a.label < b.label { (a, b) } else { (b, a) };
            let hit = match lo.score.cmp(&hi.score) {
                std::cmp::Ordering::Less => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Greater => 0.0,
            };
            out.pairwise_all.total += 1;
            out.pairwise_all.hits += hit;
            if a.group == b.group {
                out.pairwise_same_question.total += 1;
                out.pairwise_same_question.hits += hit;
            }
        }
    }
    let labels: Vec<f64> = observations.iter().map(|o| band_rank(o.label)).collect();
    let scores: Vec<f64> = observations.iter().map(|o| f64::from(o.score)).collect();
    out.spearman = spearman(&labels, &scores);
    out
}

/// Spearman's ρ: Pearson's correlation of the ranks, ties given their average rank.
/// `None` when fewer than two values or either side is constant.
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() != ys.len() || xs.len() < 2 {
        return None;
    }
    pearson(&ranks(xs), &ranks(ys))
}

fn band_rank(band: Band) -> f64 {
    match band {
        Band::Weak => 0.0,
        Band::Developing => 1.0,
        Band::Solid => 2.0,
        Band::Strong => 3.0,
    }
}

/// 1-based ranks, ties sharing their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        // Positions i..=j hold equal values: each gets the mean of ranks i+1..=j+1.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// The answer as speech to text would give it: lower case, no punctuation or
/// paragraphs, with fillers and a false start now and then (deterministic). Used to check
/// that spoken answers are judged as their typed form is.
pub fn transcript_form(text: &str) -> String {
    const FILLERS: [&str; 4] = ["um", "you know", "uh", "like"];
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\'' => '\'',
            c if c.is_alphanumeric() || c == '-' || c == '%' || c == '$' || c == '£' => {
                c.to_lowercase().next().unwrap_or(c)
            }
            _ => ' ',
        })
        .collect();
    let mut out: Vec<&str> = Vec::new();
    for (k, word) in cleaned.split_whitespace().enumerate() {
        let word = word.trim_matches(['-', '\'']);
        if word.is_empty() {
            continue;
        }
        if k % 11 == 5 {
            out.push(FILLERS[(k / 11) % FILLERS.len()]);
        }
        if k % 29 == 17 {
            // A false start: the word said twice.
            out.push(word);
        }
        out.push(word);
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(group: &str, label: Band, score: u8) -> Observation {
        Observation {
            group: group.into(),
            label,
            score,
            band: Band::from_score(score),
            expected_steps: None,
            met_steps: Vec::new(),
            expected_guide: None,
            guide: group.into(),
        }
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 5.0]), vec![2.0, 3.5, 3.5, 1.0]);
    }

    #[test]
    fn spearman_of_monotone_data_is_one() {
        let rho = spearman(&[0.0, 1.0, 2.0, 3.0], &[10.0, 45.0, 61.0, 99.0]);
        assert!((rho.unwrap_or_default() - 1.0).abs() < 1e-9);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn agreement_counts_bands_pairs_and_steps() {
        let mut a = obs("q1", Band::Strong, 85);
        a.expected_steps = Some(vec!["x".into(), "y".into()]);
        a.met_steps = vec!["x".into(), "z".into()];
        let observations = vec![
            a,
            obs("q1", Band::Weak, 50),
            obs("q2", Band::Solid, 50),
            obs("q2", Band::Developing, 90),
        ];
        let got = agreement(&observations);
        assert_eq!(got.n, 4);
        assert_eq!(got.exact.hits, 1.0);
        // Strong/strong, weak/developing and solid/developing are within one band.
        assert_eq!(got.within_one.hits, 3.0);
        assert_eq!(got.pairwise_same_question.total, 2);
        assert_eq!(got.pairwise_same_question.hits, 1.0);
        // Six pairs, all with different labels: a-b, a-c and b-d right, a-d and c-d
        // wrong, b-c a tie.
        assert_eq!(got.pairwise_all.total, 6);
        assert_eq!(got.pairwise_all.hits, 3.5);
        assert_eq!(got.steps.true_positives, 1);
        assert_eq!(got.steps.false_positives, 1);
        assert_eq!(got.steps.false_negatives, 1);
        assert_eq!(got.steps.f1(), Some(0.5));
    }
}
