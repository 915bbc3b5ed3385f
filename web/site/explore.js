// "Pool a picture": a picture through any pooling op with every parameter, the output upscaled on
// its pixel grid, the argmax map for max pooling, and the input window behind any output pixel.
import { drawImage, drawPlanes, fit, maxOf } from './draw.js';
import { POOLING_OPS, pictureGraph, windowOf } from './graphs.js';
import { SAMPLES, loadFile, loadSample } from './images.js';

const $ = (id) => document.getElementById(id);
const NUMBER_CONTROLS = ['kernel_size', 'stride', 'padding', 'dilation', 'norm_type', 'output_size', 'output_ratio', 'seed'];
const CHECK_CONTROLS = ['ceil_mode', 'count_include_pad', 'training'];

export class ExplorePanel extends EventTarget {
  constructor() {
    super();
    this.picture = null;  // {name, h, w, data, canvas}
    this.last = null;     // the last successful run: {settings, graph, inputs, outputs, layout, ...}
    this.inspected = null;  // [oh, ow] of the inspected output pixel
    this.opParams = new Map(poolkit.ops().map((o) => [o.name, new Set(o.params.map((p) => p.name))]));
  }

  async init() {
    for (const op of POOLING_OPS.filter((o) => this.opParams.has(o))) $('op').add(new Option(op, op));
    for (const b of poolkit.backends()) $('backend').add(new Option(b, b));
    if (poolkit.backends().includes('cpu')) $('backend').value = 'cpu';
    const maxThreads = poolkit.maxThreads ?? 1;
    for (let t = 1; t <= maxThreads; ++t) $('threads').add(new Option(String(t), String(t)));
    $('threads').disabled = maxThreads < 2;
    $('threads').title = maxThreads < 2 ? 'this page is not cross-origin isolated, or the threaded build is missing: one thread' : '';
    for (const s of SAMPLES) $('image').add(new Option(s.label, s.id));

    for (const id of [...NUMBER_CONTROLS, ...CHECK_CONTROLS, 'op', 'backend', 'threads']) {
      $(id).addEventListener(id === 'op' || id === 'backend' || id === 'threads' ? 'change' : 'input', () => this.run());
    }
    $('run').addEventListener('click', () => this.run());
    $('image').addEventListener('change', () => this.usePicture(loadSample($('image').value)));
    $('upload').addEventListener('change', () => {
      const file = $('upload').files[0];
      if (file) this.usePicture(loadFile(file));
    });
    this.initDrop();
    this.initInspect();
    await this.usePicture(loadSample(SAMPLES[0].id));
  }

