"""Word error rate of CMU PocketSphinx against Rapport's Whisper on the readings the speech
test makes (crates/rapport-speech/tests/spoken.rs: the first sample answer of three guides,
spoken by espeak-ng in its voice and speed), scored the way that test scores them. A
by-hand comparison of the fallback baseline, never run in CI. It needs Debian's
pocketsphinx, pocketsphinx-en-us, sox and espeak-ng:

    apt-get install pocketsphinx pocketsphinx-en-us sox espeak-ng
    cargo build -p rapport-speech --example transcribe      # for --model
    python3 scripts/pocketsphinx_wer.py \
        --model ~/.local/share/rapport/models/whisper-tiny.en \
        --bench target/bench-speech/60s.wav

PocketSphinx decodes each reading resampled by sox to 16 kHz mono 16-bit (what its en-us
acoustic model takes; sox's random dither is turned off, as it alone changes the transcripts
and moves the WER by about a point from run to run) with `pocketsphinx_continuous` and the
Debian package's default model (en-us acoustic model, en-us.lm.bin trigram,
cmudict-en-us.dict). Each --model
folder (repeatable: any Whisper in CTranslate2's format that `Speech::load` reads) is run
through the crate's `transcribe` example on espeak-ng's own 22,050 Hz WAV, which the crate
resamples itself, as in the test. --bench WAV times each decoder on that file
(`cargo xtask bench-speech` leaves its 60 s of speech at target/bench-speech/60s.wav);
`--runs N` repeats each timing and keeps the fastest. Timings are wall-clock on this
machine, PocketSphinx on one thread (it has no other), Whisper as the crate runs it.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The readings of tests/spoken.rs: (guide id, espeak-ng voice, words a minute).
READINGS = [
    ("saying-no", "en-us", 170),
    ("above-and-beyond", "en-gb", 175),
    ("mistake-with-customer", "en-us", 145),
]

SPHINX_MODEL = Path("/usr/share/pocketsphinx/model/en-us")


def sample_text(guide_id: str) -> str:
    """The guide's first sample answer, as the test takes it (trimmed)."""
    for path in sorted((ROOT / "packs").rglob("*.toml")):
        with open(path, "rb") as f:
            data = tomllib.load(f)
        for guide in data.get("guide", []):
            if guide.get("id") == guide_id:
                return guide["sample"][0]["text"].strip()
    sys.exit(f"no guide {guide_id} under packs/")


def words(text: str) -> list[str]:
    """Lower-case words without punctuation (tests/spoken.rs's `words`)."""
    out = []
    for w in text.split():
        w = "".join(c for c in w if c.isalnum()).lower()
        if w:
            out.append(w)
    return out


def wer(reference: list[str], hypothesis: list[str]) -> float:
    """Edit distance over the reference's length (tests/spoken.rs's `wer`)."""
    row = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference):
        prev, row[0] = row[0], i + 1
        for j, h in enumerate(hypothesis):
            nxt = min(row[j + 1] + 1, row[j] + 1, prev + (r != h))
            prev, row[j + 1] = row[j + 1], nxt
    return row[len(hypothesis)] / max(len(reference), 1)


def seconds(wav: Path) -> float:
    out = subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True, check=True)
    return float(out.stdout)


def sphinx(wav16: Path) -> tuple[str, float]:
    """PocketSphinx's transcript of a 16 kHz mono WAV, and the wall time it took."""
    args = ["pocketsphinx_continuous", "-infile", str(wav16), "-logfn", os.devnull]
    if SPHINX_MODEL.is_dir():
        args += [
            "-hmm", str(SPHINX_MODEL / "en-us"),
            "-lm", str(SPHINX_MODEL / "en-us.lm.bin"),
            "-dict", str(SPHINX_MODEL / "cmudict-en-us.dict"),
        ]
    start = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    took = time.perf_counter() - start
    return " ".join(line.strip() for line in out.stdout.splitlines() if line.strip()), took


