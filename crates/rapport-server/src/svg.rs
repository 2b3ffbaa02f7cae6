//! The progress chart of one question's history: score over time, and one row per step
//! showing met or missing at each attempt. This module only does the geometry; the
//! template `progress_chart.html` writes the SVG, so every text in it is escaped like
//! the rest of the page. Met and missing differ in shape (filled disc, hollow ring) as
//! well as colour, and every mark has a `<title>` for a tooltip and screen readers.

/// Width of the drawing, in SVG units.
const WIDTH: f32 = 720.0;
/// Room on the left for the axis and the step labels.
const LEFT: f32 = 150.0;
/// Room on the right.
const RIGHT: f32 = 24.0;
/// Top margin.
const TOP: f32 = 16.0;
/// Height of the score plot.
const PLOT: f32 = 180.0;
/// Gap between the score plot and the step rows.
const GAP: f32 = 36.0;
/// Height of one step row.
const ROW: f32 = 26.0;
/// How many characters of a step label fit left of the rows (at 13 px, up to 7.5 px a
/// character, in the 150 left of the plot less the 12 of padding).
const LABEL_CHARS: usize = 18;

/// One attempt as the chart needs it.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    /// When, as shown in tooltips.
    pub(crate) when: String,
    /// 0–100.
    pub(crate) score: u8,
    /// The band's name.
    pub(crate) band: String,
    /// Per step of the guide, in the order of `steps`: met, missing, or not recorded.
    pub(crate) steps: Vec<Option<bool>>,
}

/// The chart, in coordinates ready for the template.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    /// `viewBox` width.
    pub(crate) width: String,
    /// `viewBox` height.
    pub(crate) height: String,
    /// Where the plot starts and ends horizontally.
    pub(crate) left: String,
    /// Where the plot ends horizontally.
    pub(crate) right: String,
    /// Horizontal lines at the band thresholds.
    pub(crate) grid: Vec<GridLine>,
    /// The score line, as `points` of a polyline.
    pub(crate) line: String,
    /// One per attempt.
    pub(crate) points: Vec<Point>,
    /// One per step.
    pub(crate) rows: Vec<Row>,
    /// When the first and the last attempt were made, under the plot.
    pub(crate) dates: Vec<DateLabel>,
    /// Where the date labels' baseline sits.
    pub(crate) dates_y: String,
    /// A sentence saying what the chart shows, for screen readers.
    pub(crate) summary: String,
    /// The prefix of its element ids, unique on its page (`chart` unless several charts
    /// share a page: see [`Chart::with_id`]).
    pub(crate) id: String,
}

impl Chart {
    /// The same chart with ids of its own, for a page with several charts.
    pub(crate) fn with_id(mut self, id: String) -> Chart {
        self.id = id;
        self
    }
}

/// A horizontal guide line.
#[derive(Debug, Clone)]
pub(crate) struct GridLine {
    /// Its height.
    pub(crate) y: String,
    /// Where its label's baseline sits.
    pub(crate) label_y: String,
    /// The score it marks.
    pub(crate) label: String,
}

/// An attempt's score.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    /// Centre.
    pub(crate) x: String,
    /// Centre.
    pub(crate) y: String,
    /// The band, for the colour.
    pub(crate) band: String,
    /// Tooltip.
    pub(crate) title: String,
}

/// A date under the plot.
#[derive(Debug, Clone)]
pub(crate) struct DateLabel {
    /// Where it is anchored.
    pub(crate) x: String,
    /// `start`, `middle` or `end`.
    pub(crate) anchor: &'static str,
    /// The date.
    pub(crate) text: String,
}

/// A step's row.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The label, shortened to fit.
    pub(crate) label: String,
    /// The row's centre line.
    pub(crate) y: String,
    /// The label's baseline.
    pub(crate) text_y: String,
    /// One per attempt that recorded the step.
    pub(crate) cells: Vec<Cell>,
}

/// A step at one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// Centre.
    pub(crate) x: String,
    /// Whether the step was met.
    pub(crate) met: bool,
    /// Tooltip.
    pub(crate) title: String,
}

