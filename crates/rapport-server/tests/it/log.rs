//! The request log: method, path, status and time for every request; never the answer,
//! the query string or the form's token.

use crate::support::{LogBuffer, TestApp};

#[tokio::test]
async fn every_request_is_logged_without_the_users_words() {
    let (buffer, _log) = LogBuffer::capture();

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
