//! `open`: which locations it understands, and what its errors say (never a password).

use rapport_store::{StoreError, open};

async fn open_error(location: &str) -> StoreError {
    match open(location).await {
        Ok(store) => panic!("{location} opened a {} store", store.backend()),
        Err(error) => error,
    }
}

#[tokio::test]
async fn unsupported_addresses_are_refused() {
    for location in ["mysql://user:hunter2@localhost/rapport", "", "sqlite://"] {
        let error = open_error(location).await;
        assert!(matches!(error, StoreError::Url(_)), "{location}: {error:?}");
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }
}

#[tokio::test]
async fn an_unwritable_place_is_named() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // A folder cannot be made inside a plain file, even by root.
    let file = dir.path().join("plain");
    std::fs::write(&file, "not a folder").expect("write");
    let path = file.join("data").join("rapport.db");
    let error = open_error(path.to_str().expect("UTF-8 path")).await;
    let StoreError::Open { location, .. } = &error else {
        panic!("expected an open error, got {error:?}");
    };
    assert_eq!(location, &path.display().to_string());
    assert!(error.to_string().contains(location.as_str()), "{error}");
}

#[tokio::test]
async fn postgres_errors_never_show_the_password() {
    // Nothing listens on port 1; a malformed port fails before connecting.
    for url in [
        "postgres://rapport:hunter2@127.0.0.1:1/rapport",
        "postgresql://rapport:hunter2@127.0.0.1:notaport/rapport",
        "postgres://127.0.0.1:1/rapport?user=rapport&password=hunter2",
    ] {
        let error = open_error(url).await;
        let StoreError::Open { location, .. } = &error else {
            panic!("expected an open error for {url}, got {error:?}");
        };
        assert!(location.contains("127.0.0.1"), "{error}");
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(!format!("{error:?}").contains("hunter2"), "{error:?}");
    }
}

#[tokio::test]
async fn a_folder_is_not_a_database() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().display().to_string();
    let error = open_error(&path).await;
    let StoreError::Open { location, .. } = &error else {
        panic!("expected an open error, got {error:?}");
    };
    assert_eq!(location, &path);
}
