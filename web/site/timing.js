// "How fast": the picture panel's graph run repeatedly on each backend (and thread count where
// the page is cross-origin isolated); medians, min and max of the engine's own run time, with the
// ratio to the reference backend. Runs yield to the page between iterations so it stays usable.
const $ = (id) => document.getElementById(id);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
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
    const runs = Math.max(3, Math.min(200, Number($('timing-runs').value) || 15));
    const rows = [];
    try {
      for (const c of this.configs()) {
        poolkit.run(last.graph, last.inputs, c);  // warm-up (first-run allocations, page faults)
        const times = [];
        for (let i = 0; i < runs; ++i) {
          table.textContent = `timing ${c.backend}, ${c.threads} thread${c.threads > 1 ? 's' : ''}: run ${i + 1} of ${runs}…`;
          await tick();
          poolkit.run(last.graph, last.inputs, c);
          times.push(poolkit.lastRun.totalMs);
        }
        rows.push({ ...c, median: median(times), min: Math.min(...times), max: Math.max(...times),
          kernels: poolkit.lastRun.kernels.map((k) => k.variant).filter(Boolean).join(', ') });
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
      '<th>speed-up vs reference</th><th class="name">kernel</th></tr>';
    const body = rows.map((r) => `<tr data-backend="${r.backend}" data-threads="${r.threads}"><td class="name">${r.backend}</td>` +
      `<td>${r.threads}</td><td>${r.median.toFixed(3)}</td><td>${r.min.toFixed(3)}</td><td>${r.max.toFixed(3)}</td>` +
      `<td>${ref ? (ref.median / r.median).toFixed(1) + '×' : '—'}</td><td class="name">${r.kernels || '—'}</td></tr>`).join('');
    const s = last.settings;
    table.innerHTML = `<table><caption class="muted">${s.op} on ${last.inputShape.join('×')}, ${runs} runs each ` +
      `after one warm-up</caption>${head}${body}</table>`;
  }
}
