//! From step, tip and delivery verdicts to a score, a band, feedback and strengths.

use rapport_text::Analysis;

use crate::delivery::delivery;
use rapport_pack::Fit;

use crate::detect::{
    Context, Hit, MET, StepVerdict, compete, list_like, rate, result_sentences, verdict,
};
use crate::features::Features;
use crate::fitted::{self, Measures, StepMeasure};
use crate::guide::CompiledGuide;
use crate::lexicon::Compiled;
use crate::report::{Band, Criterion, Delivery, Evidence, Report};
use crate::tips::tips;

/// Points the steps can earn; the tips earn the rest of 100.
const STEP_POINTS: f32 = 80.0;
const TIP_POINTS: f32 = 20.0;

/// The credit a step earns: most of it for taking the step at all, the rest for how
/// clearly; a near miss earns a little.
fn credit(strength: f32, met: bool) -> f32 {
    if met {
        0.75 + 0.25 * strength
    } else {
        0.4 * strength.min(MET)
    }
}

/// The evidence of a step, strongest first (the order `verdict` leaves the hits in), so
/// that a card quoting one piece of evidence quotes the best.
fn evidence(text: &str, feats: &[Features], hits: &[Hit]) -> Vec<Evidence> {
    hits.iter()
        .map(|h| {
            let r = feats[h.sentence].range.clone();
            Evidence {
                start: r.start,
                end: r.end,
                text: text[r].to_string(),
                why: h.why.clone(),
            }
        })
        .collect()
}

/// A short quote for feedback lines: the first words of the evidence.
fn quote(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 12 {
        words.join(" ")
    } else {
        format!("{} …", words[..12].join(" "))
    }
}

