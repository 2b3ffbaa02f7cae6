"""Speech to text with Python's faster-whisper (CTranslate2) on the same tiny.en weights and
the same audio as `cargo xtask bench-speech`, for the comparison in its report. Run by hand,
never in CI (it needs `pip install faster-whisper`):

    OMP_NUM_THREADS=2 python scripts/faster_whisper_bench.py MODEL_DIR target/bench-speech/60s.wav

MODEL_DIR is the installed speech model (<data dir>/models/whisper-tiny.en): CTranslate2
loads the package's folder as it is. Greedy decoding (beam 1), no timestamps, int8 off
(float32 compute, as Rapport runs), two threads.
"""

import sys
import time

from faster_whisper import WhisperModel


def main() -> None:
    model_dir, wav = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    model = WhisperModel(model_dir, device="cpu", compute_type="float32", cpu_threads=2)
    load = time.perf_counter() - start
    runs = []
    text = ""
    for _ in range(3):
        start = time.perf_counter()
        segments, _info = model.transcribe(
            wav, beam_size=1, without_timestamps=True, condition_on_previous_text=False
        )
        text = " ".join(s.text.strip() for s in segments)
        runs.append(time.perf_counter() - start)
    print(f"faster-whisper load {load * 1000:.0f} ms")
    print(
        f"faster-whisper transcribe: first {runs[0] * 1000:.0f} ms, "
        f"mean {sum(runs) / len(runs) * 1000:.0f} ms, {len(text.split())} words"
    )


if __name__ == "__main__":
    main()
