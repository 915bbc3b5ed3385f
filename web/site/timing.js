// "How fast": the picture panel's graph timed on each backend (and thread count where the page is
// cross-origin isolated), the way a benchmark times a kernel: the graph compiled once and its
// inputs copied into wasm memory once (poolkit.prepare), a warm-up until the per-run time is
// steady, then samples of back-to-back runs; medians, min and max of the time per run, with
// the ratio to the reference backend. Why this and not single runs with pauses:
// V8 first runs wasm in its baseline compiler and swaps in optimized code some time later, and
// the threaded build's workers fall asleep during a pause, so isolated runs timed those effects
// rather than the kernels. The page yields between slices of runs so that it stays usable.
const $ = (id) => document.getElementById(id);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const SLICE_MS = 25;           // longest stretch of runs without yielding to the page
const SAMPLE_MS = 10;          // a sample lasts about this long (at least one run)
const WARMUP_MIN_MS = 300;
const WARMUP_MAX_MS = 3000;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Runs |prepared| back to back for about |ms| of wall time (at least once), yielding every
// SLICE_MS; returns the engine's mean ms per run and the number of runs.
async function runFor(prepared, ms) {
  const t0 = performance.now();
  let slice = t0, total = 0, runs = 0;
  do {
    total += prepared.run();
    ++runs;
    if (performance.now() - slice > SLICE_MS) {
      await tick();
      slice = performance.now();
    }
  } while (performance.now() - t0 < ms);
  return { mean: total / runs, runs };
}

// Until two successive 100 ms windows agree within 5% (after at least WARMUP_MIN_MS), or
// WARMUP_MAX_MS; returns the last window's mean ms per run.
async function warmUp(prepared) {
  const t0 = performance.now();
  let before = (await runFor(prepared, 100)).mean;
  while (performance.now() - t0 < WARMUP_MAX_MS) {
    const now = (await runFor(prepared, 100)).mean;
    const steady = Math.abs(now - before) <= 0.05 * before;
    before = now;
    if (steady && performance.now() - t0 >= WARMUP_MIN_MS) break;
  }
  return before;
}

export class TimingPanel {
  constructor(explore) {
    this.explore = explore;
    this.busy = false;
  }

  init() {
    $('timing-go').addEventListener('click', () => this.run());
  }

  configs() {
    const list = poolkit.backends().map((backend) => ({ backend, threads: 1 }));
    const max = poolkit.maxThreads ?? 1;
    if (max > 1 && poolkit.backends().includes('cpu')) list.push({ backend: 'cpu', threads: max });
    return list;
  }

  async run() {
    const last = this.explore.last;
    const table = $('timing-table');
    if (!last) {
      table.textContent = 'Nothing to time: the picture panel has no valid graph.';
      return;
    }
    if (this.busy) return;
    this.busy = true;
    $('timing-go').disabled = true;
    const samples = Math.max(3, Math.min(200, Number($('timing-runs').value) || 15));
    const rows = [];
    try {
      for (const c of this.configs()) {
        const name = `${c.backend}, ${c.threads} thread${c.threads > 1 ? 's' : ''}`;
        table.textContent = `timing ${name}: warming up…`;
        await tick();
        const prepared = poolkit.prepare(last.graph, last.inputs, c);
        try {
          const perRun = await warmUp(prepared);
          const k = Math.max(1, Math.min(1000, Math.round(SAMPLE_MS / Math.max(perRun, 1e-3))));
          const times = [];
          for (let i = 0; i < samples; ++i) {
            table.textContent = `timing ${name}: sample ${i + 1} of ${samples}…`;
            await tick();
            let total = 0;
            for (let j = 0; j < k; ++j) total += prepared.run();
            times.push(total / k);
          }
          rows.push({ ...c, k, median: median(times), min: Math.min(...times), max: Math.max(...times),
            kernels: prepared.kernels().map((e) => e.variant).filter(Boolean).join(', ') });
        } finally {
          prepared.dispose();
        }
      }
    } catch (e) {
      table.textContent = `error: ${e.message}`;
      return;
    } finally {
      this.busy = false;
      $('timing-go').disabled = false;
    }
    const ref = rows.find((r) => r.backend === 'reference');
    const head = '<tr><th class="name">backend</th><th>threads</th><th>median ms</th><th>min ms</th><th>max ms</th>' +
      '<th>runs per sample</th><th>speed-up vs reference</th><th class="name">kernel</th></tr>';
    const body = rows.map((r) => `<tr data-backend="${r.backend}" data-threads="${r.threads}"><td class="name">${r.backend}</td>` +
      `<td>${r.threads}</td><td>${r.median.toFixed(3)}</td><td>${r.min.toFixed(3)}</td><td>${r.max.toFixed(3)}</td>` +
      `<td>${r.k}</td><td>${ref ? (ref.median / r.median).toFixed(1) + '×' : '—'}</td><td class="name">${r.kernels || '—'}</td></tr>`).join('');
    const s = last.settings;
    table.innerHTML = `<table><caption class="muted">${s.op} on ${last.inputShape.join('×')}, ms per run: ${samples} samples ` +
      `of back-to-back runs per backend, after a warm-up until steady</caption>${head}${body}</table>`;
  }
}