pub(crate) fn report(
    cg: &CompiledGuide,
    text: &str,
    analysis: &Analysis,
    feats: &[Features],
    lex: &Compiled,
    skill_names: &[String],
    fit: Option<&Fit>,
) -> (Report, Measures) {
    let guide = &cg.guide;
    let ctx = Context::new(feats);
    let mut rated: Vec<_> = cg
        .steps
        .iter()
        .map(|s| rate(s, analysis, feats, &ctx))
        .collect();
    let signals: Vec<_> = cg.steps.iter().map(|s| s.signal).collect();
    compete(&signals, &mut rated);
    let mut verdicts: Vec<_> = rated.into_iter().map(verdict).collect();
    let delivery = delivery(text, analysis, feats, lex);
    let tip_verdicts = tips(
        feats,
        &result_sentences(feats, &ctx),
        &delivery,
        skill_names,
    );

    let total_weight: f32 = guide
        .steps
        .iter()
        .map(|s| s.weight)
        .sum::<f32>()
        .max(f32::EPSILON);
    let step_frac: f32 = guide
        .steps
        .iter()
        .zip(&verdicts)
        .map(|(s, v)| s.weight * credit(v.strength, v.met))
        .sum::<f32>()
        / total_weight;
    let tip_weight: f32 = tip_verdicts.iter().map(|t| t.weight).sum();
    let tip_frac: f32 = tip_verdicts
        .iter()
        .map(|t| t.weight * t.strength)
        .sum::<f32>()
        / tip_weight;
    // Tips only count in proportion to the substance they decorate.
    let mut score = STEP_POINTS * step_frac + TIP_POINTS * tip_frac * (0.3 + 0.7 * step_frac);

    let nudges = nudges(&delivery);
    score -= nudges.iter().map(|n| n.points).sum::<f32>();

    let any_met = verdicts.iter().any(|v| v.met);
    let answer_words: rustc_hash::FxHashSet<&String> =
        feats.iter().flat_map(|f| f.content.iter()).collect();
    let on_topic = answer_words
        .iter()
        .filter(|w| cg.vocabulary.contains(**w))
        .count() as f32
        / answer_words.len().max(1) as f32;
    // A question about customers answered without a single customer in it is an
    // answer to some other question.
    let no_customer = cg.about_customers
        && delivery.words >= 20
        && !feats.iter().any(|f| f.customer_noun || f.customer);
    let met_count = verdicts.iter().filter(|v| v.met).count();
    // By meaning, when a model is enabled: how close the answer's sentences come, on
    // average, to anything the guide says.
    let meant: Vec<f32> = feats
        .iter()
        .filter(|f| f.words >= 4)
        .filter_map(|f| f.meaning.as_deref())
        .map(|m| {
            cg.meaning
                .iter()
                .map(|p| crate::semantic::cosine(m, p))
                .fold(0.0, f32::max)
        })
        .collect();
    let meaning_relevance = (!meant.is_empty() && !cg.meaning.is_empty())
        .then(|| meant.iter().sum::<f32>() / meant.len() as f32);
    let strays = meaning_relevance.is_some_and(|r| r < crate::semantic::OFF_TOPIC);
    let on_topic = meaning_relevance.unwrap_or(on_topic);
    let off_topic =
        (!any_met && on_topic < 0.2) || ((no_customer || strays) && met_count < verdicts.len());
    if off_topic {
        score = score.min(15.0);
    }
    let listy = feats.iter().filter(|f| list_like(f)).count() * 2 >= feats.len();
    if listy {
        // Rubric words without a story or a statement are not an answer.
        score = score.min(35.0);
    }
    let cap = match (off_topic, listy) {
        (true, _) => 15.0,
        (false, true) => 35.0,
        (false, false) => 100.0,
    };
    let substance = fitted::substance(feats, &ctx, &delivery, on_topic, guide.kind);
    let measures = Measures {
        steps: guide
            .steps
            .iter()
            .zip(&verdicts)
            .zip(&signals)
            .map(|((step, v), sig)| StepMeasure {
                id: step.id.clone(),
                weight: step.weight,
                features: fitted::step_features(*sig, v, &substance, feats),
            })
            .collect(),
        tips: tip_frac,
        substance,
        cap,
    };
    // With a fitted model, it decides which steps are taken and the score; the rules
    // above stay in charge without one.
    // Steps the step model takes that do not count in an answer this weak: begun, not
    // done, and told so.
    let mut begun = vec![false; verdicts.len()];
    let fitted = fit.map(|fit| {
        let (likelihoods, fitted_score) = fitted::predict(fit, &measures);
        for (((v, p), m), begun) in verdicts
            .iter_mut()
            .zip(&likelihoods)
            .zip(&measures.steps)
            .zip(&mut begun)
        {
            // `taken` never takes a step no sentence rates above zero, so a taken step
            // always has a candidate to quote.
            let taken = fitted::taken(fit, &measures, m, *p);
            v.met = taken && fitted::counts(fit, *p, fitted_score);
            *begun = taken && !v.met;
            v.strength = if v.met { p.max(0.5) } else { p.min(0.49) };
            // A step begun keeps its evidence: where the answer touches on it.
            if !taken {
                v.hits.clear();
            } else if v.hits.is_empty() {
                v.hits = v.candidates.clone();
            }
        }
        score = fitted_score;
        (fit, likelihoods, fitted_score)
    });
    let score = score.round().clamp(0.0, 100.0) as u8;

    let criteria: Vec<Criterion> = guide
        .steps
        .iter()
        .zip(&verdicts)
        .zip(&begun)
        .map(|((step, v), begun)| Criterion {
            id: step.id.clone(),
            label: step.label.clone(),
            met: v.met,
            begun: *begun,
            strength: v.strength,
            evidence: evidence(text, feats, &v.hits),
            advice: if v.met {
                step.guidance.clone()
            } else if *begun {
                begun_advice(step)
            } else {
                step.missing.clone()
            },
            follow_up: step.follow_up.clone(),
        })
        .collect();
    let tips: Vec<Criterion> = tip_verdicts
        .iter()
        .map(|t| Criterion {
            id: t.id.to_string(),
            label: t.label.to_string(),
            met: t.met,
            begun: false,
            strength: t.strength,
            evidence: if t.met {
                evidence(text, feats, &t.hits)
            } else {
                Vec::new()
            },
            advice: t.advice.clone(),
            follow_up: String::new(),
        })
        .collect();

    // Feedback: every possible improvement with the points it would bring, best first.
    let mut lines: Vec<(f32, String)> = Vec::new();
    if off_topic {
        lines.push((
            100.0,
            format!(
                "Your answer does not seem to address the question. Answer it directly: \"{}\"",
                guide.question
            ),
        ));
    }
    if listy && !off_topic {
        // Under the list cap no single step lifts the answer: the form is the problem.
        lines.push((
            99.0,
            "This reads as a list of words, not an answer. Say it in sentences: one real situation, what you did and how it ended.".into(),
        ));
    }
    if let Some((fit, likelihoods, now)) = &fitted {
        fitted_feedback(
            guide,
            (&verdicts, &begun),
            &tip_verdicts,
            &measures,
            (fit, likelihoods, *now),
            red_flag_line(text, feats, lex),
            &mut lines,
        );
    }
    for (step, v) in guide.steps.iter().zip(&verdicts) {
        if fitted.is_some() {
            break;
        }
        let share = STEP_POINTS * step.weight / total_weight;
        if !v.met {
            lines.push((
                share * (0.85 - credit(v.strength, false)),
                step.missing.clone(),
            ));
        } else if v.strength < 0.65 {
            lines.push((
                share * (0.95 - credit(v.strength, true)),
                format!(
                    "Make \"{}\" clearer: {}",
                    step.label.to_lowercase(),
                    step.guidance
                ),
            ));
        }
    }
    for t in tip_verdicts.iter().filter(|_| fitted.is_none()) {
        if !t.met {
            let gain =
                TIP_POINTS * t.weight / tip_weight * (1.0 - t.strength) * (0.3 + 0.7 * step_frac);
            lines.push((gain, t.advice.clone()));
        }
    }
    // A nudge on delivery ranks by the points it costs, below a missing step that lifts
    // the answer as much: what was said comes before how.
    for n in nudges {
        lines.push((n.points, n.advice));
    }
    lines.sort_by(|a, b| b.0.total_cmp(&a.0));
    let feedback = lines.into_iter().map(|(_, l)| l).collect();

    // A sentence with a red flag is never held up as good, whatever step it carries.
    let flagged = |e: &Evidence| {
        feats
            .iter()
            .any(|f| f.red_flag.is_some() && f.range.start < e.end && e.start < f.range.end)
    };
    let mut strengths: Vec<(f32, String)> = criteria
        .iter()
        .filter(|c| c.met && !c.evidence.first().is_some_and(flagged))
        .map(|c| {
            let q = c
                .evidence
                .first()
                .map(|e| quote(&e.text))
                .unwrap_or_default();
            (c.strength, format!("{}: \"{}\"", c.label, q))
        })
        .collect();
    strengths.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut strengths: Vec<String> = strengths.into_iter().map(|(_, s)| s).collect();
    for t in tip_verdicts.iter().filter(|t| t.met && t.weight >= 1.0) {
        strengths.push(match t.id {
            "specific" => "Specific: real names, numbers or times make it believable".into(),
            "outcome-focus" => "You say what changed as a result".into(),
            _ => "You show your skills in action, not just name them".into(),
        });
    }
    if delivery.filler_words == 0 && delivery.words >= 60 {
        strengths.push("Clean delivery: no filler words".into());
    }
    if listy || off_topic {
        // Nothing in a list of words or an answer to another question is worth praising.
        strengths.clear();
    }
    strengths.truncate(5);

    let report = Report {
        question_id: guide.id.clone(),
        question: guide.question.clone(),
        matched: None,
        engine: "lexical",
        score,
        band: Band::from_score(score),
        criteria,
        tips,
        delivery,
        feedback,
        strengths,
        off_topic,
        relevance: on_topic,
    };
    (report, measures)
}

