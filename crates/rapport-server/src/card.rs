//! The feedback card of docs/contract.md for the web: what `templates/card.html` shows, built
//! from a report and the answer. It carries what the terminal card does (band, score,
//! speaking time, each step with its evidence or what is missing, tips, delivery, what
//! was good, the next move first) plus the answer itself, cut into segments so the
//! template can highlight each step's evidence without ever marking text as safe.

use rapport_engine::{Found, GENERAL_ID, Report};

/// How many characters of evidence a step quotes.
const QUOTE_CHARS: usize = 90;
/// How many "what was good" lines the card shows.
const MAX_STRENGTHS: usize = 3;
/// How many step colours the stylesheet defines (`.c0` to `.c5`).
pub(crate) const COLOURS: usize = 6;

/// The card, ready for the template.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    /// The question, as the guide asks it.
    pub(crate) question: String,
    /// For a free question: which guide judged it.
    pub(crate) matched: Option<String>,
    /// `strong`, `solid`, `developing` or `weak`.
    pub(crate) band: &'static str,
    /// 0–100.
    pub(crate) score: u8,
    /// Speaking time, `1 min 05 s`.
    pub(crate) spoken: String,
    /// The change that would lift the answer most.
    pub(crate) next: Option<String>,
    /// The other changes, in order.
    pub(crate) more: Vec<String>,
    /// One per step of the guide.
    pub(crate) steps: Vec<CardStep>,
    /// How many steps are met.
    pub(crate) met: usize,
    /// The five tips.
    pub(crate) tips: Vec<CardTip>,
    /// The delivery line.
    pub(crate) delivery: String,
    /// What was good.
    pub(crate) strengths: Vec<String>,
    /// Whether the answer seems to be about something else.
    pub(crate) off_topic: bool,
    /// The answer, cut where evidence starts and ends.
    pub(crate) answer: Vec<Segment>,
}

/// One step on the card.
#[derive(Debug, Clone)]
pub(crate) struct CardStep {
    /// Step id.
    pub(crate) id: String,
    /// Step label.
    pub(crate) label: String,
    /// Whether the answer takes it.
    pub(crate) met: bool,
    /// Found, but not counted yet in an answer this weak as a whole.
    pub(crate) begun: bool,
    /// How clearly, in per cent.
    pub(crate) percent: u8,
    /// The evidence quoted (one line; empty when missing).
    pub(crate) quote: String,
    /// What to do when it is missing.
    pub(crate) advice: String,
    /// What an interviewer would ask when it is missing.
    pub(crate) follow_up: String,
    /// The step's highlight colour, `0..COLOURS`.
    pub(crate) colour: usize,
}

/// One tip on the card.
#[derive(Debug, Clone)]
pub(crate) struct CardTip {
    /// Tip id (`specific`, …).
    pub(crate) id: String,
    /// Tip label.
    pub(crate) label: String,
    /// Whether the answer follows it.
    pub(crate) met: bool,
    /// Why not, or how to.
    pub(crate) advice: String,
}

/// A piece of the answer: plain, or evidence for a step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Segment {
    /// The text, exactly as in the answer.
    pub(crate) text: String,
    /// The step it is evidence for.
    pub(crate) mark: Option<Mark>,
}

/// A highlighted piece's step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mark {
    /// Step id.
    pub(crate) step: String,
    /// Step label, and the labels of any other steps the same words carry.
    pub(crate) label: String,
    /// The step's colour.
    pub(crate) colour: usize,
}

impl Card {
    /// The card for a report on `answer`.
    pub(crate) fn new(report: &Report, answer: &str) -> Card {
        let matched = report.matched.as_ref().map(|m| {
            if m.guide_id == GENERAL_ID {
                format!(
                    "No guide is close to this question (the nearest is `{}`), so it was \
                     judged as a general behavioural question.",
                    m.closest_id
                )
            } else {
                format!("Judged against the guide `{}`.", m.guide_id)
            }
        });
        // Each step quotes the first span no earlier step quoted, as the terminal does.
        let mut quoted: Vec<(usize, usize)> = Vec::new();
        let steps: Vec<CardStep> = report
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let quote = if c.met {
                    let fresh = c
                        .evidence
                        .iter()
                        .find(|e| !quoted.contains(&(e.start, e.end)))
                        .or_else(|| c.evidence.first());
                    fresh.map_or_else(String::new, |e| {
                        quoted.push((e.start, e.end));
                        quote(&e.text, QUOTE_CHARS)
                    })
                } else {
                    String::new()
                };
                CardStep {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    met: c.met,
                    begun: c.begun,
                    percent: percent(c.strength),
                    quote,
                    advice: c.advice.trim().to_owned(),
                    follow_up: c.follow_up.trim().to_owned(),
                    colour: i % COLOURS,
                }
            })
            .collect();
        let tips = report
            .tips
            .iter()
            .map(|t| CardTip {
                id: t.id.clone(),
                label: t.label.clone(),
                met: t.met,
                advice: t.advice.trim().to_owned(),
            })
            .collect();
        let mut feedback = report.feedback.iter().map(|f| f.trim().to_owned());
        Card {
            question: report.question.trim().to_owned(),
            matched,
            band: report.band.as_str(),
            score: report.score,
            spoken: speaking_time(report.delivery.speaking_seconds),
            next: feedback.next(),
            more: feedback.collect(),
            met: steps.iter().filter(|s| s.met).count(),
            answer: segments(report, answer),
            steps,
            tips,
            delivery: delivery(report),
            strengths: report
                .strengths
                .iter()
                .take(MAX_STRENGTHS)
                .map(|s| s.trim().to_owned())
                .collect(),
            off_topic: report.off_topic,
        }
    }
}

