//! One module per command; [`run`] dispatches to them.

mod eval;
mod mock;
mod model;
mod pack;
mod practice;
mod questions;
mod score;
mod serve;
mod show;
mod user;

use anyhow::Result;

use crate::cli::{Cli, Command, ModelCommand, PackCommand};
use crate::history::History;
use crate::packs::Library;

/// Runs the command and returns its exit code; errors become `error: ...` and exit 1.
pub fn run(cli: Cli) -> Result<u8> {
    // `pack check` reads only the packs it is given, so the library loads on demand; only
    // the commands that judge answers load the model.
    let library = || Library::load(&cli.packs);
    let judge = || -> Result<Library> {
        let mut library = Library::load(&cli.packs);
        let data_dir = crate::packs::data_dir();
        crate::semantic::choose(&mut library.engine, cli.engine, data_dir.as_deref())?;
        Ok(library)
    };
    match &cli.command {
        Command::Questions(args) => questions::run(&library(), args),
        Command::Show(args) => show::run(&library(), args),
        Command::Score(args) => score::run(&judge()?, args),
        Command::Practice(args) => {
            let library = judge()?;
            let history = History::open_or_warn(cli.db.as_deref());
            practice::run(&library, args, history.as_ref())
        }
        Command::Mock(args) => {
            let library = judge()?;
            let history = History::open_or_warn(cli.db.as_deref());
            mock::run(&library, args, history.as_ref())
        }
        Command::Serve(args) => serve::run(judge()?, args, cli.db.as_deref()),
        Command::Eval(args) => eval::run(&judge()?, args),
        Command::Pack(args) => match &args.command {
            PackCommand::Check(check) => pack::check(check),
        },
        Command::Model(args) => match &args.command {
            ModelCommand::Install(install) => model::install(install),
            ModelCommand::Status => model::status(),
        },
        Command::User(args) => user::run(&args.command, cli.db.as_deref()),
    }
}
