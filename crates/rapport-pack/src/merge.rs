//! Combining loaded packs: pack ids and guide ids must be unique across everything
//! loaded, and no pack may define the engine's own general guide.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::{Origin, Pack};

/// The guide id the engine keeps for its general behavioural rubric (the last resort of
/// a free question): scoring and `show` always use the engine's own, so a pack's guide
/// with this id could never be reached, and is refused.
pub const RESERVED_GUIDE_ID: &str = "general";

/// Combines packs in the order given (built-in first, then the user's): when a guide id
/// is already taken by an earlier guide, the later guide is dropped with an error naming
/// both places; so is a guide with the [`RESERVED_GUIDE_ID`]. A pack id used twice is an
/// error at the second pack, whose guides still load (their ids are what must be
/// unique). Packs keep their order, even if all their guides are dropped.
pub fn merge(packs: Vec<Pack>) -> (Vec<Pack>, Vec<Diagnostic>) {
    let mut taken: HashMap<String, (String, Origin)> = HashMap::new();
    let mut pack_ids: HashMap<String, Origin> = HashMap::new();
    let mut diagnostics = Vec::new();
    let mut merged = Vec::with_capacity(packs.len());
    for mut pack in packs {
        let pack_id = pack.id.clone();
        match pack_ids.get(&pack_id) {
            Some(first) => diagnostics.push(
                Diagnostic::error(
                    pack.origin.file.as_str(),
                    format!(
                        "pack id `{pack_id}` already used at {}:{}; give this pack its own id",
                        first.file, first.line
                    ),
                )
                .with_line(pack.origin.line),
            ),
            None => {
                pack_ids.insert(pack_id.clone(), pack.origin.clone());
            }
        }
        pack.guides.retain(|guide| {
            if guide.id != RESERVED_GUIDE_ID {
                return true;
            }
            diagnostics.push(
                Diagnostic::error(
                    guide.origin.file.as_str(),
                    format!(
                        "guide id `{RESERVED_GUIDE_ID}` is reserved for the engine's general \
                         rubric, which always answers to it; this guide is left out: give it \
                         another id"
                    ),
                )
                .with_line(guide.origin.line)
                .with_guide(guide.id.as_str()),
            );
            false
        });
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
