//! The built-in packs and lexicons, embedded in the binary by `build.rs`.

use crate::lexicon::{Lexicons, parse_lexicons};
use crate::load::{PackLoad, parse_pack};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The built-in packs' folders and files, in load order: the customer-focus questions
/// (which ship the fitted score), the common interview questions, then the role packs.
const PACKS: [(&str, &[(&str, &str)]); 4] = [
    ("customer-focus", generated::CUSTOMER_FOCUS_FILES),
    ("common", generated::COMMON_FILES),
    ("account-management", generated::ACCOUNT_MANAGEMENT_FILES),
    ("support-desk", generated::SUPPORT_DESK_FILES),
];

/// The files of each built-in pack, in load order, each file in name order as
/// `(builtin:<pack>/<file>, contents)`.
pub fn builtin_pack_files() -> Vec<Vec<(String, String)>> {
    PACKS
        .iter()
        .map(|(folder, files)| named(&format!("builtin:{folder}"), files))
        .collect()
}

/// Reads the built-in packs, in load order. They are checked by the tests, so their
/// diagnostics should be empty; the CLI can still print them.
pub fn builtin_packs() -> Vec<PackLoad> {
    builtin_pack_files().iter().map(|f| parse_pack(f)).collect()
}

/// The built-in lexicon files, in name order, each as `(builtin:lexicons/<file>, contents)`.
pub fn builtin_lexicon_files() -> Vec<(String, String)> {
    named("builtin:lexicons", generated::LEXICON_FILES)
}

/// The built-in lexicons, by name (`fillers` for `fillers.txt`). Their diagnostics are
/// dropped here; `parse_lexicons(&builtin_lexicon_files())` has them.
pub fn builtin_lexicons() -> Lexicons {
    parse_lexicons(&builtin_lexicon_files()).0
}

fn named(folder: &str, files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(name, text)| (format!("{folder}/{name}"), (*text).to_owned()))
        .collect()
}
