//! Mutations of one input: a few at a time, chosen at random.

use crate::rng::Rng;

/// Characters that have broken text code elsewhere: combining marks, joiners,
/// direction overrides, a byte-order mark, the replacement character, wide and
/// multi-byte letters, an emoji sequence, odd spaces and line ends.
const TRICKY: &[&str] = &[
    "\u{301}",
    "\u{200d}",
    "\u{200b}",
    "\u{202e}",
    "\u{feff}",
    "\u{fffd}",
    "\u{a0}",
    "\u{2028}",
    "\u{85}",
    "\r\n",
    "\r",
    "\t",
    "中文",
    "नमस्ते",
    "İ",
    "ß",
    "ﬁ",
    "👩‍👩‍👧",
    "’",
    "…",
    "—",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "{",
    "}",
    "[",
    "]",
    "=",
    "'''",
    "\"\"\"",
    "[[guide]]",
    ".",
    "?!",
    " I ",
    " the customer ",
    " because ",
    " so ",
    " Last year ",
    " 40% ",
];

/// Bytes worth setting: ends of ranges, separators, the start of a multi-byte
/// sequence.
const BYTES: &[u8] = &[
    0, 1, 0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xf0, 0xff, b'\n', b' ', b'"', b'\\', b'{', b'}',
    b'[', b']', b'=', b'.', b',', b':', b'#', b'%', b'&', b'?', b'/',
];

/// A mutated copy of `input`: one to six mutations, some taking pieces of `other`
/// (another input of the corpus). The result is at most `max_len` bytes.
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8], max_len: usize) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(6) {
        mutate_once(rng, &mut out, other);
        out.truncate(max_len);
    }
    out
}

fn mutate_once(rng: &mut Rng, out: &mut Vec<u8>, other: &[u8]) {
    let at = rng.below(out.len() + 1);
    match rng.below(14) {
        0 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] ^= 1 << rng.below(8);
        }
        1 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] = *rng.pick(BYTES);
        }
        2 => {
            let piece = rng.pick(TRICKY).as_bytes();
            out.splice(at..at, piece.iter().copied());
        }
        3 => {
            // Any character at all, valid UTF-8.
            let c = random_char(rng);
            let mut buf = [0; 4];
            out.splice(at..at, c.encode_utf8(&mut buf).bytes());
        }
        4 if !out.is_empty() => {
            let end = (at + 1 + rng.below(64)).min(out.len());
            let start = at.min(end.saturating_sub(1));
            out.drain(start..end);
        }
        5 if !out.is_empty() => {
            // A piece repeated, up to many times: long words, long sentences.
            let start = rng.below(out.len());
            let end = (start + 1 + rng.below(32)).min(out.len());
            let piece = out[start..end].to_vec();
            let times = if rng.one_in(8) {
                1 + rng.below(2000)
            } else {
                1 + rng.below(8)
            };
            let repeated: Vec<u8> = piece
                .iter()
                .copied()
                .cycle()
                .take(piece.len() * times)
                .collect();
            out.splice(start..start, repeated);
        }
        6 if !other.is_empty() => {
            let start = rng.below(other.len());
            let end = (start + 1 + rng.below(200)).min(other.len());
            out.splice(at..at, other[start..end].iter().copied());
        }
        7 => out.truncate(at),
        8 => {
            // As speech-to-text gives it: no punctuation, no capitals.
            let text = String::from_utf8_lossy(out).to_lowercase();
            *out = text
                .chars()
                .filter(|c| !c.is_ascii_punctuation() || *c == '\'')
                .collect::<String>()
                .into_bytes();
        }
        9 => {
            let text = String::from_utf8_lossy(out);
            *out = match rng.below(4) {
                0 => text.to_uppercase(),
                1 => text.replace(' ', "\n"),
                2 => text.replace(' ', ""),
                _ => text.replace(". ", ".\n\n"),
            }
            .into_bytes();
        }
        10 => {
            let byte = *rng.pick(BYTES);
            let n = 1 + rng.below(5000);
            out.splice(at..at, std::iter::repeat_n(byte, n));
        }
        11 if !out.is_empty() => {
            // Two pieces swapped: sentences out of order.
            let a = rng.below(out.len());
            let b = rng.below(out.len());
            let (a, b) = (a.min(b), a.max(b));
            out[a..b].reverse();
        }
        12 => {
            // A number where a number may be parsed.
            let numbers = [
                "-1",
                "0",
                "4294967296",
                "1e309",
                "NaN",
                "18446744073709551616",
                "007",
            ];
            out.splice(at..at, rng.pick(&numbers).bytes());
        }
        _ => {
            if !other.is_empty() && rng.one_in(2) {
                *out = other.to_vec();
            } else {
                out.insert(at.min(out.len()), *rng.pick(BYTES));
            }
        }
    }
}

/// A random Unicode scalar value, weighted toward the ranges text uses.
fn random_char(rng: &mut Rng) -> char {
    let code = match rng.below(4) {
        0 => rng.below(0x80),
        1 => rng.below(0x800),
        2 => rng.below(0x1_0000),
        _ => rng.below(0x11_0000),
    } as u32;
    char::from_u32(code).unwrap_or('\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_repeatable_from_the_seed_and_bounded() {
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..200)
                .map(|_| mutate(&mut rng, b"I listened, then I fixed it.", b"other", 512))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        assert!(run(9).iter().all(|m| m.len() <= 512));
        assert!(run(9).iter().any(|m| std::str::from_utf8(m).is_err()));
    }
}
