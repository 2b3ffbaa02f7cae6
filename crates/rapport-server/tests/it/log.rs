//! The request log: method, path, status and time for every request; never the answer,
//! the query string or the form's token.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::support::TestApp;

/// A writer into a shared buffer, for the log under test.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

#[tokio::test]
async fn every_request_is_logged_without_the_users_words() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test's runtime runs each request on this thread, where this log is set.
    let _log = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new().await;
    let secret_answer = "Zanzibar customer with a lost parcel, traced it and the customer was happy \
        and thanked me and ordered again the next week and told her friends about us.";
    let secret_question = "Quixotic+question";
    let page = app
        .get(&format!(
            "/practice/difficult-customer?question={secret_question}"
        ))
        .await;
    assert_eq!(page.status, 200);
    let csrf = app.csrf();
    let saved = app
        .post_form(
            "/practice/difficult-customer",
            &[("csrf", &csrf), ("answer", secret_answer)],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let missing = app.get("/attempts/999999").await;
    assert_eq!(missing.status, 404);

    let log = buffer.text();
    assert!(
        log.contains("method=GET path=\"/practice/difficult-customer\" status=200"),
        "{log}"
    );
    assert!(
        log.contains("method=POST path=\"/practice/difficult-customer\" status=303"),
        "{log}"
    );
    assert!(log.contains("WARN"), "a 404 is logged as a warning: {log}");
    assert!(
        log.contains("path=\"/attempts/999999\" status=404"),
        "{log}"
    );
    assert!(log.contains(" ms="), "{log}");
    for secret in ["Zanzibar", "Quixotic", csrf.as_str()] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
}
