//! `rapport serve`: the web app on this computer.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rapport_server::{AppState, Config};

use crate::cli::ServeArgs;
use crate::exit;
use crate::packs::Library;

/// Starts the server and runs until Ctrl-C.
pub fn run(library: Library, args: &ServeArgs, db: Option<&str>) -> Result<u8> {
    let accounts = accounts(args)?;
    // The request log, on standard error.
    rapport_server::log::init().map_err(anyhow::Error::msg)?;
    let location = crate::history::location(db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async {
        let store = rapport_store::open(&location).await?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let engine_name = library.engine.engine_name();
        let users = match &accounts {
            Some(_) => Some(store.users().await?.len()),
            None => None,
        };
        let config = Config {
            accounts,
            ..Config::new(addr)
        };
        let state =
            AppState::new(Arc::new(library.engine), store, config).with_packs(&library.packs);
        // Speaking an answer needs the speech model; it loads in the background (about a
        // second) while the pages already answer, and without it the pages say how to
        // install it and typing works as ever.
        let voice = match crate::speech::dir().filter(|d| d.exists()) {
            Some(dir) => {
                let state = state.clone();
                tokio::task::spawn_blocking(move || match rapport_speech::Speech::load(&dir) {
                    Ok(speech) => {
                        state.set_speech(Arc::new(speech));
                    }
                    Err(e) => eprintln!(
                        "voice off: cannot load the speech model: {e}; run `rapport model install` to repair it"
                    ),
                });
                "voice on: answers spoken on the page are transcribed on this computer".to_owned()
            }
            None => "voice off: the speech model is not installed (run `rapport model install`)"
                .to_owned(),
        };
        // The first line is the address, so that scripts and tests can read it. Whoever
        // started the server may close the pipe once they have it: that must not stop the
        // server, so write errors are ignored.
        let _ = write!(
            std::io::stdout(),
            "Rapport is running at http://{addr}/\n  engine {engine_name} · attempts in {} · \
             stop with Ctrl-C · requests are logged on standard error (RAPPORT_LOG=warn for \
             fewer)\n  {voice}\n{}",
            rapport_store::redact_password(&location),
            match users {
                None => String::new(),
                Some(0) => "  accounts on, but no users yet: add one with `rapport user add NAME \
                            --role admin --password-stdin`\n"
                    .to_owned(),
                Some(n) => format!("  accounts on: {n} user(s) may log in\n"),
            }
        );
        let app = rapport_server::app(state)
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("the server stopped")?;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(exit::OK)
}

/// The accounts of `--accounts`, with `--public-url` and `--tls-proxy`; without
/// accounts, anyone who can reach the server could read and change the history, so it
/// listens on the loopback interface only.
fn accounts(args: &ServeArgs) -> Result<Option<rapport_server::AccountsConfig>> {
    if !args.accounts {
        if args.public_url.is_some() || args.tls_proxy {
            bail!("--public-url and --tls-proxy are for a server with accounts: add --accounts");
        }
        if !args.addr.ip().is_loopback() {
            bail!(
                "refusing to listen on {}: without accounts anyone who can reach that address \
                 could read and change your practice history; use a loopback address such as \
                 127.0.0.1:{}, or serve a team with --accounts",
                args.addr,
                args.addr.port()
            );
        }
        return Ok(None);
    }
    let public_origin = args
        .public_url
        .as_deref()
        .map(rapport_server::AccountsConfig::public_url)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    Ok(Some(rapport_server::AccountsConfig {
        public_origin,
        tls_proxy: args.tls_proxy,
    }))
}
