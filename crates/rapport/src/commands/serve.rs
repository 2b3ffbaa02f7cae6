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
    refuse_non_loopback(args.addr)?;
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
        let state = AppState::new(Arc::new(library.engine), store, Config::new(addr))
            .with_packs(&library.packs);
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
             fewer)\n  {voice}\n",
            rapport_store::redact_password(&location)
        );
        axum::serve(listener, rapport_server::app(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("the server stopped")?;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(exit::OK)
}

/// Until accounts exist, anyone who can reach the server can read and change the
/// history, so it listens on the loopback interface only.
fn refuse_non_loopback(addr: SocketAddr) -> Result<()> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    bail!(
        "refusing to listen on {addr}: Rapport has no accounts yet, so anyone who can reach \
         that address could read and change your practice history; use a loopback address \
         such as 127.0.0.1:{}",
        addr.port()
    )
}
