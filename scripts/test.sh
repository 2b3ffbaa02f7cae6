#!/usr/bin/env bash
# The one test command: the embedding model, formatting, lints, docs, the PostgreSQL
# test server and every test of the workspace, in that order, stopping at the first stage
# that fails. Safe to run again and again: apart from target/ it only installs the model
# into the data directory (scripts/install-model.sh), which does nothing once the model is
# there and verifies, and sets up PostgreSQL (scripts/postgres.sh), which does nothing
# once it is running with the test role and database, and installs Chromium, espeak-ng,
# opus-tools and playwright-core for the browser and voice tests
# (scripts/install-browser.sh), once.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Runs one stage; on failure names it, shows the command and exits with its status.
stage() {
    local name=$1
    shift
    printf '\n==> %s: %s\n' "$name" "$*"
    local status=0
    "$@" || status=$?
    if [ "$status" -ne 0 ]; then
        printf '\nFAILED at stage "%s" (exit %d): %s\n' "$name" "$status" "$*" >&2
        exit "$status"
    fi
}

# The store's tests run their story against PostgreSQL too: scripts/postgres.sh sets up a
# local server (once, as root) and prints its URL. A URL already in RAPPORT_TEST_POSTGRES
# is used as it is.
postgres_url() {
    if [ -z "${RAPPORT_TEST_POSTGRES:-}" ]; then
        RAPPORT_TEST_POSTGRES=$(scripts/postgres.sh) || return
    fi
    case $RAPPORT_TEST_POSTGRES in
    postgres://* | postgresql://*) ;;
    *)
        printf 'RAPPORT_TEST_POSTGRES is not a postgres:// URL: %s\n' "$RAPPORT_TEST_POSTGRES" >&2
        return 1
        ;;
    esac
    export RAPPORT_TEST_POSTGRES
    printf '%s\n' "$RAPPORT_TEST_POSTGRES"
}

stage "model" scripts/install-model.sh
stage "format" cargo fmt --all -- --check
stage "clippy" cargo clippy --workspace --all-targets -- -D warnings
stage "docs" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
stage "postgres" postgres_url
stage "browser" scripts/install-browser.sh
stage "tests" cargo test --workspace --no-fail-fast

printf '\nall stages passed: model, format, clippy, docs, postgres, browser, tests\n'
