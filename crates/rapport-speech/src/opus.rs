//! The browser's recordings: Opus in WebM (Chromium's `MediaRecorder`) or in Ogg
//! (Firefox's), decoded straight to 16 kHz mono with the pure-Rust `opus-decoder`.
//!
//! Only what a recording needs is read: the first Opus track, its `OpusHead` (channels,
//! pre-skip) and its frames in order. WebM is walked as a flat list of elements, stepping
//! into the containers (`MediaRecorder` writes the segment and its clusters with unknown
//! sizes, so sizes of containers are never relied on).

use opus_decoder::OpusDecoder;

use crate::AudioError;
use crate::audio::SAMPLE_RATE;

/// The longest Opus frame, at 16 kHz: 120 ms.
const MAX_FRAME: usize = 1920;

/// What `OpusHead` says: channels and the samples (at 48 kHz) to drop at the start.
#[derive(Debug, Clone, Copy)]
struct Head {
    channels: usize,
    pre_skip: usize,
}

fn head(bytes: &[u8]) -> Result<Head, AudioError> {
    if bytes.len() < 19 || &bytes[..8] != b"OpusHead" {
        return Err(AudioError::Corrupt("the Opus header is missing".into()));
    }
    let channels = usize::from(bytes[9]);
    if !(1..=2).contains(&channels) {
        return Err(AudioError::Corrupt(format!(
            "{channels} Opus channels; recordings have one or two"
        )));
    }
    Ok(Head {
        channels,
        pre_skip: usize::from(u16::from_le_bytes([bytes[10], bytes[11]])),
    })
}

/// Decodes the packets of one Opus stream into mono samples at 16 kHz.
fn decode_packets<'a>(
    head: Head,
    packets: impl Iterator<Item = &'a [u8]>,
) -> Result<Vec<f32>, AudioError> {
    let mut decoder = OpusDecoder::new(SAMPLE_RATE, head.channels)
        .map_err(|e| AudioError::Corrupt(format!("cannot start the Opus decoder: {e}")))?;
    let mut pcm = vec![0f32; MAX_FRAME * head.channels];
    let mut out = Vec::new();
    for (n, packet) in packets.enumerate() {
        if packet.is_empty() {
            continue;
        }
        let samples = decoder
            .decode_float(packet, &mut pcm, false)
            .map_err(|e| AudioError::Corrupt(format!("Opus frame {} is broken: {e}", n + 1)))?;
        for frame in pcm[..samples * head.channels].chunks_exact(head.channels) {
            out.push(frame.iter().sum::<f32>() / head.channels as f32);
        }
        if out.len() > (crate::MAX_SECONDS as usize + 1) * SAMPLE_RATE as usize {
            break;
        }
    }
    let skip = (head.pre_skip / 3).min(out.len());
    out.drain(..skip);
    Ok(out)
}

/// Ogg: pages of segments; packets are runs of segments ended by one under 255 bytes.
pub fn decode_ogg(bytes: &[u8]) -> Result<Vec<f32>, AudioError> {
    let mut packets: Vec<Vec<u8>> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut serial: Option<u32> = None;
    let mut at = 0;
    while at + 27 <= bytes.len() {
        if &bytes[at..at + 4] != b"OggS" {
            return Err(AudioError::Corrupt(format!("no Ogg page at byte {at}")));
        }
        let page_serial = u32::from_le_bytes([
            bytes[at + 14],
            bytes[at + 15],
            bytes[at + 16],
            bytes[at + 17],
        ]);
        let count = usize::from(bytes[at + 26]);
        let table = at + 27;
        let Some(lacing) = bytes.get(table..table + count) else {
            break;
        };
        let mut body = table + count;
        let first = *serial.get_or_insert(page_serial);
        for &len in lacing {
            let len = usize::from(len);
            let Some(seg) = bytes.get(body..body + len) else {
                // A recording cut off mid-page: keep what came before.
                break;
            };
            body += len;
            if page_serial != first {
                continue;
            }
            current.extend_from_slice(seg);
            if len < 255 {
                packets.push(std::mem::take(&mut current));
            }
        }
        at = body;
    }
    let Some(first) = packets.first() else {
        return Err(AudioError::Corrupt("the Ogg file holds no packets".into()));
    };
    let head = head(first)?;
    // Then OpusTags, then audio.
    decode_packets(head, packets.iter().skip(2).map(Vec::as_slice))
}

/// An EBML variable-length number: its value (marker bit removed unless `keep`), its
/// length, and whether it is the reserved "unknown" value.
fn vint(bytes: &[u8], keep: bool) -> Option<(u64, usize, bool)> {
    let first = *bytes.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 || bytes.len() < len {
        return None;
    }
    let mut v = u64::from(if keep {
        first
    } else {
        first & (0xffu16 >> len) as u8
    });
    for b in &bytes[1..len] {
        v = (v << 8) | u64::from(*b);
    }
    let all_ones = (1u64 << (7 * len)) - 1;
    let unknown = !keep && v == all_ones;
    Some((v, len, unknown))
}