/// What to say about a step the answer touches on but that does not count in it yet:
/// raters credit almost no step to an answer they find weak as a whole.
fn begun_advice(step: &rapport_pack::Step) -> String {
    format!("{}{}", crate::report::BEGUN, step.missing)
}

/// What to say about the first sentence with a red flag (`red-flags.txt`), quoting it.
fn red_flag_line(text: &str, feats: &[Features], lex: &Compiled) -> Option<String> {
    let (f, section) = feats.iter().find_map(|f| Some((f, f.red_flag?)))?;
    let said = quote(&text[f.range.clone()]);
    let advice = match lex.red_flags.names.get(section)?.as_str() {
        "denial" => {
            "sounds as if you see no fault in yourself, and owning one is what the question tests. Name a real slip and what you did about it."
        }
        "deflection" => {
            "passes the problem to someone else. Say what you did yourself before anyone else stepped in."
        }
        "dismissal" => "brushes the customer off. Show how you made them feel heard instead.",
        "disinterest" => {
            "says the work is only a job to you. Say what draws you to working with customers."
        }
        "corners" => {
            "says you went round the rules. Show how you helped within them, or whom you asked first."
        }
        _ => "is a warning sign to an interviewer. Leave it out or say what you would do now.",
    };
    Some(format!("\"{said}\" {advice}"))
}

