// The first page's logic: photograph -> [1, 3, H, W] float tensor in [0, 1] -> one pooling graph
// through window.poolkit -> output canvas (nearest-neighbour upscaled by CSS) and timing.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const POOLING = ['max_pool2d', 'avg_pool2d', 'lp_pool2d', 'stochastic_pool2d', 'fractional_max_pool2d',
    'max_unpool2d', 'adaptive_max_pool2d', 'adaptive_avg_pool2d', 'global_max_pool', 'global_avg_pool',
    'global_lp_pool', 'max_pool1d', 'avg_pool1d', 'lp_pool1d'];
  let image = null;  // {h, w, data: Float32Array (1 x 3 x h x w)}

  function loadImage(src) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error(`cannot load ${src}`));
      img.src = src;
    });
  }

  function toTensor(img) {
    const canvas = $('input');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(img, 0, 0);
    const { width: w, height: h, data: rgba } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const data = new Float32Array(3 * h * w);
    for (let i = 0; i < h * w; ++i) {
      for (let c = 0; c < 3; ++c) data[c * h * w + i] = rgba[4 * i + c] / 255;
    }
    $('input-caption').textContent = `input: 1 × 3 × ${h} × ${w}`;
    return { h, w, data };
  }

  // The graph for the chosen op; returns {graph, inputShape, view: (outputs) => {h, w, planes}}.
  function graphFor(op, k, s) {
    const { h, w } = image;
    const x4 = [1, 3, h, w];
    const node = { name: 'y', op, inputs: ['x'] };
    let inputShape = x4;
    const nodes = [node];
    if (['max_pool2d', 'avg_pool2d', 'lp_pool2d', 'stochastic_pool2d'].includes(op)) {
      Object.assign(node, { kernel_size: [k, k], stride: [s, s] });
      if (op === 'lp_pool2d') node.norm_type = 2;
      if (op === 'stochastic_pool2d') Object.assign(node, { training: true, seed: 1 });
    } else if (op === 'fractional_max_pool2d') {
      const oh = Math.max(1, Math.floor((h - k) / s) + 1), ow = Math.max(1, Math.floor((w - k) / s) + 1);
      Object.assign(node, { kernel_size: [k, k], output_size: [oh, ow], seed: 1 });
    } else if (op === 'max_unpool2d') {
      // Pool with indices, then scatter the maxima back: what max pooling keeps, in place.
      nodes.unshift({ name: 'p', op: 'max_pool2d', inputs: ['x'], kernel_size: [k, k], stride: [s, s], return_indices: true });
      Object.assign(node, { inputs: ['p', 'p.indices'], kernel_size: [k, k], stride: [s, s], output_size: [h, w] });
    } else if (op.startsWith('adaptive_')) {
      node.output_size = [Math.max(1, Math.ceil(h / s)), Math.max(1, Math.ceil(w / s))];
    } else if (op === 'global_lp_pool') {
      node.norm_type = 2;
    } else if (op.endsWith('_pool1d')) {
      // Every image row is a sequence: [1, 3*H, W], pooled along the row only.
      inputShape = [1, 3 * h, w];
      Object.assign(node, { kernel_size: k, stride: s });
      if (op === 'lp_pool1d') node.norm_type = 2;
    }
    return { graph: { inputs: { x: { shape: inputShape } }, nodes, outputs: ['y'] }, inputShape };
  }

  function show(out) {
    const shape = out.shape;
    const oh = shape.length === 3 ? shape[1] / 3 : shape[2];
    const ow = shape[shape.length - 1];
    const canvas = $('output');
    canvas.width = ow;
    canvas.height = oh;
    const ctx = canvas.getContext('2d');
    const pixels = ctx.createImageData(ow, oh);
    const plane = oh * ow;
    for (let i = 0; i < plane; ++i) {
      for (let c = 0; c < 3; ++c) pixels.data[4 * i + c] = Math.round(255 * Math.min(1, Math.max(0, out.data[c * plane + i])));
      pixels.data[4 * i + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
    $('output-caption').textContent = `output: ${shape.join(' × ')}` + (shape.length === 3 ? ' (rows as sequences)' : '');
  }

  function run() {
    const status = $('status');
    const op = $('op').value, backend = $('backend').value;
    const k = Number($('kernel').value), s = Number($('stride').value);
    try {
      const { graph, inputShape } = graphFor(op, k, s);
      const out = poolkit.run(graph, { x: { shape: inputShape, data: image.data } }, { backend });
      show(out.y);
      const r = poolkit.lastRun;
      const kernels = r.kernels.map((c) => c.variant).join(', ');
      status.className = '';
      status.textContent = `${op} on ${backend}: ${r.totalMs.toFixed(2)} ms (one run, wall clock)` + (kernels ? ` — kernel ${kernels}` : '');
    } catch (e) {
      status.className = 'error';
      status.textContent = `error: ${e.message}`;
    }
  }

  async function main() {
    await poolkit.ready;
    const ops = poolkit.ops().map((o) => o.name);
    for (const name of POOLING.filter((n) => ops.includes(n))) $('op').add(new Option(name, name));
    for (const b of poolkit.backends()) $('backend').add(new Option(b, b));
    if (poolkit.backends().includes('cpu')) $('backend').value = 'cpu';
    image = toTensor(await loadImage('chelsea.png'));
    for (const id of ['op', 'kernel', 'stride', 'backend']) $(id).addEventListener('change', run);
    $('run').addEventListener('click', run);
    run();
    document.body.dataset.ready = 'true';  // for the browser test
  }
  main().catch((e) => {
    $('status').className = 'error';
    $('status').textContent = `error: ${e.message}`;
  });
})();
