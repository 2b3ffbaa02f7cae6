//! The store's tests: one storage story run against SQLite and PostgreSQL, and how
//! `open` reads locations and reports failures.

mod open;
mod postgres;
mod sqlite;
mod story;
mod upgrade;
