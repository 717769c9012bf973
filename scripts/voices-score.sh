#!/usr/bin/env bash
# Precision and recall of the voices rules on the hand-labelled gold set (tests/voices/):
# explicit and carried attributions apart, and the claims made on sentences that report no
# one, per document and in all, with every miss listed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test voices_gold -- --nocapture 2>&1 | grep -E '^\||^    [^ ]'
