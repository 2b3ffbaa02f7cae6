//! One module per command; [`run`] dispatches to them.

mod eval;
mod mock;
mod model;
mod pack;
mod practice;
mod questions;
mod score;
mod show;

use anyhow::Result;

use crate::cli::{Cli, Command, ModelCommand, PackCommand};
use crate::packs::Library;

/// Runs the command and returns its exit code; errors become `error: ...` and exit 1.
pub fn run(cli: Cli) -> Result<u8> {
    // `pack check` reads only the packs it is given, so the library loads on demand.
    let library = || Library::load(&cli.packs);
    match &cli.command {
        Command::Questions(args) => questions::run(&library(), args),
        Command::Show(args) => show::run(&library(), args),
        Command::Score(args) => score::run(&library(), args),
        Command::Practice(args) => practice::run(&library(), args),
        Command::Mock(args) => mock::run(&library(), args),
        Command::Eval(args) => eval::run(&library(), args),
        Command::Pack(args) => match &args.command {
            PackCommand::Check(check) => pack::check(check),
        },
        Command::Model(args) => match &args.command {
            ModelCommand::Install(install) => model::install(install),
            ModelCommand::Status => model::status(),
        },
    }
}
