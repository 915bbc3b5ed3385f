// Graph builders for the demo's panels: the page's controls in, a poolkit graph JSON object out
// (DESIGN.md "Graph JSON"). Pure functions: no DOM, so what the page runs is easy to read and test.

// The pooling ops the picture panel offers, in the order of the select.
export const POOLING_OPS = ['max_pool2d', 'avg_pool2d', 'lp_pool2d', 'stochastic_pool2d', 'fractional_max_pool2d',
  'adaptive_max_pool2d', 'adaptive_avg_pool2d', 'max_unpool2d', 'global_max_pool', 'global_avg_pool',
  'global_lp_pool', 'max_pool1d', 'avg_pool1d', 'lp_pool1d'];

// Ops whose second output `<node>.indices` says which input element won each window.
const INDEX_OPS = new Set(['max_pool2d', 'max_pool1d', 'adaptive_max_pool2d', 'fractional_max_pool2d']);

export const pair = (v) => [v, v];

// How the output relates to the input picture [1, 3, H, W]:
//   'planes'  the output is [1, 3, OH, OW] (most ops);
//   'rows'    1-D ops see each image row as a sequence: input [1, 3H, W], output [1, 3H, OW];
//   'global'  one value per channel: [1, 3, 1, 1].
export function layoutOf(op) {
  if (op.endsWith('_pool1d')) return 'rows';
  if (op.startsWith('global_')) return 'global';
  return 'planes';
}

// The graph for the picture panel. `s` holds the controls' values: {op, kernel_size, stride,
// padding, dilation, norm_type, output_size, output_ratio, seed, ceil_mode, count_include_pad,
// training}. `params` is the set of parameter names the op has (from poolkit.ops()), so the graph
// carries exactly the op's own parameters. Returns {graph, inputShape, layout, indices}.
export function pictureGraph(s, params, h, w) {
  const layout = layoutOf(s.op);
  const inputShape = layout === 'rows' ? [1, 3 * h, w] : [1, 3, h, w];
  const node = { name: 'y', op: s.op, inputs: ['x'] };
  const one = layout === 'rows';  // 1-D ops take plain ints
  const set = (name, value) => { if (params.has(name)) node[name] = value; };
  set('kernel_size', one ? s.kernel_size : pair(s.kernel_size));
  set('stride', one ? s.stride : pair(s.stride));
  set('padding', one ? s.padding : pair(s.padding));
  set('dilation', one ? s.dilation : pair(s.dilation));
  set('ceil_mode', s.ceil_mode);
  set('count_include_pad', s.count_include_pad);
  set('norm_type', s.norm_type);
  set('training', s.training);
  set('seed', s.seed);
  if (s.op === 'fractional_max_pool2d') node.output_ratio = pair(s.output_ratio);
  if (s.op.startsWith('adaptive_')) {
    // One control for the height; the width keeps the picture's aspect ratio.
    node.output_size = [s.output_size, Math.max(1, Math.round((s.output_size * w) / h))];
  }
  const nodes = [node];
  let indices = INDEX_OPS.has(s.op);
  if (s.op === 'max_unpool2d') {
    // Max-pool with indices, then put every maximum back where it came from: what max pooling
    // keeps, at full size (everything else is zero).
    const pool = { name: 'p', op: 'max_pool2d', inputs: ['x'], kernel_size: node.kernel_size, stride: node.stride,
      padding: node.padding, return_indices: true };
    nodes.unshift(pool);
    node.inputs = ['p', 'p.indices'];
    node.output_size = [h, w];
    indices = false;
  }
  if (indices) node.return_indices = true;
  const graph = { inputs: { x: { shape: inputShape } }, nodes, outputs: indices ? ['y', 'y.indices'] : ['y'] };
  return { graph, inputShape, layout, indices };
}