/// Matroska element ids this reader uses.
mod id {
    pub const SEGMENT: u64 = 0x1853_8067;
    pub const CLUSTER: u64 = 0x1F43_B675;
    pub const TRACKS: u64 = 0x1654_AE6B;
    pub const TRACK_ENTRY: u64 = 0xAE;
    pub const TRACK_NUMBER: u64 = 0xD7;
    pub const CODEC_ID: u64 = 0x86;
    pub const CODEC_PRIVATE: u64 = 0x63A2;
    pub const BLOCK_GROUP: u64 = 0xA0;
    pub const BLOCK: u64 = 0xA1;
    pub const SIMPLE_BLOCK: u64 = 0xA3;
}

/// WebM: the Opus track's `CodecPrivate` and its blocks' frames.
pub fn decode_webm(bytes: &[u8]) -> Result<Vec<f32>, AudioError> {
    let containers = [
        id::SEGMENT,
        id::CLUSTER,
        id::TRACKS,
        id::TRACK_ENTRY,
        id::BLOCK_GROUP,
    ];
    let mut at = 0;
    let mut track: Option<u64> = None;
    let mut entry_number: Option<u64> = None;
    let mut entry_opus = false;
    let mut private: Option<&[u8]> = None;
    let mut frames: Vec<(u64, &[u8])> = Vec::new();
    while at < bytes.len() {
        let Some((element, id_len, _)) = vint(&bytes[at..], true) else {
            break;
        };
        let Some((size, size_len, unknown)) = vint(&bytes[at + id_len..], false) else {
            break;
        };
        let body = at + id_len + size_len;
        if containers.contains(&element) {
            if element == id::TRACK_ENTRY {
                entry_number = None;
                entry_opus = false;
            }
            at = body;
            continue;
        }
        if unknown {
            return Err(AudioError::Corrupt(format!(
                "WebM element {element:#x} has no size"
            )));
        }
        let end = body.saturating_add(size as usize);
        let Some(data) = bytes.get(body..end) else {
            // A recording cut off mid-element: keep what came before.
            break;
        };
        match element {
            id::TRACK_NUMBER => {
                entry_number = Some(data.iter().fold(0u64, |v, b| (v << 8) | u64::from(*b)));
            }
            id::CODEC_ID => entry_opus = data == b"A_OPUS",
            id::CODEC_PRIVATE if data.starts_with(b"OpusHead") => {
                private = Some(data);
                entry_opus = true;
            }
            id::SIMPLE_BLOCK | id::BLOCK => {
                let Some((number, n_len, _)) = vint(data, false) else {
                    return Err(AudioError::Corrupt(
                        "a WebM block has no track number".into(),
                    ));
                };
                let flags = data.get(n_len + 2).copied().unwrap_or(0);
                if flags & 0x06 != 0 {
                    return Err(AudioError::Corrupt(
                        "laced WebM blocks are not supported".into(),
                    ));
                }
                if let Some(frame) = data.get(n_len + 3..) {
                    frames.push((number, frame));
                }
            }
            _ => {}
        }
        if entry_opus && track.is_none() {
            track = entry_number;
        }
        at = end;
    }
    let Some(private) = private else {
        return Err(AudioError::Unsupported {
            found: "WebM without an Opus audio track".into(),
        });
    };
    let head = head(private)?;
    let track = track.unwrap_or(1);
    decode_packets(
        head,
        frames.iter().filter(|(n, _)| *n == track).map(|(_, f)| *f),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_length_numbers_read_as_ebml_says() {
        assert_eq!(vint(&[0x81], false), Some((1, 1, false)));
        assert_eq!(vint(&[0x40, 0x02], false), Some((2, 2, false)));
        assert_eq!(
            vint(&[0x1A, 0x45, 0xDF, 0xA3], true),
            Some((0x1A45_DFA3, 4, false))
        );
        assert_eq!(
            vint(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], false).map(|v| v.2),
            Some(true)
        );
        assert_eq!(vint(&[0x00], false), None);
    }

    #[test]
    fn broken_containers_are_named() {
        assert!(matches!(decode_ogg(b"OggS"), Err(AudioError::Corrupt(_))));
        assert!(matches!(
            decode_ogg(b"OggX0000000000000000000000000000"),
            Err(AudioError::Corrupt(_))
        ));
        let ebml_only = [0x1A, 0x45, 0xDF, 0xA3, 0x80];
        assert!(matches!(
            decode_webm(&ebml_only),
            Err(AudioError::Unsupported { .. })
        ));
    }
}