/// A strength 0–1 in whole per cent.
fn percent(strength: f32) -> u8 {
    (strength.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// The answer cut at every boundary of the met steps' evidence (see [`highlight`]).
/// Spans that do not fall on character boundaries of this answer are ignored, so a
/// report that does not belong to the answer cannot split a character.
pub(crate) fn segments(report: &Report, answer: &str) -> Vec<Segment> {
    let steps: Vec<(&str, &str)> = report
        .criteria
        .iter()
        .map(|c| (c.id.as_str(), c.label.as_str()))
        .collect();
    let spans: Vec<Span> = report
        .criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| c.met)
        .flat_map(|(i, c)| {
            c.evidence.iter().enumerate().map(move |(rank, e)| Span {
                start: e.start,
                end: e.end,
                step: i,
                rank,
            })
        })
        .collect();
    highlight(answer, &steps, &spans)
}

/// A span of text that is evidence for a step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    /// Byte offset of the first byte.
    pub(crate) start: usize,
    /// Byte offset one past the last byte.
    pub(crate) end: usize,
    /// Index of the step in the guide.
    pub(crate) step: usize,
    /// Where the span comes in the step's evidence (0 for its best sentence).
    pub(crate) rank: usize,
}

/// Cuts `text` at every span boundary. `steps` are `(id, label)` in guide order. A
/// piece covered by several steps' spans is marked for the step it is the best evidence
/// of (lowest rank, then guide order), and its label names all of them, that step
/// first. Spans off the text's character boundaries, or naming no step, are ignored.
pub(crate) fn highlight(text: &str, steps: &[(&str, &str)], spans: &[Span]) -> Vec<Segment> {
    let spans: Vec<Span> = spans
        .iter()
        .copied()
        .filter(|s| {
            s.start < s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end)
                && s.step < steps.len()
        })
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    cuts.extend(spans.iter().flat_map(|s| [s.start, s.end]));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Segment> = Vec::new();
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let mut covering: Vec<(usize, usize)> = spans
            .iter()
            .filter(|s| s.start <= a && b <= s.end)
            .map(|s| (s.rank, s.step))
            .collect();
        covering.sort_unstable();
        let mut order: Vec<usize> = Vec::new();
        for (_, step) in covering {
            if !order.contains(&step) {
                order.push(step);
            }
        }
        let mark = order.first().map(|&first| Mark {
            step: steps[first].0.to_owned(),
            label: order
                .iter()
                .map(|&i| steps[i].1)
                .collect::<Vec<_>>()
                .join(" · "),
            colour: first % COLOURS,
        });
        let piece = &text[a..b];
        match out.last_mut() {
            Some(last) if last.mark == mark => last.text.push_str(piece),
            _ => out.push(Segment {
                text: piece.to_owned(),
                mark,
            }),
        }
    }
    out
}

/// `1 min 05 s`, or `45 s` under a minute.
pub fn speaking_time(seconds: u32) -> String {
    if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{} min {:02} s", seconds / 60, seconds % 60)
    }
}

