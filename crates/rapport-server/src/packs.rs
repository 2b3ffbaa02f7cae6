//! Which pack each guide comes from, for the question list's pack filter, the packs a
//! mock interview draws from and the pack `/ask` names for a match.
//!
//! The engine keeps guides, not packs, so the server keeps this index beside it: from
//! the loaded packs themselves when the caller hands them over
//! ([`crate::AppState::with_packs`]), else worked out from each guide's origin (the
//! built-in packs are recognised by their files; any other guide is put in one
//! [`OWN_PACK`]).

use std::sync::OnceLock;

use rapport_engine::{Engine, GENERAL_ID};
use rapport_pack::{Origin, Pack};

/// The pack the mock interview draws from by default, when loaded: the customer-focus
/// questions and the questions every interview asks.
pub(crate) const DEFAULT_MOCK_PACKS: [&str; 2] = ["customer-focus", "common"];

/// The pack id given to guides whose pack is not known (see the module docs).
pub(crate) const OWN_PACK: &str = "own";

/// One loaded pack, as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackInfo {
    /// The pack's id, such as `customer-focus`.
    pub(crate) id: String,
    /// Its human name, such as `Customer focus`.
    pub(crate) name: String,
    /// Its guides' ids, in load order.
    pub(crate) guides: Vec<String>,
}

/// The loaded packs, in load order, with their guides.
#[derive(Debug, Clone, Default)]
pub(crate) struct Packs {
    list: Vec<PackInfo>,
}

impl Packs {
    /// The index of these packs, keeping only the guides the engine has (a guide left
    /// out when ids clashed is in no pack) and only packs with guides.
    pub(crate) fn from_packs(packs: &[Pack], engine: &Engine) -> Packs {
        let mut index = Packs::default();
        for pack in packs {
            for guide in &pack.guides {
                if engine
                    .guides()
                    .any(|g| g.id == guide.id && g.origin == guide.origin)
                {
                    index.add(&pack.id, &pack.name, &guide.id);
                }
            }
        }
        index
    }

    /// The index worked out from the engine's guides alone: a built-in guide is in its
    /// built-in pack, any other in [`OWN_PACK`].
    pub(crate) fn from_engine(engine: &Engine) -> Packs {
        let builtin = builtin();
        let mut index = Packs::default();
        for guide in engine.guides() {
            match builtin
                .iter()
                .find(|b| b.id == guide.id && b.origin == guide.origin)
            {
                Some(b) => index.add(&b.pack, &b.name, &guide.id),
                None => index.add(OWN_PACK, "Your own packs", &guide.id),
            }
        }
        index
    }

    fn add(&mut self, id: &str, name: &str, guide: &str) {
        match self.list.iter_mut().find(|p| p.id == id) {
            Some(pack) => pack.guides.push(guide.to_owned()),
            None => self.list.push(PackInfo {
                id: id.to_owned(),
                name: name.to_owned(),
                guides: vec![guide.to_owned()],
            }),
        }
    }

    /// Every pack, in load order.
    pub(crate) fn all(&self) -> &[PackInfo] {
        &self.list
    }

    /// The pack with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&PackInfo> {
        self.list.iter().find(|p| p.id == id)
    }

    /// The pack holding this guide; `None` for the general guide, which is in no
    /// loaded pack.
    pub(crate) fn of(&self, guide_id: &str) -> Option<&PackInfo> {
        if guide_id == GENERAL_ID {
            return None;
        }
        self.list
            .iter()
            .find(|p| p.guides.iter().any(|g| g == guide_id))
    }

    /// The packs a mock interview draws from unless the user picks others: the
    /// [`DEFAULT_MOCK_PACKS`] that are loaded, else every pack.
    pub(crate) fn default_mock(&self) -> Vec<String> {
        let chosen: Vec<String> = self
            .list
            .iter()
            .filter(|p| DEFAULT_MOCK_PACKS.contains(&p.id.as_str()))
            .map(|p| p.id.clone())
            .collect();
        if chosen.is_empty() {
            self.list.iter().map(|p| p.id.clone()).collect()
        } else {
            chosen
        }
    }
}

/// A built-in guide: its pack's id and name, and the guide's id and origin.
struct BuiltinGuide {
    pack: String,
    name: String,
    id: String,
    origin: Origin,
}

/// The built-in packs' guides, read once per process.
fn builtin() -> &'static [BuiltinGuide] {
    static BUILTIN: OnceLock<Vec<BuiltinGuide>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        rapport_pack::builtin_packs()
            .into_iter()
            .flat_map(|load| load.pack)
            .flat_map(|pack| {
                pack.guides.into_iter().map(move |g| BuiltinGuide {
                    pack: pack.id.clone(),
                    name: pack.name.clone(),
                    id: g.id,
                    origin: g.origin,
                })
            })
            .collect()
    })
}