// The input window that made output pixel (oh, ow) of the picture panel's op, in input pixel
// coordinates {top, left, height, width} (possibly reaching into the padding), or null where the
// window is not a rectangle the controls determine (fractional pooling draws its windows at random).
export function windowOf(s, layout, inH, inW, outH, outW, oh, ow) {
  if (s.op === 'fractional_max_pool2d') return null;
  if (layout === 'global') return { top: 0, left: 0, height: inH, width: inW };
  if (s.op.startsWith('adaptive_')) {
    const start = (o, n, out) => Math.floor((o * n) / out);
    const end = (o, n, out) => Math.ceil(((o + 1) * n) / out);
    const top = start(oh, inH, outH), left = start(ow, inW, outW);
    return { top, left, height: end(oh, inH, outH) - top, width: end(ow, inW, outW) - left };
  }
  const dil = s.op === 'max_pool2d' || s.op === 'max_pool1d' ? s.dilation : 1;
  const pad = s.op.startsWith('lp_') ? 0 : s.padding;
  const extent = (s.kernel_size - 1) * dil + 1;
  const left = ow * s.stride - pad;
  if (layout === 'rows') return { top: oh, left, height: 1, width: extent };
  return { top: oh * s.stride - pad, left, height: extent, width: extent };
}

// The translation-invariance panel: max and average pooling, window k, stride k, one graph.
export function shiftGraph(k, h, w) {
  const pool = (name, op) => ({ name, op, inputs: ['x'], kernel_size: pair(k), stride: pair(k) });
  return { inputs: { x: { shape: [1, 3, h, w] } }, nodes: [pool('max', 'max_pool2d'), pool('avg', 'avg_pool2d')],
    outputs: ['max', 'avg'] };
}

// Four 3x3 edge filters for the conv -> relu -> pool panel (one grey input channel).
export const EDGE_FILTERS = [
  { name: 'vertical edges (Sobel x)', w: [-1, 0, 1, -2, 0, 2, -1, 0, 1] },
  { name: 'horizontal edges (Sobel y)', w: [-1, -2, -1, 0, 0, 0, 1, 2, 1] },
  { name: 'diagonal edges', w: [0, 1, 2, -1, 0, 1, -2, -1, 0] },
  { name: 'spots (Laplacian)', w: [0, -1, 0, -1, 4, -1, 0, -1, 0] },
];

// conv2d (4 filters, 3x3, padding 1) -> relu -> max_pool2d 2x2/s2 on a [1, 1, H, W] grey picture;
// every stage is an output so the page can show each feature map.
export function pipelineGraph(h, w) {
  const weights = EDGE_FILTERS.flatMap((f) => f.w);
  return {
    inputs: { x: { shape: [1, 1, h, w] } },
    constants: { w: { shape: [EDGE_FILTERS.length, 1, 3, 3], data: weights } },
    nodes: [
      { name: 'conv', op: 'conv2d', inputs: ['x', 'w'], padding: [1, 1] },
      { name: 'relu', op: 'relu', inputs: ['conv'] },
      { name: 'pool', op: 'max_pool2d', inputs: ['relu'], kernel_size: [2, 2], stride: [2, 2] },
    ],
    outputs: ['conv', 'relu', 'pool'],
  };
}

// The patch panel: one [1, 1, 4, 4] input, 2x2/s2 windows, every kind of pooling side by side.
export function patchGraph(seed) {
  const pool = (name, op, extra = {}) => ({ name, op, inputs: ['x'], kernel_size: [2, 2], stride: [2, 2], ...extra });
  return {
    inputs: { x: { shape: [1, 1, 4, 4] } },
    nodes: [
      pool('max', 'max_pool2d', { return_indices: true }),
      pool('avg', 'avg_pool2d'),
      pool('l2', 'lp_pool2d', { norm_type: 2 }),
      pool('stochastic', 'stochastic_pool2d', { training: true, seed }),
      pool('expected', 'stochastic_pool2d', { training: false }),
    ],
    outputs: ['max', 'max.indices', 'avg', 'l2', 'stochastic', 'expected'],
  };
}
