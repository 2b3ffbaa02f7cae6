//! The practice loop in the real browser (e2e/loop.mjs in Debian's headless Chromium,
//! against a real `rapport serve`): retry by editing and the diff, a server restart
//! between loading the page and submitting it, the 390 px layout, dark mode, and
//! axe-core on every page. Screenshots land in target/tmp/e2e-loop/ for a person to look
//! at.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

/// A `rapport serve` child, killed when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts the server at `addr` (`127.0.0.1:0` for any free port) on this data
    /// directory and waits for its address line.
    fn start(data_dir: &Path, addr: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["--engine", "lexical", "serve", "--addr", addr])
            .env("NO_COLOR", "1")
            .env("RAPPORT_DATA_DIR", data_dir)
            .env_remove("RAPPORT_DB")
            .env("RAPPORT_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("the address line");
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_owned();
        Server {
            child,
            addr,
            _stdout: stdout,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_practice_loop_works_in_the_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    assert!(
        root.join("e2e/node_modules/axe-core/axe.min.js").is_file()
            && root.join("e2e/node_modules/playwright-core").is_dir()
            && Path::new("/usr/bin/chromium").exists(),
        "the browser test needs Chromium, playwright-core and axe-core: run \
         scripts/install-browser.sh"
    );
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut server = Some(Server::start(data_dir.path(), "127.0.0.1:0"));
    let addr = server.as_ref().map(|s| s.addr.clone()).unwrap_or_default();
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-loop");
    let mut node = Command::new("node")
        .arg(root.join("e2e/loop.mjs"))
        .arg(format!("http://{addr}"))
        .arg(&out_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (scripts/install-browser.sh installs it)");
    let mut to_node = node.stdin.take().expect("stdin is piped");
    let from_node = BufReader::new(node.stdout.take().expect("stdout is piped"));
    let mut said = Vec::new();
    let mut restarted = false;
    for line in from_node.lines() {
        let line = line.expect("node's output");
        if line == "RESTART" {
            // The page is loaded and the answer typed: the server starts again, on the
            // same port and data, with a new form token.
            drop(server.take());
            server = Some(Server::start(data_dir.path(), &addr));
            writeln!(to_node, "go").expect("tell the script to go on");
            restarted = true;
        }
        said.push(line);
    }
    let run = node.wait_with_output().expect("node finishes");
    assert!(
        run.status.success(),
        "the browser test failed:\n{}\n{}",
        said.join("\n"),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(restarted, "the script asked for a restart: {said:?}");
    assert_eq!(said.last().map(String::as_str), Some("ok"), "{said:?}");
    for shot in [
        "retry-change.png",
        "restart-refused.png",
        "practice-390.png",
        "attempt-dark.png",
    ] {
        let png = std::fs::read(out_dir.join(shot)).unwrap_or_else(|_| panic!("{shot}"));
        assert!(png.starts_with(b"\x89PNG") && png.len() > 5_000, "{shot}");
    }
}
