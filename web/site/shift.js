// "Shift the input": how much of a pooled output survives moving the picture 1..k pixels, for max
// versus average pooling over k x k windows with stride k.
import { drawPlanes } from './draw.js';
import { shiftGraph } from './graphs.js';
import { shiftedRight } from './images.js';

const $ = (id) => document.getElementById(id);
const SAME = 1 / 512;  // "unchanged": within half an 8-bit grey level

// Share of elements of a and b equal within SAME, and the per-pixel "changed in any channel" map.
function compare(a, b, planes, plane) {
  let same = 0;
  const changed = new Float32Array(plane);
  for (let c = 0; c < planes; ++c) {
    for (let i = 0; i < plane; ++i) {
      const j = c * plane + i;
      if (Math.abs(a[j] - b[j]) <= SAME) ++same;
      else changed[i] = 1;
    }
  }
  return { unchanged: same / a.length, changed };
}

export class ShiftPanel {
  constructor(explore) {
    this.explore = explore;
    this.results = null;  // per shift 1..k: {input, max, avg} comparisons
  }

  init() {
    $('shift-kernel').addEventListener('input', () => this.run());
    $('shift-amount').addEventListener('input', () => this.showMaps());
    this.explore.addEventListener('picture', () => this.run());
    this.run();
  }

  run() {
    const picture = this.explore.picture;
    const k = Number($('shift-kernel').value);
    if (!picture || !(k >= 2)) return;
    const { h, w } = picture;
    const backend = poolkit.backends().includes('cpu') ? 'cpu' : 'reference';
    const pool = (image) => poolkit.run(shiftGraph(k, h, w), { x: { shape: [1, 3, h, w], data: image.data } }, { backend });
    let base;
    try {
      base = pool(picture);
    } catch (e) {
      $('shift-bars').textContent = `error: ${e.message}`;
      this.results = null;
      return;
    }
    const [oh, ow] = base.max.shape.slice(2);
    this.size = [oh, ow];
    this.results = [];
    for (let d = 1; d <= k; ++d) {
      const moved = shiftedRight(picture, d);
      const out = pool(moved);
      this.results.push({
        input: compare(picture.data, moved.data, 3, h * w).unchanged,
        max: compare(base.max.data, out.max.data, 3, oh * ow),
        avg: compare(base.avg.data, out.avg.data, 3, oh * ow),
      });
    }
    $('shift-amount').max = String(k);
    if (Number($('shift-amount').value) > k) $('shift-amount').value = String(k);
    this.showBars(k);
    this.showMaps();
  }

  showBars(k) {
    const bars = $('shift-bars');
    bars.replaceChildren();
    const row = (label, share, kind) => {
      const name = document.createElement('span');
      name.textContent = label;
      name.setAttribute('role', 'rowheader');
      const track = document.createElement('span');
      const bar = document.createElement('div');
      bar.className = `bar ${kind}`;
      bar.style.width = `${(100 * share).toFixed(1)}%`;
      track.append(bar);
      const value = document.createElement('span');
      value.textContent = `${(100 * share).toFixed(1)}%`;
      value.dataset.share = String(share);
      value.dataset.kind = kind;
      bars.append(name, track, value);
    };
    this.results.forEach((r, i) => {
      const d = i + 1;
      row(`${d} px: input`, r.input, 'input');
      row(`${d} px: max`, r.max.unchanged, 'max');
      row(`${d} px: average`, r.avg.unchanged, 'avg');
    });
    bars.setAttribute('aria-label', `share of values unchanged after shifting right by 1 to ${k} pixels, ${k}×${k} windows`);
  }

  showMaps() {
    const d = Number($('shift-amount').value);
    $('shift-amount-out').textContent = `${d} px`;
    const r = this.results?.[d - 1];
    if (!r) return;
    const [oh, ow] = this.size;
    for (const kind of ['max', 'avg']) {
      drawPlanes($(`shift-${kind}`), r[kind].changed, { h: oh, w: ow, channels: 1, display: 190 });
    }
  }
}
