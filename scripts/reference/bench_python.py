"""Measures sentence-transformers throughput on all-MiniLM-L6-v2, the figure the Rust
embedding crate is compared against.

Sentences per second at batch sizes 1, 8 and 32, on the CPU with two threads, over the
sentences in test_data/embed/bench_sentences.txt (the ones the Rust benchmark reads).
Each batch size gets one warm-up pass, then timed passes, the batch sizes taking turns;
passes during which other processes used the CPU are set aside (on Linux), and the median,
best and worst of the quiet ones are reported.
Run by hand, never in CI (see README.md in this folder):

    /tmp/st/bin/python scripts/reference/bench_python.py [--model PATH] [--runs N]

Note that SentenceTransformer.encode sorts the sentences by length before batching, so
its batches carry little padding; that is part of what is being compared.
"""

import argparse
import json
import os
import platform
import statistics
import time

import torch

from model_path import REPO, checked_model_dir

THREADS = 2
BATCH_SIZES = (1, 8, 32)
# Other processes may keep this many cores busy during a pass that still counts as quiet.
QUIET = 0.1


def cpu_snapshot() -> tuple[float, float] | None:
    """Busy CPU seconds of the whole machine and of this process, or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:9]]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    ticks = os.sysconf("SC_CLK_TCK")
    own = os.times()
    return (user + nice + system + irq + softirq + steal) / ticks, own.user + own.system


def others_busy(before, after, wall: float) -> float | None:
    """How many cores other processes kept busy on average between two snapshots."""
    if before is None or after is None or wall <= 0:
        return None
    machine = after[0] - before[0]
    own = after[1] - before[1]
    return max(machine - own, 0.0) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="the model folder (default: the data directory's)")
    parser.add_argument("--sentences", default=str(REPO / "test_data/embed/bench_sentences.txt"))
    parser.add_argument("--runs", type=int, default=7, help="quiet timed passes per batch size")
    parser.add_argument("--max-rounds", type=int, default=30, help="give up waiting for quiet after this many rounds")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    torch.set_num_threads(THREADS)
    with open(args.sentences, encoding="utf-8") as file:
        sentences = [line.strip() for line in file if line.strip()]
    folder = checked_model_dir(args.model)

    start = time.perf_counter()
    # Imported here so that the import's cost is part of neither figure.
    from sentence_transformers import SentenceTransformer

    imported = time.perf_counter()
    model = SentenceTransformer(str(folder), device="cpu")
    loaded = time.perf_counter()

    def encode(batch: int) -> tuple[float, float]:
        """One pass: its wall time, and how many cores other processes kept busy."""
        before = cpu_snapshot()
        began = time.perf_counter()
        model.encode(
            sentences,
            batch_size=batch,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        wall = time.perf_counter() - began
        return wall, others_busy(before, cpu_snapshot(), wall)

    for batch in BATCH_SIZES:
        encode(batch)  # warm-up
    # The batch sizes take turns, so that anything else running on the machine slows
    # them alike; a pass during which other processes kept more than a tenth of a core
    # busy is not counted (on Linux), and the rounds go on until every batch size has
    # `runs` quiet passes or `--max-rounds` is reached.
    quiet = {batch: [] for batch in BATCH_SIZES}
    disturbed = {batch: [] for batch in BATCH_SIZES}
    for _ in range(args.max_rounds):
        if all(len(passes) >= args.runs for passes in quiet.values()):
            break
        for batch in BATCH_SIZES:
            wall, others = encode(batch)
            (quiet if others is None or others <= QUIET else disturbed)[batch].append(wall)
    results = {}
    for batch in BATCH_SIZES:
        passes = quiet[batch] or disturbed[batch]
        rates = sorted(len(sentences) / t for t in passes)
        results[batch] = {
            "sentences_per_s": round(statistics.median(rates), 1),
            "best": round(rates[-1], 1),
            "worst": round(rates[0], 1),
            "quiet_passes": len(quiet[batch]),
            "disturbed_passes": len(disturbed[batch]),
        }

    info = {
        "sentences": len(sentences),
        "threads": torch.get_num_threads(),
        "runs": args.runs,
        "import_s": round(imported - start, 3),
        "load_s": round(loaded - imported, 3),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
        "batches": results,
    }
    if args.json:
        print(json.dumps(info, indent=1))
        return
    print(
        f"sentence-transformers, {info['sentences']} sentences, {info['threads']} threads, "
        f"torch {info['torch']}"
    )
    if any(f["quiet_passes"] == 0 for f in results.values()):
        print("warning: no quiet pass for some batch size; those figures are disturbed ones")
    print(f"import {info['import_s']:.3f} s, model load {info['load_s']:.3f} s")
    for batch, figures in results.items():
        print(
            f"batch {batch:>2}: median {figures['sentences_per_s']:6.1f} sentences/s, "
            f"best {figures['best']:6.1f}, worst {figures['worst']:6.1f} "
            f"({figures['quiet_passes']} quiet passes, {figures['disturbed_passes']} disturbed)"
        )


if __name__ == "__main__":
    main()
