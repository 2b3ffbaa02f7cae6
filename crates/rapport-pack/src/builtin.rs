//! The built-in pack and lexicons, embedded in the binary by `build.rs`.

use crate::lexicon::{Lexicons, parse_lexicons};
use crate::load::{PackLoad, parse_pack};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The files of the built-in `customer-focus` pack, in name order, each as
/// `(builtin:customer-focus/<file>, contents)`.
pub fn builtin_pack_files() -> Vec<(String, String)> {
    named("builtin:customer-focus", generated::PACK_FILES)
}

/// Reads the built-in pack. It is checked by the tests, so its diagnostics should be
/// empty; the CLI can still print them.
pub fn builtin_pack() -> PackLoad {
    parse_pack(&builtin_pack_files())
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
