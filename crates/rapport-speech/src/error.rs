//! Why audio could not be transcribed, or the speech model loaded. Every message names the
//! problem in the user's terms: what is wrong with the recording and what to do.

use std::path::PathBuf;

use thiserror::Error;

/// Why a recording was refused. Each has a stable [`code`](AudioError::code) for the JSON
/// API.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AudioError {
    /// No bytes at all.
    #[error("the recording is empty")]
    Empty,
    /// Not a format Rapport reads.
    #[error("unsupported audio format: {found}; send WAV (PCM or float), or Opus in WebM or Ogg")]
    Unsupported {
        /// What the bytes look like.
        found: String,
    },
    /// A WAV file whose codec is not PCM or float.
    #[error("unsupported WAV codec {codec:#06x}; send PCM or 32-bit float WAV")]
    Codec {
        /// The WAV format tag.
        codec: u16,
    },
    /// Broken or truncated bytes.
    #[error("the recording is corrupt: {0}")]
    Corrupt(String),
    /// A sample rate outside what speech needs.
    #[error("sample rate {rate} Hz is not supported: record at 8,000 Hz to 192,000 Hz")]
    SampleRate {
        /// The rate found.
        rate: u32,
    },
    /// Longer than an answer may be.
    #[error("the recording is {seconds:.0} s long; an answer may be at most {limit} s (5 minutes)")]
    TooLong {
        /// Its length.
        seconds: f32,
        /// The limit.
        limit: u32,
    },
    /// Nothing was said.
    #[error(
        "no speech was heard in the recording ({seconds:.1} s of silence or noise): check the microphone"
    )]
    Silent {
        /// Its length.
        seconds: f32,
    },
}

impl AudioError {
    /// The stable code of the JSON API's error document.
    pub fn code(&self) -> &'static str {
        match self {
            AudioError::Empty => "audio_empty",
            AudioError::Unsupported { .. } => "audio_unsupported",
            AudioError::Codec { .. } => "audio_codec",
            AudioError::Corrupt(_) => "audio_corrupt",
            AudioError::SampleRate { .. } => "audio_sample_rate",
            AudioError::TooLong { .. } => "audio_too_long",
            AudioError::Silent { .. } => "audio_silent",
        }
    }
}

/// Why the speech model could not be loaded or run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    /// A file the model needs is missing.
    #[error("{} is missing", .0.display())]
    Missing(PathBuf),
    /// A file could not be read or parsed.
    #[error("cannot read {}: {reason}", .file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The weights do not have the shape of a Whisper model.
    #[error("{} is not a Whisper model in CTranslate2 format: {reason}", .file.display())]
    Format {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Running the model failed.
    #[error("the speech model failed: {0}")]
    Run(String),
}