/// Feedback priced by the fitted score: each missing or weak step, each missed tip and
/// the red flag's line, with the score the answer would get if it were done, best first.
fn fitted_feedback(
    guide: &rapport_pack::Guide,
    (verdicts, begun): (&[StepVerdict], &[bool]),
    tip_verdicts: &[crate::tips::TipVerdict],
    m: &Measures,
    (fit, likelihoods, now): (&Fit, &[f32], f32),
    red_flag: Option<String>,
    lines: &mut Vec<(f32, String)>,
) {
    let shown = now.round();
    let priced = |gain: f32, line: &str| -> (f32, String) {
        let after = (now + gain).round().min(100.0);
        if after >= shown + 2.0 {
            (
                gain,
                format!("{line} (that would take this answer from {shown} to about {after})"),
            )
        } else {
            (gain, line.to_string())
        }
    };
    for (k, ((step, v), begun)) in guide.steps.iter().zip(verdicts).zip(begun).enumerate() {
        if v.met && v.strength >= 0.65 {
            continue;
        }
        let mut with = likelihoods.to_vec();
        with[k] = 1.0;
        let gain = fitted::score_with(fit, m, &with) - now;
        let line = if v.met {
            format!(
                "Make \"{}\" clearer: {}",
                step.label.to_lowercase(),
                step.guidance
            )
        } else if *begun {
            begun_advice(step)
        } else {
            step.missing.clone()
        };
        lines.push(priced(gain.max(0.0), &line));
    }
    let tip_weight: f32 = tip_verdicts
        .iter()
        .map(|t| t.weight)
        .sum::<f32>()
        .max(f32::EPSILON);
    for t in tip_verdicts.iter().filter(|t| !t.met) {
        let with = Measures {
            tips: (m.tips + t.weight * (1.0 - t.strength) / tip_weight).min(1.0),
            ..m.clone()
        };
        let gain = fitted::score_with(fit, &with, likelihoods) - now;
        lines.push(priced(gain.max(0.0), &t.advice));
    }
    if let Some(line) = red_flag {
        let gain = fitted::score_without_red_flags(fit, m) - now;
        lines.push(priced(gain, &line));
    }
}

/// A small deduction for delivery, with the advice that would remove it.
struct Nudge {
    points: f32,
    advice: String,
}

/// Delivery moves the score at the margins only.
fn nudges(d: &Delivery) -> Vec<Nudge> {
    let mut out = Vec::new();
    let per_hundred = |n: usize| n as f32 * 100.0 / d.words.max(1) as f32;
    if !d.negativity.is_empty() {
        out.push(Nudge {
            points: (6.0 + 6.0 * d.negativity.len() as f32).min(24.0),
            advice: format!(
                "Leave out the criticism (\"{}\"): interviewers hear blame as a warning sign. Describe the problem, not the person.",
                quote(&d.negativity[0].text)
            ),
        });
    }
    let fillers = per_hundred(d.filler_words);
    if fillers > 3.0 {
        let list: Vec<String> = d
            .fillers
            .iter()
            .take(3)
            .map(|f| format!("\"{}\" ×{}", f.phrase, f.count))
            .collect();
        out.push(Nudge {
            points: if fillers > 6.0 { 4.0 } else { 2.0 },
            advice: format!(
                "Cut the filler words ({}): a short pause sounds more confident.",
                list.join(", ")
            ),
        });
    }
    if d.cliches.iter().map(|c| c.count).sum::<usize>() >= 2 {
        out.push(Nudge {
            points: 1.0,
            advice: format!(
                "Swap stock phrases (\"{}\") for what you actually did.",
                d.cliches[0].phrase
            ),
        });
    }
    match d.length {
        "too short" if d.words < 25 => out.push(Nudge {
            points: 3.0,
            advice: "Say more: a strong spoken answer runs 1–2 minutes (about 150–300 words), enough for the situation, what you did and the result.".into(),
        }),
        "too long" => out.push(Nudge {
            points: 3.0,
            advice: "Trim it: over three minutes loses the interviewer; keep to 1–2 minutes (150–300 words).".into(),
        }),
        _ => {}
    }
    out
}
