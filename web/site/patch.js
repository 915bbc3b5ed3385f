// "A 4x4 patch by hand": the user types 16 numbers; every kind of 2x2/s2 pooling runs on them in
// one graph and each window's result is shown in the window's colour.
import { patchGraph } from './graphs.js';

const $ = (id) => document.getElementById(id);
// The classic window [5, 6; 7, 9] top left; a window with negatives (zero weight for stochastic
// pooling), one with a tie (the first maximum wins), and small values.
const DEFAULT_PATCH = [5, 6, 1, 2, 7, 9, 0, 3, -2, 4, 8, 8, 1, -3, 8, 8];
const windowOf = (i) => 2 * Math.floor(i / 8) + Math.floor((i % 4) / 2);  // 0..3, row-major windows

const RESULTS = [
  { output: 'max', title: 'max' },
  { output: 'avg', title: 'average' },
  { output: 'l2', title: 'L2 = √(Σx²)' },
  { output: 'stochastic', title: 'stochastic (training, seeded pick)' },
  { output: 'expected', title: 'stochastic (inference: Σ p·x)' },
];

function format(v) {
  if (Number.isNaN(v)) return 'NaN';
  return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, '');
}

export class PatchPanel {
  init() {
    const grid = $('patch-grid');
    DEFAULT_PATCH.forEach((v, i) => {
      const cell = document.createElement('input');
      cell.type = 'number';
      cell.step = 'any';
      cell.value = String(v);
      cell.className = `win${windowOf(i)}`;
      cell.setAttribute('aria-label', `row ${Math.floor(i / 4) + 1}, column ${(i % 4) + 1}`);
      cell.addEventListener('input', () => this.run());
      grid.append(cell);
    });
    $('patch-seed').addEventListener('input', () => this.run());
    const results = $('patch-results');
    for (const r of RESULTS) {
      const box = document.createElement('div');
      box.className = 'result';
      box.innerHTML = `<h3>${r.title}</h3><div class="grid2" id="patch-${r.output}" role="group" aria-label="${r.title}"></div>`;
      results.append(box);
    }
    this.run();
  }

  values() {
    return Array.from(document.querySelectorAll('#patch-grid input'), (c) => (c.value.trim() === '' ? NaN : Number(c.value)));
  }

  run() {
    const x = this.values();
    const status = $('patch-status');
    const graph = patchGraph(Number($('patch-seed').value));
    const inputs = { x: { shape: [1, 1, 4, 4], data: new Float32Array(x) } };
    let out;
    try {
      out = poolkit.run(graph, inputs, { backend: poolkit.backends().includes('cpu') ? 'cpu' : 'reference' });
      this.last = { graph, inputs, outputs: out };
    } catch (e) {
      status.className = 'status error';
      status.textContent = `error: ${e.message}`;
      return;
    }
    status.className = 'status';
    status.textContent = '';
    for (const r of RESULTS) {
      const cells = $(`patch-${r.output}`);
      cells.replaceChildren();
      out[r.output].data.forEach((v, win) => {
        const span = document.createElement('span');
        span.className = `win${win}`;
        span.dataset.value = String(v);
        span.textContent = format(v);
        const taps = [0, 1, 4, 5].map((d) => x[8 * Math.floor(win / 2) + 2 * (win % 2) + d]);
        if (r.output === 'l2') {
          const sumsq = taps.reduce((a, t) => a + t * t, 0);
          if (Number.isInteger(sumsq) && !Number.isInteger(v)) span.textContent = `√${sumsq} ≈ ${format(v)}`;
        }
        if (r.output === 'max') {
          const k = out['max.indices'].data[win];
          span.title = `the winner is at row ${Math.floor(k / 4) + 1}, column ${(k % 4) + 1} of the patch`;
        }
        cells.append(span);
      });
    }
  }
}
