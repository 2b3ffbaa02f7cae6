//! Reading a store location (a file path or a database URL) and showing one without its
//! password.

use std::path::PathBuf;

use crate::StoreError;

/// What a location names.
#[derive(Debug, PartialEq)]
pub(crate) enum Location<'a> {
    /// A PostgreSQL URL, as given.
    Postgres(&'a str),
    /// A SQLite file.
    SqliteFile(PathBuf),
    /// A SQLite database in memory.
    SqliteMemory,
}

/// Reads a location; see [`crate::open`] for the forms understood.
pub(crate) fn parse(location: &str) -> Result<Location<'_>, StoreError> {
    let path = match split_scheme(location) {
        Some((scheme, rest)) => match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => return Ok(Location::Postgres(location)),
            "sqlite" => rest,
            _ => return Err(StoreError::Url(redact_password(location))),
        },
        None => location.strip_prefix("sqlite:").unwrap_or(location),
    };
    match path {
        "" => Err(StoreError::Url(redact_password(location))),
        ":memory:" => Ok(Location::SqliteMemory),
        _ => Ok(Location::SqliteFile(PathBuf::from(path))),
    }
}

/// Splits `scheme://rest`. A one-letter "scheme" is a Windows drive, not a scheme.
fn split_scheme(location: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = location.split_once("://")?;
    let is_scheme = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then_some((scheme, rest))
}

/// The location with any password removed, fit for messages and logs:
/// `postgres://rapport:secret@db/rapport` becomes `postgres://rapport@db/rapport`, and a
/// `password=` query parameter is dropped. A location that is not a URL is returned as
/// it is.
pub fn redact_password(location: &str) -> String {
    let Some((scheme, rest)) = location.split_once("://") else {
        return location.to_owned();
    };
    // The user info ends at the last `@` before the query, so that a password holding
    // an unescaped `/` or `@` is still removed whole.
    let query_start = rest.find(['?', '#']).unwrap_or(rest.len());
    let (head, query) = rest.split_at(query_start);
    let head = match head.rfind('@') {
        Some(at) => {
            let user = head[..at].split(':').next().unwrap_or_default();
            format!("{user}@{}", &head[at + 1..])
        }
        None => head.to_owned(),
    };
    format!("{scheme}://{head}{}", redact_query(query))
}

/// `text` with every password that `url` holds replaced by `***`.
pub(crate) fn scrub_passwords(text: &str, url: &str) -> String {
    let mut text = text.to_owned();
    for password in passwords(url) {
        text = text.replace(password, "***");
    }
    text
}

/// The passwords in a URL: in its user info and in `password=` parameters, as written.
fn passwords(url: &str) -> Vec<&str> {
    let Some((_, rest)) = url.split_once("://") else {
        return Vec::new();
    };
    let query_start = rest.find(['?', '#']).unwrap_or(rest.len());
    let (head, query) = rest.split_at(query_start);
    let in_user_info = head
        .rfind('@')
        .and_then(|at| head[..at].split_once(':'))
        .map(|(_, password)| password);
    let in_query = query
        .trim_start_matches('?')
        .split(['&', '#'])
        .filter_map(|param| param.split_once('='))
        .filter(|(key, _)| key.to_ascii_lowercase().contains("password"))
        .map(|(_, password)| password);
    in_user_info
        .into_iter()
        .chain(in_query)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Drops the `password=` (and `sslpassword=`, …) parameters of a `?query#fragment`.
fn redact_query(query: &str) -> String {
    let Some(params) = query.strip_prefix('?') else {
        return query.to_owned();
    };
    let (params, fragment) = match params.find('#') {
        Some(hash) => params.split_at(hash),
        None => (params, ""),
    };
    let kept: Vec<&str> = params
        .split('&')
        .filter(|param| {
            let key = param.split('=').next().unwrap_or_default();
            !key.to_ascii_lowercase().contains("password")
        })
        .collect();
    if kept.is_empty() {
        fragment.to_owned()
    } else {
        format!("?{}{fragment}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_redact(url: &str, expect: &str) {
        assert_eq!(redact_password(url), expect, "{url}");
    }

    #[test]
    fn passwords_are_removed() {
        check_redact(
            "postgres://rapport:secret@127.0.0.1:5432/rapport",
            "postgres://rapport@127.0.0.1:5432/rapport",
        );
        check_redact(
            "postgresql://u:p/a@ss@host/db?sslmode=require",
            "postgresql://u@host/db?sslmode=require",
        );
        check_redact(
            "postgres://host/db?user=u&password=secret&sslmode=disable",
            "postgres://host/db?user=u&sslmode=disable",
        );
        check_redact("postgres://host/db?password=secret", "postgres://host/db");
        check_redact("postgres://u@host/db", "postgres://u@host/db");
        check_redact("/home/me/rapport.db", "/home/me/rapport.db");
    }

    fn check_parse(location: &str, expect: Option<Location<'_>>) {
        assert_eq!(parse(location).ok(), expect, "{location}");
    }

    #[test]
    fn locations_are_read() {
        let file = |p: &str| Some(Location::SqliteFile(PathBuf::from(p)));
        check_parse(
            "postgres://h/db",
            Some(Location::Postgres("postgres://h/db")),
        );
        check_parse(
            "PostgreSQL://h/db",
            Some(Location::Postgres("PostgreSQL://h/db")),
        );
        check_parse("sqlite:///tmp/r.db", file("/tmp/r.db"));
        check_parse("sqlite://r.db", file("r.db"));
        check_parse("sqlite:r.db", file("r.db"));
        check_parse("/tmp/r.db", file("/tmp/r.db"));
        check_parse("C://r.db", file("C://r.db"));
        check_parse(":memory:", Some(Location::SqliteMemory));
        check_parse("sqlite::memory:", Some(Location::SqliteMemory));
        check_parse("mysql://u:secret@h/db", None);
        check_parse("", None);
        check_parse("sqlite://", None);
    }

    #[test]
    fn passwords_are_scrubbed_from_text() {
        let url = "postgres://u:pw1@h/db?password=pw2";
        assert_eq!(scrub_passwords("a pw1 b pw2", url), "a *** b ***");
    }

    #[test]
    fn unsupported_urls_hide_the_password() {
        let Err(StoreError::Url(shown)) = parse("mysql://u:secret@h/db") else {
            panic!("mysql is not supported");
        };
        assert_eq!(shown, "mysql://u@h/db");
    }
}
