//! Combining loaded packs: guide ids must be unique across everything loaded.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::{Origin, Pack};

/// Combines packs in the order given (built-in first, then the user's): when a guide id
/// is already taken by an earlier guide, the later guide is dropped with an error naming
/// both places. Packs keep their order, even if all their guides are dropped.
pub fn merge(packs: Vec<Pack>) -> (Vec<Pack>, Vec<Diagnostic>) {
    let mut taken: HashMap<String, (String, Origin)> = HashMap::new();
    let mut diagnostics = Vec::new();
    let mut merged = Vec::with_capacity(packs.len());
    for mut pack in packs {
        let pack_id = pack.id.clone();
        pack.guides.retain(|guide| match taken.get(&guide.id) {
            Some((first_pack, first)) => {
                diagnostics.push(
                    Diagnostic::error(
                        guide.origin.file.as_str(),
                        format!(
                            "guide id already used at {}:{} (pack `{first_pack}`); \
                             this guide is left out",
                            first.file, first.line
                        ),
                    )
                    .with_line(guide.origin.line)
                    .with_guide(guide.id.as_str()),
                );
                false
            }
            None => {
                taken.insert(guide.id.clone(), (pack_id.clone(), guide.origin.clone()));
                true
            }
        });
        merged.push(pack);
    }
    (merged, diagnostics)
}