def whisper(binary: Path, model: Path, wav: Path) -> tuple[str, float, float]:
    """The crate's transcript of a WAV, with its load and transcription times (seconds),
    as the `transcribe` example reports them on stderr."""
    out = subprocess.run(
        [str(binary), str(model), str(wav)], capture_output=True, text=True, check=True
    )
    load = re.search(r"loaded in (\d+) ms", out.stderr)
    run = re.search(r"transcribed in (\d+) ms", out.stderr)
    return (
        json.loads(out.stdout)["text"],
        int(load.group(1)) / 1000 if load else float("nan"),
        int(run.group(1)) / 1000 if run else float("nan"),
    )


def to16k(wav: Path, out: Path) -> Path:
    subprocess.run(
        ["sox", "-D", str(wav), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", default=[], type=Path,
                        help="a Whisper model folder for the crate (repeatable)")
    parser.add_argument("--transcribe-bin", type=Path,
                        default=ROOT / "target" / "debug" / "examples" / "transcribe",
                        help="the crate's transcribe example (default: the dev build)")
    parser.add_argument("--bench", type=Path, help="a WAV to time each decoder on")
    parser.add_argument("--runs", type=int, default=1, help="timing runs (fastest kept)")
    parser.add_argument("--keep", type=Path, help="keep the readings' WAVs in this folder")
    parser.add_argument("--show", action="store_true", help="print each transcript")
    args = parser.parse_args()
    for tool in ["espeak-ng", "sox", "soxi", "pocketsphinx_continuous"]:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed: apt-get install pocketsphinx pocketsphinx-en-us sox espeak-ng")
    if args.model and not args.transcribe_bin.is_file():
        sys.exit(f"{args.transcribe_bin} is missing: cargo build -p rapport-speech --example transcribe")

    names = ["pocketsphinx"] + [m.name for m in args.model]
    rows = []
    totals = {n: [0.0, 0] for n in names}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for guide_id, voice, wpm in READINGS:
            text = sample_text(guide_id)
            wav = folder / f"{guide_id}.wav"
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(wav), text], check=True
            )
            wav16 = to16k(wav, folder / f"{guide_id}.16k.wav")
            reference = words(text)
            heard, took = sphinx(wav16)
            rates = {"pocketsphinx": (wer(reference, words(heard)), took)}
            if args.show:
                print(f"--- {guide_id} pocketsphinx: {heard}")
            for model in args.model:
                text_m, _load, took_m = whisper(args.transcribe_bin, model, wav)
                rates[model.name] = (wer(reference, words(text_m)), took_m)
                if args.show:
                    print(f"--- {guide_id} {model.name}: {text_m}")
            for n, (rate, _) in rates.items():
                totals[n][0] += rate * len(reference)
                totals[n][1] += len(reference)
            rows.append((f"{guide_id} ({voice}, {wpm} wpm, {seconds(wav):.0f} s)",
                         len(reference), rates, seconds(wav)))

    head = f"{'reading':<44} {'words':>5} " + " ".join(f"{'WER ' + n:>24}" for n in names)
    print(head + "   (decoding seconds per minute of audio, each decoder in turn)")
    for label, n_words, rates, length in rows:
        print(f"{label:<44} {n_words:>5} "
              + " ".join(f"{rates[n][0]:>24.3f}" for n in names)
              + "   " + " / ".join(f"{rates[n][1] / length * 60:.1f}" for n in names))
    print(f"{'overall':<44} {totals['pocketsphinx'][1]:>5} "
          + " ".join(f"{totals[n][0] / max(totals[n][1], 1):>24.3f}" for n in names))

    if args.bench:
        length = seconds(args.bench)
        with tempfile.TemporaryDirectory() as tmp:
            wav16 = to16k(args.bench, Path(tmp) / "bench16k.wav")
            best = min(sphinx(wav16)[1] for _ in range(args.runs))
        print(f"\n{args.bench} ({length:.1f} s):")
        print(f"  pocketsphinx: {best:.2f} s wall (model load included), "
              f"{best / length * 60:.1f} s per minute of audio")
        for model in args.model:
            runs = [whisper(args.transcribe_bin, model, args.bench) for _ in range(args.runs)]
            load = min(r[1] for r in runs)
            took = min(r[2] for r in runs)
            print(f"  {model.name}: load {load:.2f} s, transcribe {took:.2f} s, "
                  f"{took / length * 60:.1f} s per minute of audio")


if __name__ == "__main__":
    main()
