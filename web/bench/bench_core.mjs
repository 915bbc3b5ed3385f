// The wasm benchmark's measuring code, shared by node (bench_wasm.mjs) and the Chromium page
// (bench_page.mjs): poolkit's embind module (PreparedRun) against TensorFlow.js's wasm backend
// (XNNPACK inside) on DESIGN.md's workloads P1-P4 and C1, timed the same way, side by side.
//
// What is timed, for both: one op/graph call from JS on inputs already resident in the library's
// wasm memory, output left there (poolkit: PreparedRun.run(), i.e. Session::run; tfjs: the op
// call, synchronous on the wasm backend, then dispose() of its output tensor). No input upload,
// no output download, no graph parsing.
//
// Layout: poolkit gets NCHW (its contract); tfjs gets the same values in NHWC (filters HWIO), its
// native layout: tfjs's wasm pooling and conv kernels are NHWC-only, so handing it NCHW would
// time a transpose that a tfjs user would not have. Each library is timed on its own layout,
// as DESIGN.md's peer numbers are ("their best layout"). Before timing, the two outputs are
// compared (after transposing tfjs's back to NCHW) under DESIGN.md's tolerances: the two sides
// compute the same function, padding and divisor included. Also timed, for the record (not in
// the ratio): tfjs on poolkit's layout, NCHW data transposed to NHWC, the op, and back.
//
// Method: warm-up per contender until its speed is steady — at least warmupMs, then 100 ms
// windows until one is within 5% of the one before (at most maxWarmupMs): V8 runs wasm first
// in its baseline compiler (Liftoff) and swaps in optimized code when a background compile of
// a hot function finishes, which took over a second for poolkit's P1 kernel in Chromium on this
// loaded machine (1.07 ms/call before, 0.57 after; forcing TurboFan, --no-liftoff, gave 0.57 at
// once). Then `samples` samples per contender, interleaved (poolkit, tfjs, poolkit, ...) so that
// drift on this shared machine hits both alike; a sample times k back-to-back calls, k chosen so
// that a sample lasts about targetSampleMs: 20 ms, so that the first call of a sample, which
// finds the caches full of the other library's tensors (P1: 16 MB each), is a small part of it
// (with 2 ms samples poolkit's P1 doubled, 0.33 -> 0.65 ms, tfjs's grew 20%), and far above the
// browser clock's 5 us steps (P4 takes ~10 us). Reported: median and minimum per-call times.

export const WORKLOADS = [
  { id: 'p1_max2x2', tol: 0, tfjs: { maxPool: (tf, t) => tf.maxPool(t.x, 2, 2, 'valid') } },
  // PyTorch's padding=1 pads both sides; tfjs's numeric pad does the same ('same' would pad only
  // the end for this size): the output check below holds them to identical windows.
  { id: 'p2_max3x3s2p1', tol: 0, tfjs: { maxPool: (tf, t) => tf.maxPool(t.x, 3, 2, 1) } },
  { id: 'p3_avg2x2', tol: 1e-5, tfjs: { avgPool: (tf, t) => tf.avgPool(t.x, 2, 2, 'valid') } },
  // Global average pooling has no op of its own in tfjs: both spellings timed, the faster counts.
  { id: 'p4_global_avg', tol: 1e-5, tfjs: {
    mean: (tf, t) => tf.mean(t.x, [1, 2], true),
    'avgPool 7x7': (tf, t) => tf.avgPool(t.x, [t.x.shape[1], t.x.shape[2]], 1, 'valid') } },
  // Conv + bias in one op, tfjs's fastest spelling (XNNPACK convolution with bias). tol: two
  // float32 sums of 576 products in different orders, each within DESIGN.md's 1e-5 of the exact
  // value, differ by up to ~2e-5 here; a wrong padding or layout would be off by O(1).
  { id: 'c1_conv3x3', tol: 1e-4, tfjs: {
    'fused.conv2d': (tf, t) => tf.fused.conv2d({ x: t.x, filter: t.w, bias: t.b, strides: 1, pad: 'same' }) } },
];

