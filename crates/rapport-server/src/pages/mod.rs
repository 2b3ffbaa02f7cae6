//! The HTML pages, one module per page family: the question list and guides
//! (`questions`), the user's own questions matched to guides (`ask`), practice and the
//! result of an attempt (`practice`), history and progress (`history`), the mock
//! interview (`mock`) and interviewer scorecards (`scorecards`).
//!
//! Every page extends `templates/base.html`, which needs a `csrf` field (the page's
//! `<meta name="csrf-token">`). Every form that posts carries the token as a hidden
//! `csrf` field; the security layer checks it and so should the handler
//! ([`crate::security::check_form_token`]). Templates are askama's, auto-escaped; no
//! template marks user text as safe.

pub mod mock;
pub mod scorecards;

mod ask;
pub(crate) mod history;
mod markdown;
mod practice;
mod questions;
mod rounds;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::{AppError, AppState};

/// The routes of every page family.
pub(crate) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .merge(questions::routes())
        .merge(ask::routes())
        .merge(practice::routes())
        .merge(history::routes())
        .merge(mock::routes())
        .merge(scorecards::routes())
        .merge(rounds::routes())
}

/// Renders a page as a `200 OK` HTML response.
pub(crate) fn page(template: &impl Template) -> Result<Response, AppError> {
    page_with(StatusCode::OK, template)
}

/// Renders a page as an HTML response with this status.
pub(crate) fn page_with(
    status: StatusCode,
    template: &impl Template,
) -> Result<Response, AppError> {
    template
        .render()
        .map(|html| (status, Html(html)).into_response())
        .map_err(|_| crate::scoring::internal("the page could not be rendered"))
}

/// What the recorder on the practice and mock question pages (`templates/voice.html`,
/// `static/voice.js`) needs from the server.
///
/// Whether the speech model is there is not part of it: the server loads the model in the
/// background after it starts, so a page could not tell "not installed" from "not loaded
/// yet". `POST /api/transcribe` says which (`speech_unavailable`), and the page shows it.
pub(crate) struct Voice {
    /// The longest recording transcribed at once, in seconds: the recorder stops there.
    pub(crate) max_seconds: u32,
    /// The tokens of the recordings held for this answer (when the user keeps
    /// recordings), carried by the form so that a page shown again keeps them.
    pub(crate) recordings: String,
}

impl Voice {
    /// The recorder of this server.
    pub(crate) fn new() -> Voice {
        Voice {
            max_seconds: rapport_speech::MAX_SECONDS,
            recordings: String::new(),
        }
    }

    /// The longest recording as people say it: `5 minutes`, `90 seconds`.
    pub(crate) fn limit_text(&self) -> String {
        let (m, s) = (self.max_seconds / 60, self.max_seconds % 60);
        match (m, s) {
            (1, 0) => "1 minute".to_owned(),
            (m, 0) => format!("{m} minutes"),
            _ => format!("{} seconds", self.max_seconds),
        }
    }
}

/// A link on an error page.
pub(crate) struct Link {
    /// Where it goes (a path on this server).
    pub(crate) href: String,
    /// What it says.
    pub(crate) text: String,
}

/// The friendly "not found" page.
#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    csrf: String,
    heading: String,
    message: String,
    suggestion: Option<Link>,
}

/// A 404 page with a heading, a sentence and, when there is one, a "did you mean" link.
pub(crate) fn not_found(
    state: &AppState,
    heading: &str,
    message: &str,
    suggestion: Option<Link>,
) -> Response {
    let page = NotFoundPage {
        csrf: state.csrf_token().to_owned(),
        heading: heading.to_owned(),
        message: message.to_owned(),
        suggestion,
    };
    page_with(StatusCode::NOT_FOUND, &page).unwrap_or_else(IntoResponse::into_response)
}

/// The 404 page for a guide id no pack defines, suggesting the closest one.
pub(crate) fn unknown_guide_page(state: &AppState, id: &str, path: &str) -> Response {
    let suggestion = state.engine().suggest_id(id).map(|s| Link {
        href: format!("{path}/{s}"),
        text: format!("Did you mean “{s}”?"),
    });
    not_found(
        state,
        "No such question",
        &format!("There is no question with the id “{id}”."),
        suggestion,
    )
}

/// Text as one value of a query string (`application/x-www-form-urlencoded`), for the
/// links pages build: letters, digits and `-_.~` as they are, a space as `+`, every
/// other byte as `%XX`.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A time in milliseconds since the Unix epoch as `YYYY-MM-DD HH:MM` (UTC).
pub(crate) fn format_time(ms: i64) -> String {
    let (date, hour, minute) = civil(ms);
    format!("{date} {hour:02}:{minute:02}")
}