/// The chart for these attempts (oldest first) on a guide with these steps
/// (`(id, label)`).
pub(crate) fn progress(steps: &[(String, String)], samples: &[Sample]) -> Chart {
    let n = samples.len();
    let span = WIDTH - LEFT - RIGHT;
    let x_of = |i: usize| {
        if n <= 1 {
            LEFT + span / 2.0
        } else {
            LEFT + span * i as f32 / (n - 1) as f32
        }
    };
    let y_of = |score: u8| TOP + PLOT * (1.0 - f32::from(score.min(100)) / 100.0);
    let grid = [0u8, 40, 60, 80, 100]
        .into_iter()
        .map(|s| GridLine {
            y: num(y_of(s)),
            label_y: num(y_of(s) + 4.0),
            label: s.to_string(),
        })
        .collect();
    let points: Vec<Point> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| Point {
            x: num(x_of(i)),
            y: num(y_of(s.score)),
            band: s.band.clone(),
            title: format!("{}: {}/100, {}", s.when, s.score, s.band),
        })
        .collect();
    let line = points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let rows_top = TOP + PLOT + GAP;
    let rows = steps
        .iter()
        .enumerate()
        .map(|(r, (_, label))| {
            let y = rows_top + ROW * r as f32 + ROW / 2.0;
            Row {
                label: shorten(label, LABEL_CHARS),
                y: num(y),
                text_y: num(y + 4.0),
                cells: samples
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| {
                        let met = s.steps.get(r).copied().flatten()?;
                        Some(Cell {
                            x: num(x_of(i)),
                            met,
                            title: format!(
                                "{}: {label} {}",
                                s.when,
                                if met { "met" } else { "missing" }
                            ),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    let height = rows_top + ROW * steps.len() as f32 + 8.0;
    // Numbered, so that two attempts in the same minute read apart.
    let date = |i: usize, anchor| DateLabel {
        x: num(x_of(i)),
        anchor,
        text: format!("#{} · {}", i + 1, samples[i].when),
    };
    let dates = match n {
        0 => Vec::new(),
        1 => vec![date(0, "middle")],
        _ => vec![date(0, "start"), date(n - 1, "end")],
    };
    let summary = match (samples.first(), samples.last()) {
        (Some(first), Some(last)) if n > 1 => format!(
            "Score over {n} attempts, from {} to {}, and each step met or missing at each attempt",
            first.score, last.score
        ),
        (Some(only), _) => format!(
            "Score of the one attempt, {}, and each step met or missing",
            only.score
        ),
        _ => "No attempts yet".to_owned(),
    };
    Chart {
        width: num(WIDTH),
        height: num(height),
        left: num(LEFT),
        right: num(WIDTH - RIGHT),
        grid,
        line,
        points,
        rows,
        dates,
        dates_y: num(TOP + PLOT + 18.0),
        summary,
        id: "chart".to_owned(),
    }
}

/// A coordinate with at most one decimal.
fn num(x: f32) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// A label cut to `max` characters with `…`.
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(score: u8, steps: Vec<Option<bool>>) -> Sample {
        Sample {
            when: "2026-01-01 10:00".into(),
            score,
            band: "solid".into(),
            steps,
        }
    }

    #[test]
    fn one_point_per_attempt_and_one_cell_per_recorded_step() {
        let steps = vec![("a".into(), "Alpha".into()), ("b".into(), "Beta".into())];
        let chart = progress(
            &steps,
            &[
                sample(0, vec![Some(false), Some(false)]),
                sample(100, vec![Some(true), None]),
            ],
        );
        assert_eq!(chart.points.len(), 2);
        assert_eq!(chart.line, "150,196 696,16");
        assert_eq!(chart.rows.len(), 2);
        assert_eq!(chart.rows[0].cells.len(), 2);
        assert_eq!(chart.rows[1].cells.len(), 1);
        assert!(chart.rows[0].cells[1].met);
    }

    #[test]
    fn attempts_in_the_same_minute_are_labelled_apart() {
        let mut first = sample(20, Vec::new());
        let mut last = sample(70, Vec::new());
        first.when = "2026-01-01 10:00".into();
        last.when = "2026-01-01 10:00".into();
        let chart = progress(&[], &[first, sample(40, Vec::new()), last]);
        let labels: Vec<&str> = chart.dates.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(labels, ["#1 · 2026-01-01 10:00", "#3 · 2026-01-01 10:00"]);
    }

    #[test]
    fn a_single_attempt_sits_in_the_middle() {
        let chart = progress(&[], &[sample(50, Vec::new())]);
        assert_eq!(chart.points[0].x, "423");
        assert_eq!(chart.points[0].y, "106");
    }

    #[test]
    fn numbers_and_labels_are_compact() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(shorten("Short", 10), "Short");
        assert_eq!(shorten("A rather long label", 10), "A rather…");
    }
}