// Deterministic values in [-1, 1) (a 32-bit LCG): the same data on both sides, every run.
export function randomData(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; ++i) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

const numel = (shape) => shape.reduce((p, d) => p * d, 1);

// [N, C, H, W] data -> [N, H, W, C] (and back with toNchw); a weight [O, I, kh, kw] -> [kh, kw, I, O].
function toNhwc(data, [n, c, h, w]) {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; ++b)
    for (let ch = 0; ch < c; ++ch)
      for (let y = 0; y < h; ++y)
        for (let x = 0; x < w; ++x) out[((b * h + y) * w + x) * c + ch] = data[((b * c + ch) * h + y) * w + x];
  return out;
}
function toNchw(data, [n, c, h, w]) {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; ++b)
    for (let ch = 0; ch < c; ++ch)
      for (let y = 0; y < h; ++y)
        for (let x = 0; x < w; ++x) out[((b * c + ch) * h + y) * w + x] = data[((b * h + y) * w + x) * c + ch];
  return out;
}
function oihwToHwio(data, [o, i, kh, kw]) {
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; ++a)
    for (let b = 0; b < i; ++b)
      for (let y = 0; y < kh; ++y)
        for (let x = 0; x < kw; ++x) out[((y * kw + x) * i + b) * o + a] = data[((a * i + b) * kh + y) * kw + x];
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Largest |a - b| / (1 + |b|) and whether every element is within tol (tol 0: bit-exact).
function compare(got, want, tol) {
  if (got.length !== want.length) return { ok: false, worst: Infinity, why: `${got.length} vs ${want.length} values` };
  let worst = 0, ok = true;
  for (let i = 0; i < want.length; ++i) {
    const err = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
    if (!(err <= worst)) worst = err;
    if (tol === 0 ? got[i] !== want[i] : !(err <= tol)) ok = false;
  }
  return { ok, worst };
}

function timeBatch(fn, k, now) {
  const t0 = now();
  for (let i = 0; i < k; ++i) fn();
  return (now() - t0) / k;
}

// Runs |fn| for a window of about |ms|; returns the mean time per call.
function window(fn, ms, now) {
  const t0 = now();
  let calls = 0, t;
  do {
    fn();
    ++calls;
    t = now() - t0;
  } while (t < ms);
  return t / calls;
}

// contenders: [{name, fn}] -> {name: {medianMs, minMs, calls, warmupMs}}
export function measure(contenders, { now, warmupMs = 300, maxWarmupMs = 5000, samples = 15, targetSampleMs = 20 }) {
  for (const c of contenders) {
    const t0 = now();
    for (let i = 0; i < 5; ++i) c.fn();
    let before = window(c.fn, Math.max(warmupMs - (now() - t0), 1), now);
    while (now() - t0 < maxWarmupMs) {
      const current = window(c.fn, 100, now);
      const steady = Math.abs(current - before) <= 0.05 * before;
      before = current;
      if (steady) break;
    }
    c.warmupMs = now() - t0;
    const perCall = timeBatch(c.fn, 3, now);
    c.k = Math.max(1, Math.min(10000, Math.round(targetSampleMs / Math.max(perCall, 1e-4))));
    c.times = [];
  }
  for (let s = 0; s < samples; ++s) {
    for (let i = 0; i < contenders.length; ++i) {
      const c = contenders[(s + i) % contenders.length];  // rotate who goes first
      c.times.push(timeBatch(c.fn, c.k, now));
    }
  }
  return Object.fromEntries(contenders.map((c) => [c.name,
    { medianMs: median(c.times), minMs: Math.min(...c.times), calls: c.k * samples, warmupMs: c.warmupMs }]));
}

