//! Markdown for the exports (scorecards, mock interview reports): the user's text kept
//! as written but unable to break the document or smuggle in HTML.

/// A text on one line: every run of line breaks and tabs becomes one space, and markup
/// is escaped.
pub(crate) fn one_line(text: &str) -> String {
    escape_html(
        &text
            .split(['\n', '\r', '\t'])
            .filter(|l| !l.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// `<`, `>` and `&` as entities: Markdown passes raw HTML through to the page it renders,
/// and the entities show as the characters the user typed.
pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A text as a Markdown block quote, every line verbatim after `> ` but for its markup,
/// escaped.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim_end().lines() {
        if line.trim().is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(&escape_html(line));
            out.push('\n');
        }
    }
    out
}
