#!/usr/bin/env bash
# The README's main command: builds poolkit, then runs the bundled graph on the bundled photograph
# through every pooling op and writes PNGs and a timing table to demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
build/bin/poolkit_demo --out demo-output "$@"