/// A time as an HTML `datetime` value, `YYYY-MM-DDTHH:MMZ`.
pub(crate) fn machine_time(ms: i64) -> String {
    let (date, hour, minute) = civil(ms);
    format!("{date}T{hour:02}:{minute:02}Z")
}

/// The UTC date (`YYYY-MM-DD`), hour and minute of a time.
fn civil(ms: i64) -> (String, i64, i64) {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days, for the proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        rest / 3600,
        rest % 3600 / 60,
    )
}

#[cfg(test)]
mod tests {
    use super::{encode, format_time, machine_time};

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("Why us? 100% & more"), "Why+us%3F+100%25+%26+more");
        assert_eq!(encode("café"), "caf%C3%A9");
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(format_time(0), "1970-01-01 00:00");
        assert_eq!(format_time(1_700_000_000_000), "2023-11-14 22:13");
        assert_eq!(machine_time(951_782_400_000), "2000-02-29T00:00Z");
    }
}

/// A form post the server refused (an out-of-date token, another site, a body too large
/// or not UTF-8), as a page a person can read instead of JSON.
#[derive(Template)]
#[template(path = "refused.html")]
struct RefusedPage {
    csrf: String,
    code: &'static str,
    heading: &'static str,
    message: String,
    resend: Option<Resend>,
}

/// The refused form, ready to send again with a fresh token.
struct Resend {
    action: String,
    fields: Vec<ResendField>,
}

/// One field of a refused form.
struct ResendField {
    name: String,
    value: String,
    /// Shown for the user to read and edit (their own text), not hidden.
    shown: bool,
    label: String,
}

/// Fields that carry the user's own words, by name, with the label they are shown under.
const TEXT_FIELDS: [(&str, &str); 6] = [
    ("answer", "Your answer"),
    ("question", "Your question"),
    ("questions", "Your questions"),
    ("notes", "Your notes"),
    ("candidate", "Candidate"),
    ("comment", "Your comment"),
];

/// The page for a refused form post. With `resend` (the form's action and fields, for a
/// refusal that only needs a fresh token) the user's text is kept in a form that sends
/// it again; without, nothing of the post is shown (it may not be the user's).
pub(crate) fn refused(
    state: &AppState,
    error: &AppError,
    resend: Option<(String, Vec<(String, String)>)>,
) -> Response {
    let heading = match error.code {
        "bad_csrf_token" => "Not saved yet: send it again",
        "cross_origin" => "Refused: sent from another site",
        "body_too_large" => "Not saved: too long",
        "not_utf8" => "Not saved: unreadable text",
        _ => "Not saved",
    };
    let message = match error.code {
        "bad_csrf_token" => "This page was opened before Rapport last started, so its form \
            is out of date. Nothing is lost: what you wrote is below. Press “Send again” to \
            finish."
            .to_owned(),
        "cross_origin" => "This form was sent from another web site, not from Rapport's own \
            pages, so Rapport refused it. Nothing was saved."
            .to_owned(),
        "body_too_large" => format!(
            "What was sent is larger than {} KiB, so nothing was saved. Your draft is still \
             in this browser: go back, shorten it, and send it again.",
            crate::security::MAX_BODY_BYTES / 1024
        ),
        "not_utf8" => "The form's text was not sent as UTF-8, so it could not be read \
            without garbling it and nothing was saved. Send it again from Rapport's own page."
            .to_owned(),
        _ => format!("{}.", error.message),
    };
    let resend = resend.map(|(action, fields)| Resend {
        action,
        fields: fields
            .into_iter()
            .filter(|(name, _)| name != "csrf")
            .map(|(name, value)| {
                let label = TEXT_FIELDS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, l)| (*l).to_owned());
                let shown = label.is_some() || value.contains('\n') || value.chars().count() > 60;
                ResendField {
                    label: label.unwrap_or_else(|| name.replace('_', " ")),
                    name,
                    value,
                    shown,
                }
            })
            .collect(),
    });
    let page = RefusedPage {
        csrf: state.csrf_token().to_owned(),
        code: error.code,
        heading,
        message,
        resend,
    };
    match page_with(error.status, &page) {
        Ok(response) => response,
        Err(_) => AppError::new(error.status, error.code, error.message.clone()).into_response(),
    }
}

/// A page handler's result, with "not found" shown as the page `missing` makes (its
/// friendly 404) and any other error as itself.
pub(crate) fn or_not_found(
    state: &AppState,
    result: Result<Response, AppError>,
    missing: fn(&AppState) -> Response,
) -> Response {
    match result {
        Err(err) if err.status == StatusCode::NOT_FOUND => missing(state),
        Err(err) => err.into_response(),
        Ok(response) => response,
    }
}
