//! `rapport user`: the users of a server with accounts, in the same database as the
//! attempts. Passwords come from standard input and are stored only as argon2id hashes.

use std::io::BufRead;

use anyhow::{Context, Result, bail};
use rapport_store::{Store, User};

use crate::cli::UserCommand;
use crate::exit;

/// Runs one `rapport user` subcommand against the store at `--db` (or the default).
pub fn run(command: &UserCommand, db: Option<&str>) -> Result<u8> {
    let location = crate::history::location(db)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async {
        let store = rapport_store::open(&location).await?;
        match command {
            UserCommand::Add {
                name,
                role,
                password_stdin,
            } => {
                rapport_server::check_user_name(name).map_err(anyhow::Error::msg)?;
                let password = read_password(*password_stdin)?;
                let user = User {
                    name: name.clone(),
                    role: role.role(),
                    password_hash: hash(&password)?,
                    created_at_ms: rapport_server::system_clock(),
                };
                if !store.add_user(user).await? {
                    bail!("there is already a user {name:?}: choose another name");
                }
                println!("added {name} ({})", role.role().as_str());
            }
            UserCommand::List { json } => list(store.as_ref(), *json).await?,
            UserCommand::Remove { name } => {
                if !store.remove_user(name).await? {
                    bail!("there is no user {name:?} (`rapport user list` shows them)");
                }
                println!("removed {name} with their practice, scorecards and settings");
            }
            UserCommand::ResetPassword {
                name,
                password_stdin,
            } => {
                if store.user(name).await?.is_none() {
                    bail!("there is no user {name:?} (`rapport user list` shows them)");
                }
                let password = read_password(*password_stdin)?;
                store.set_password(name, &hash(&password)?).await?;
                println!("new password set for {name}; their sessions have ended");
            }
        }
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(exit::OK)
}

/// One line of standard input, without its line ending, checked for length.
fn read_password(from_stdin: bool) -> Result<String> {
    if !from_stdin {
        bail!(
            "give the password on standard input with --password-stdin, so that it stays \
             out of the shell's history"
        );
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    rapport_server::check_new_password(&password).map_err(anyhow::Error::msg)?;
    Ok(password)
}

fn hash(password: &str) -> Result<String> {
    rapport_server::hash_password(password).map_err(anyhow::Error::msg)
}

async fn list(store: &dyn Store, json: bool) -> Result<()> {
    let users = store.users().await?;
    if json {
        let doc: Vec<serde_json::Value> = users
            .iter()
            .map(|u| {
                serde_json::json!({
                    "name": u.name,
                    "role": u.role.as_str(),
                    "created_at_ms": u.created_at_ms,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else if users.is_empty() {
        println!(
            "no users yet: add one with `rapport user add NAME --role admin --password-stdin`"
        );
    } else {
        for u in &users {
            println!("{:<24} {}", u.name, u.role.as_str());
        }
    }
    Ok(())
}