/// The delivery line: words, fillers, hedges, clichés, negativity; the terminal card
/// prints the same line.
pub fn delivery(report: &Report) -> String {
    let d = &report.delivery;
    let mut parts = Vec::new();
    let words = plural(d.words, "word", "words");
    parts.push(if d.length == "good" || d.length.is_empty() {
        words
    } else {
        format!("{words} ({})", d.length)
    });
    parts.push(found(d.filler_words, &d.fillers, "filler", "fillers"));
    let hedges = d.hedges.iter().map(|f| f.count).sum();
    parts.push(found(hedges, &d.hedges, "hedge", "hedges"));
    let cliches = d.cliches.iter().map(|f| f.count).sum();
    if cliches > 0 {
        parts.push(found(cliches, &d.cliches, "cliché", "clichés"));
    }
    if !d.negativity.is_empty() {
        parts.push(plural(
            d.negativity.len(),
            "negative sentence",
            "negative sentences",
        ));
    }
    parts.join(" · ")
}

/// `no fillers`, or `2 fillers ("like", "you know")`.
fn found(total: usize, list: &[Found], one: &str, many: &str) -> String {
    if total == 0 {
        return format!("no {many}");
    }
    let quoted: Vec<String> = list.iter().map(|f| format!("\"{}\"", f.phrase)).collect();
    if quoted.is_empty() {
        plural(total, one, many)
    } else {
        format!("{} ({})", plural(total, one, many), quoted.join(", "))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A span as one line: whitespace collapsed, closing punctuation dropped, and cut on a
/// word boundary with `…` when longer than `max` characters.
pub fn quote(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let flat = words.join(" ");
    let flat = flat.trim_end_matches(['.', ',', ';', ':', '!']);
    if flat.chars().count() <= max {
        return flat.to_owned();
    }
    let mut out = String::new();
    for word in flat.split(' ') {
        let next = out.chars().count() + usize::from(!out.is_empty()) + word.chars().count();
        if next > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        // One very long word: cut it.
        out = flat.chars().take(max.saturating_sub(1)).collect();
    }
    let out = out.trim_end_matches([',', ';', ':', '-', '—']).trim_end();
    format!("{out}…")
}

/// The first `max` characters of a text on one line, cut on a word boundary, for lists.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    quote(text, max)
}

#[cfg(test)]
mod tests {
    use rapport_engine::{Band, Criterion, Delivery, Evidence, Report};

    use super::*;

    fn criterion(id: &str, spans: &[(usize, usize)], answer: &str) -> Criterion {
        Criterion {
            id: id.into(),
            label: id.to_uppercase(),
            met: !spans.is_empty(),
            begun: false,
            strength: 1.0,
            evidence: spans
                .iter()
                .map(|&(start, end)| Evidence {
                    start,
                    end,
                    text: answer.get(start..end).unwrap_or("").into(),
                    why: String::new(),
                })
                .collect(),
            advice: String::new(),
            follow_up: String::new(),
        }
    }

    fn report(criteria: Vec<Criterion>) -> Report {
        Report {
            question_id: "q".into(),
            question: "Q?".into(),
            matched: None,
            engine: "lexical",
            score: 50,
            band: Band::Developing,
            criteria,
            tips: Vec::new(),
            delivery: Delivery {
                words: 0,
                sentences: 0,
                speaking_seconds: 0,
                filler_words: 0,
                fillers: Vec::new(),
                hedges: Vec::new(),
                cliches: Vec::new(),
                negativity: Vec::new(),
                length: "good",
            },
            feedback: Vec::new(),
            strengths: Vec::new(),
            off_topic: false,
            relevance: 0.0,
        }
    }

    fn shape(segments: &[Segment]) -> Vec<(String, Option<String>)> {
        segments
            .iter()
            .map(|s| (s.text.clone(), s.mark.as_ref().map(|m| m.label.clone())))
            .collect()
    }

    #[test]
    fn segments_cover_the_answer_and_mark_evidence() {
        let answer = "Café first. Then « more ». End";
        let a = answer.find("Then").unwrap_or(0);
        let b = answer.find(" End").unwrap_or(0);
        let first = answer.find("first").unwrap_or(0);
        let dot = answer.find(". Then").unwrap_or(0) + 1;
        let r = report(vec![
            criterion("one", &[(0, dot)], answer),
            criterion("two", &[(a, b), (first, dot)], answer),
            criterion("three", &[], answer),
        ]);
        let segments = segments(&r, answer);
        let joined: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, answer);
        assert_eq!(
            shape(&segments),
            vec![
                ("Café ".into(), Some("ONE".into())),
                ("first.".into(), Some("ONE · TWO".into())),
                (" ".into(), None),
                ("Then « more ».".into(), Some("TWO".into())),
                (" End".into(), None),
            ]
        );
    }

    #[test]
    fn spans_off_character_boundaries_are_ignored() {
        let answer = "é is two bytes";
        let r = report(vec![criterion("one", &[(1, 4), (3, 400)], answer)]);
        assert_eq!(shape(&segments(&r, answer)), vec![(answer.into(), None)]);
    }
}
