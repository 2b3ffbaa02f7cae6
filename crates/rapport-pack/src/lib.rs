//! Question packs: TOML text in, checked [`Pack`]s and [`Diagnostic`]s out.
//!
//! The crate is pure: callers read files and hand over `(display name, contents)` pairs,
//! so the same checks run on the built-in pack, a user's pack and test fixtures. Bad
//! content never gives a bare error: [`parse_pack`] loads every guide it can and says
//! exactly what is wrong with the others, with file, line and field. The format is
//! described in `docs/packs.md`.

mod builtin;
mod diagnostic;
mod lexicon;
mod load;
mod merge;
mod model;
mod scoring;
mod toml_walk;

pub use builtin::{builtin_lexicon_files, builtin_lexicons, builtin_pack_files, builtin_packs};
pub use diagnostic::{Diagnostic, Severity};
pub use lexicon::{Lexicon, Lexicons, parse_lexicon, parse_lexicons};
pub use load::{PackLoad, parse_pack};
pub use merge::{RESERVED_GUIDE_ID, merge};
pub use model::{Guide, Kind, Origin, Pack, Sample, Signal, Stage, Step};
pub use scoring::{COUNTS_FIELDS, Counts, ENGINES, Fit, SCORE_FEATURES, STEP_FEATURES};
