//! The five tips that apply to every answer: specific, outcome-focus, skills-shown,
//! honest, confident.

use crate::detect::Hit;
use crate::features::Features;
use crate::report::Delivery;

/// A tip's verdict before it is turned into a report criterion.
pub(crate) struct TipVerdict {
    pub id: &'static str,
    pub label: &'static str,
    /// Weight of the tip among the five.
    pub weight: f32,
    pub strength: f32,
    pub met: bool,
    pub hits: Vec<Hit>,
    pub advice: String,
}

fn hits_where(feats: &[Features], why: &str, pred: impl Fn(&Features) -> bool) -> Vec<Hit> {
    feats
        .iter()
        .enumerate()
        .filter(|(_, f)| pred(f))
        .take(2)
        .map(|(sentence, _)| Hit {
            sentence,
            strength: 1.0,
            cued: false,
            why: why.to_string(),
        })
        .collect()
}

pub(crate) fn tips(
    feats: &[Features],
    results: &[usize],
    delivery: &Delivery,
    skill_names: &[String],
) -> Vec<TipVerdict> {
    let real = |f: &Features| !f.hypothetical && !f.question;
    // Specific: numbers, names, times and places, units.
    let kinds = [
        feats.iter().any(|f| f.number),
        feats.iter().any(|f| f.proper_noun),
        feats.iter().any(|f| f.anchor),
        feats.iter().any(|f| f.specific_unit && real(f)),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    let specific = TipVerdict {
        id: "specific",
        label: "Be specific",
        weight: 1.0,
        strength: (kinds as f32 / 3.0).min(1.0),
        met: kinds >= 2,
        hits: hits_where(feats, "a name, number, time or place", |f| {
            f.number || f.proper_noun || f.anchor
        }),
        advice: "Be specific: give a real situation with a name, a number or a time (\"last March\", \"a 40-minute wait\", \"a client called Dana\").".into(),
    };

    let outcome_hits: Vec<Hit> = results
        .iter()
        .take(2)
        .map(|&sentence| Hit {
            sentence,
            strength: 1.0,
            cued: false,
            why: "states a result".into(),
        })
        .collect();
    let outcome = TipVerdict {
        id: "outcome-focus",
        label: "Focus on outcomes",
        weight: 1.0,
        strength: (outcome_hits.len() as f32 / 2.0).min(1.0),
        met: !outcome_hits.is_empty(),
        hits: outcome_hits,
        advice: "Focus on outcomes: say what changed for the customer or the business because of what you did.".into(),
    };

    let shown = hits_where(feats, "a skill in action", |f| {
        real(f) && !f.skills_shown.is_empty()
    });
    let named: Vec<usize> = feats
        .iter()
        .flat_map(|f| f.skills_named.iter().copied())
        .collect();
    let skills_advice = match named.first() {
        Some(&s) if shown.is_empty() => format!(
            "Show your skills, don't just name them: you mention {}; describe the moment you used it (\"I let her finish, then repeated back what she needed\").",
            skill_names.get(s).map_or("a skill", String::as_str)
        ),
        _ => "Show your skills in action: describe how you listened, explained or solved the problem, not just that you did.".into(),
    };
    let skills = TipVerdict {
        id: "skills-shown",
        label: "Show your skills",
        weight: 1.0,
        strength: if shown.is_empty() {
            if named.is_empty() { 0.0 } else { 0.3 }
        } else {
            1.0
        },
        met: !shown.is_empty(),
        hits: shown,
        advice: skills_advice,
    };

    let honest_hits = hits_where(feats, "admits the hard part or a lesson", |f| {
        f.honesty || (f.reflection && f.first_person && !f.hypothetical)
    });
    let honest = TipVerdict {
        id: "honest",
        label: "Be honest",
        weight: 0.5,
        strength: if honest_hits.is_empty() { 0.0 } else { 1.0 },
        met: !honest_hits.is_empty(),
        hits: honest_hits,
        advice: "Be honest: name what was hard or what you would do differently; it makes the rest believable.".into(),
    };

    let hedges: usize = delivery.hedges.iter().map(|h| h.count).sum();
    let per_hundred = hedges as f32 * 100.0 / delivery.words.max(1) as f32;
    let confident_met = per_hundred < 1.5 && delivery.words >= 25;
    let confident = TipVerdict {
        id: "confident",
        label: "Be confident",
        weight: 0.5,
        strength: if confident_met { 1.0 } else { (1.0 - per_hundred / 5.0).clamp(0.0, 0.5) },
        met: confident_met,
        hits: Vec::new(),
        advice: match delivery.hedges.first() {
            Some(h) if !confident_met => format!(
                "Sound confident: drop the hedges (\"{}\"{}) and say what you did plainly.",
                h.phrase,
                if hedges > 1 { format!(" and {} more", hedges - 1) } else { String::new() }
            ),
            _ => "Say more, plainly and in the first person: a confident answer commits to what you did.".into(),
        },
    };
    vec![specific, outcome, skills, honest, confident]
}
