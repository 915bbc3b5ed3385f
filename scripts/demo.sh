#!/usr/bin/env bash
# The README's main command: builds poolkit, then runs the bundled graph on the bundled photograph
# through every pooling op and writes PNGs and a timing table to demo-output/; then builds the
# browser build and serves its page (build-wasm/web) on 127.0.0.1, printing the URL.
# In a terminal the server runs in the foreground until Ctrl-C; run non-interactively (CI, a
# pipe), it is started in the background and the script returns (stop it with the printed kill).
# POOLKIT_DEMO_PORT chooses the port (default 8765; any free port if that one is taken).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
build/bin/poolkit_demo --out demo-output "$@"

bash scripts/build_wasm.sh
port="${POOLKIT_DEMO_PORT:-8765}"
if [ -t 0 ] && [ -t 1 ]; then
  echo "poolkit: the browser demo (Ctrl-C stops the server):"
  exec node web/serve.mjs build-wasm/web "$port"
fi
pidfile=build-wasm/serve.pid
if [ -f "$pidfile" ]; then  # the previous background server, if it is still ours
  old="$(cat "$pidfile")"
  if grep -qs "web/serve.mjs" "/proc/$old/cmdline"; then kill "$old" 2>/dev/null || true; sleep 0.2; fi
fi
setsid nohup node web/serve.mjs build-wasm/web "$port" >build-wasm/serve.log 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 50); do grep -q "http://" build-wasm/serve.log && break; sleep 0.1; done
grep "http://" build-wasm/serve.log || { cat build-wasm/serve.log >&2; exit 1; }
echo "poolkit: the server runs in the background; stop it with: kill $(cat "$pidfile")"