// One workload: poolkit (module `pk`, `threads`) vs tfjs (already set up with its own thread
// count), after checking they agree. graphJson: the text of native/bench/<id>.json. timeTfjs
// false: tfjs only checks the output (node: tfjs-backend-wasm has no threaded build there).
export function benchWorkload({ pk, tf, workload, graphJson, threads, now, options = {}, timeTfjs = true }) {
  const graph = JSON.parse(graphJson);
  const names = Object.keys(graph.inputs);
  const inputs = Object.fromEntries(names.map((n, i) => {
    const shape = graph.inputs[n].shape;
    return [n, { shape, data: randomData(numel(shape), 7919 * (i + 1)) }];
  }));
  const run = new pk.PreparedRun(graphJson, inputs, 'cpu', threads);
  const tensors = {};
  const extra = [];
  try {
    for (const [n, { shape, data }] of Object.entries(inputs)) {
      if (shape.length === 4 && n === 'x') tensors[n] = tf.tensor4d(toNhwc(data, shape), [shape[0], shape[2], shape[3], shape[1]]);
      else if (shape.length === 4) tensors[n] = tf.tensor4d(oihwToHwio(data, shape), [shape[2], shape[3], shape[1], shape[0]]);
      else tensors[n] = tf.tensor(data, shape);
    }
    // Agreement first: poolkit's NCHW output against tfjs's, transposed back.
    run.run();
    const out = run.outputs()[graph.outputs[0]];
    const checks = {};
    for (const [name, op] of Object.entries(workload.tfjs)) {
      const y = op(tf, tensors);
      const nhwc = y.dataSync();
      const [n, c, h, w] = out.shape;
      const got = toNchw(nhwc, [n, c, h, w]);
      y.dispose();
      checks[name] = compare(got, out.data, workload.tol);
      if (!checks[name].ok) {
        throw new Error(`${workload.id}: tfjs ${name} disagrees with poolkit (worst relative error ${checks[name].worst})`);
      }
    }
    const contenders = [{ name: 'poolkit', fn: () => run.run() }];
    for (const [name, op] of Object.entries(timeTfjs ? workload.tfjs : {})) {
      contenders.push({ name: `tfjs ${name}`, fn: () => op(tf, tensors).dispose() });
    }
    // For the record, not the ratio: what tfjs costs on poolkit's layout, i.e. with NCHW data
    // transposed to NHWC and the result back (the first tfjs spelling).
    const [firstName, firstOp] = Object.entries(workload.tfjs)[0];
    if (timeTfjs) {
      const nchw = tf.tensor4d(inputs.x.data, inputs.x.shape);
      extra.push(nchw);
      contenders.push({ name: 'tfjs nchw', fn: () => tf.tidy(() => {
        const y = firstOp(tf, { ...tensors, x: tf.transpose(nchw, [0, 2, 3, 1]) });
        return tf.transpose(y, [0, 3, 1, 2]);
      }).dispose() });
    }
    const m = measure(contenders, { now, ...options });
    const poolkit = {
      workload: workload.id, threads,
      poolkit_ms: m.poolkit.medianMs, poolkit_min_ms: m.poolkit.minMs, poolkit_calls: m.poolkit.calls,
      poolkit_warmup_ms: m.poolkit.warmupMs,
      poolkit_variant: run.kernels().map((k) => k.variant).join('+'),
      max_rel_diff: Math.max(...Object.values(checks).map((c) => c.worst)),
    };
    if (!timeTfjs) return { ...poolkit, tfjs_ms: null, tfjs_op: null, ratio: null };
    let best = null;
    for (const name of Object.keys(workload.tfjs)) {
      if (!best || m[`tfjs ${name}`].medianMs < m[`tfjs ${best}`].medianMs) best = name;
    }
    const tfjsBest = m[`tfjs ${best}`];
    return {
      ...poolkit,
      tfjs_ms: tfjsBest.medianMs, tfjs_min_ms: tfjsBest.minMs, tfjs_calls: tfjsBest.calls, tfjs_op: best,
      tfjs_warmup_ms: tfjsBest.warmupMs,
      tfjs_all: Object.fromEntries(Object.keys(workload.tfjs).map((k) => [k, m[`tfjs ${k}`].medianMs])),
      ratio: m.poolkit.medianMs / tfjsBest.medianMs,
      tfjs_nchw_ms: m['tfjs nchw'].medianMs, tfjs_nchw_op: `transpose + ${firstName} + transpose`,
    };
  } finally {
    run.delete();
    for (const t of [...Object.values(tensors), ...extra]) t.dispose();
  }
}
