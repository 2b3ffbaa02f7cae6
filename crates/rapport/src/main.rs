//! The `rapport` command: practise, score and study interview answers in the terminal.

mod card;
mod cli;
mod commands;
mod dialogue;
mod history;
mod input;
mod packs;
mod semantic;
mod speech;
mod suggest;
mod term;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

/// Exit codes, as documented in `rapport --help` and docs/cli.md.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The input could not be scored (bad answer, unknown question, unreadable file).
    pub const UNSCORABLE: u8 = 1;
    /// Usage error; clap exits with it directly.
    #[allow(dead_code)]
    pub const USAGE: u8 = 2;
    /// `rapport pack check` found errors.
    pub const PACK_ERRORS: u8 = 3;
    /// A practice or mock attempt was scored but could not be saved to the history.
    pub const NOT_SAVED: u8 = 4;
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(exit::OK),
        Err(err) => {
            let message: Vec<String> = err.chain().map(|e| lower_first(&e.to_string())).collect();
            let _ = writeln!(io::stderr(), "error: {}", message.join(": "));
            ExitCode::from(exit::UNSCORABLE)
        }
    }
}

/// Whether the error is output closed early (`rapport questions | head -1`), which is
/// not worth a message.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let kind = match e.downcast_ref::<serde_json::Error>() {
            Some(e) => e.io_error_kind(),
            None => e.downcast_ref::<io::Error>().map(io::Error::kind),
        };
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

pub use rapport_server::contract::lower_first;
