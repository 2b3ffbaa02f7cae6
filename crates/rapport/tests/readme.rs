//! The README's example card is what `rapport score` prints for that file today.

use std::path::Path;
use std::process::Command;

#[test]
fn the_readme_card_is_the_real_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let command =
        "$ NO_COLOR=1 rapport score --question difficult-customer docs/examples/pharmacy.txt";
    let (_, after) = readme
        .split_once(&format!("{command}\n"))
        .unwrap_or_else(|| panic!("the README shows `{command}`"));
    let (shown, _) = after.split_once("```").expect("the card's block ends");
    let run = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args([
            "score",
            "--question",
            "difficult-customer",
            "docs/examples/pharmacy.txt",
        ])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .env_remove("RAPPORT_DB")
        .output()
        .expect("rapport runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        printed, shown,
        "the README's card is out of date: paste the output above into README.md"
    );
}