  initDrop() {
    const zone = $('dropzone');
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('dragging');
      const file = e.dataTransfer.files[0];
      if (file) this.usePicture(loadFile(file));
    });
  }

  async usePicture(loading) {
    try {
      this.picture = await loading;
    } catch (e) {
      this.fail(e);
      return;
    }
    const { canvas, h, w, name } = this.picture;
    drawImage($('input'), canvas);
    $('input-caption').textContent = `input: ${name}, 1 × 3 × ${h} × ${w}`;
    // The window outline is drawn at (at least) 4 canvas pixels per input pixel, so it stays thin.
    const overlay = $('input-overlay');
    const { cssWidth, scale } = fit(w, 400);
    overlay.style.width = `${cssWidth}px`;
    overlay.width = w * Math.max(scale, 4);
    overlay.height = h * Math.max(scale, 4);
    this.inspected = null;
    this.run();
    this.dispatchEvent(new Event('picture'));
  }

  settings() {
    const s = { op: $('op').value, backend: $('backend').value, threads: Number($('threads').value || 1) };
    for (const id of NUMBER_CONTROLS) s[id] = Number($(id).value);
    for (const id of CHECK_CONTROLS) s[id] = $(id).checked;
    return s;
  }

  // Greys out the controls that are not parameters of the chosen op (max_unpool2d's kernel, stride
  // and padding are also those of the max pool that feeds it).
  markParams(op) {
    const params = new Set(this.opParams.get(op));
    if (op === 'max_unpool2d') params.delete('output_size');  // the picture's own size
    if (op === 'fractional_max_pool2d') params.delete('output_size');  // driven by output_ratio here
    for (const label of document.querySelectorAll('#params label[data-param]')) {
      const on = params.has(label.dataset.param);
      label.classList.toggle('off', !on);
      label.querySelector('input').disabled = !on;
    }
    return this.opParams.get(op);
  }

  run() {
    if (!this.picture) return;
    const s = this.settings();
    const params = this.markParams(s.op);
    const { h, w, data } = this.picture;
    try {
      const built = pictureGraph(s, params, h, w);
      const inputs = { x: { shape: built.inputShape, data } };
      const outputs = poolkit.run(built.graph, inputs, { backend: s.backend, threads: s.threads });
      this.last = { settings: s, ...built, inputs, outputs, timing: poolkit.lastRun };
      this.show();
      this.dispatchEvent(new Event('ran'));
    } catch (e) {
      this.fail(e);
    }
  }

  fail(e) {
    this.last = null;
    $('status').className = 'status error';
    $('status').textContent = `error: ${e.message}`;
  }

  show() {
    const { settings: s, outputs, layout, timing, graph } = this.last;
    const y = outputs.y;
    const [oh, ow] = this.outputSize();
    const peak = maxOf(y.data);
    const gain = peak > 1 ? 1 / peak : 1;
    const out = $('output');
    drawPlanes(out, y.data, { h: oh, w: ow, grid: true, gain });
    $('output-caption').textContent = `output: ${y.shape.join(' × ')}` +
      (layout === 'rows' ? ' (each image row pooled as a sequence)' : '') +
      (layout === 'global' ? ` — one value per channel: ${Array.from(y.data, (v) => v.toFixed(3)).join(', ')}` : '') +
      (gain !== 1 ? ` — shown ×1/${peak.toFixed(2)} (values exceed 1)` : '');
    this.showArgmax();
    const nodes = timing.nodeMs.length > 1 ? ` (${timing.nodeMs.map((n) => `${n.node} ${n.ms.toFixed(2)} ms`).join(', ')})` : '';
    const kernels = timing.kernels.map((k) => k.variant).filter(Boolean).join(', ');
    $('status').className = 'status';
    $('status').textContent = `${s.op} on ${s.backend}, ${s.threads} thread${s.threads > 1 ? 's' : ''}: ` +
      `${timing.totalMs.toFixed(2)} ms${nodes} — one run, engine only` + (kernels ? `; kernel ${kernels}` : '');
    $('graph-json').textContent = JSON.stringify(graph, null, 1).replace(/\n\s+(?=[\d\]-])/g, ' ');
    if (this.inspected && (this.inspected[0] >= oh || this.inspected[1] >= ow)) this.inspected = null;
    this.inspect();
  }

  // The output's per-channel plane size [OH, OW] as drawn (rows layout: OH = input height).
  outputSize() {
    const { outputs, layout } = this.last;
    const shape = outputs.y.shape;
    if (layout === 'rows') return [shape[1] / 3, shape[2]];
    return [shape[2], shape[3]];
  }

  // Input pixels that won at least one window at full brightness, the rest dimmed: what max
  // pooling keeps. Each colour channel has its own winners.
  showArgmax() {
    const fig = $('argmax-figure');
    const { indices, outputs, layout } = this.last;
    fig.hidden = !indices;
    if (!indices) return;
    const { h, w, data } = this.picture;
    const map = new Float32Array(data.length);
    for (let i = 0; i < data.length; ++i) map[i] = 0.2 * data[i];
    const idx = outputs['y.indices'].data;
    const [oh, ow] = this.outputSize();
    const won = new Uint8Array(h * w);
    for (let c = 0; c < 3; ++c) {
      for (let o = 0; o < oh * ow; ++o) {
        const k = idx[c * oh * ow + o];
        if (k < 0) continue;  // an all-padding window has no winner
        // 2-D ops index within the h x w plane; 1-D ops within their row of width w.
        const pos = layout === 'rows' ? Math.floor(o / ow) * w + k : k;
        map[c * h * w + pos] = data[c * h * w + pos];
        won[pos] = 1;
      }
    }
    drawPlanes($('argmax'), map, { h, w });
    const count = won.reduce((a, b) => a + b, 0);
    $('argmax-caption').textContent = `argmax map: the input pixels that won a window (bright) — ` +
      `${count} of ${h * w} (${((100 * count) / (h * w)).toFixed(1)}%)`;
  }

  initInspect() {
    const out = $('output');
    const pick = (e) => {
      if (!this.last) return;
      const [oh, ow] = this.outputSize();
      const r = out.getBoundingClientRect();
      const x = Math.floor(((e.clientX - r.left) / r.width) * ow);
      const y = Math.floor(((e.clientY - r.top) / r.height) * oh);
      if (x >= 0 && y >= 0 && x < ow && y < oh) {
        this.inspected = [y, x];
        this.inspect();
      }
    };
    out.addEventListener('mousemove', pick);
    out.addEventListener('click', pick);
    out.addEventListener('keydown', (e) => {
      if (!this.last) return;
      const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      const m = moves[e.key];
      if (!m) return;
      e.preventDefault();
      const [oh, ow] = this.outputSize();
      const [y, x] = this.inspected ?? [0, 0];
      this.inspected = [Math.min(oh - 1, Math.max(0, y + m[0])), Math.min(ow - 1, Math.max(0, x + m[1]))];
      this.inspect();
    });
    out.addEventListener('focus', () => {
      if (!this.inspected && this.last) {
        this.inspected = [0, 0];
        this.inspect();
      }
    });
  }

  // Outlines the inspected output pixel's input window and marks its winners on the input.
  inspect() {
    const overlay = $('input-overlay');
    const ctx = overlay.getContext('2d');
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    if (!this.last || !this.inspected) {
      $('inspect').textContent = '';
      return;
    }
    const { settings: s, outputs, layout, indices } = this.last;
    const { h, w } = this.picture;
    const [oh, ow] = this.outputSize();
    const [y, x] = this.inspected;
    const scale = overlay.width / w;
    const o = y * ow + x;
    const values = [0, 1, 2].map((c) => outputs.y.data[c * oh * ow + o].toFixed(3));
    let text = `output pixel (row ${y}, column ${x}): R ${values[0]}, G ${values[1]}, B ${values[2]}`;
    const win = windowOf(s, layout, h, w, oh, ow, y, x);
    if (win) {
      ctx.strokeStyle = '#ffeb3b';
      ctx.lineWidth = Math.max(2, scale / 2);
      ctx.strokeRect(win.left * scale, win.top * scale, win.width * scale, win.height * scale);
      text += ` ← input rows ${win.top}…${win.top + win.height - 1}, columns ${win.left}…${win.left + win.width - 1}`;
    }
    if (indices) {
      const colours = ['#ff3030', '#30ff30', '#3080ff'];
      const wins = [];
      for (let c = 0; c < 3; ++c) {
        const k = outputs['y.indices'].data[c * oh * ow + o];
        if (k < 0) continue;
        const [py, px] = layout === 'rows' ? [y, k] : [Math.floor(k / w), k % w];
        wins.push(`${'RGB'[c]} (${py}, ${px})`);
        ctx.fillStyle = colours[c];
        const r = Math.max(3, scale);
        ctx.fillRect(px * scale + scale / 2 - r / 2, py * scale + scale / 2 - r / 2, r, r);
      }
      text += `; winners ${wins.join(', ')}`;
    }
    $('inspect').textContent = text;
  }
}
