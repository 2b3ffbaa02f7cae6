//! The web app and JSON API, driven through the router without a socket
//! (`tower::ServiceExt::oneshot`), over the built-in pack and a real SQLite store in a
//! temporary directory, with the clock fixed.

mod access;
mod accounts;
mod api;
mod ask;
mod cohorts;
mod history;
mod log;
mod mock;
mod pages;
mod rounds;
mod scorecards;
mod security;
mod speech;
mod support;
