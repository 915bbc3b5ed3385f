// "Conv -> ReLU -> max pool": four edge filters over the grey picture, every stage's feature maps.
// The graph runs twice: once with every stage as an output (to draw them), once with only the
// pooled maps as output — the form in which the cpu backend fuses conv and ReLU — for its timing.
import { drawSigned } from './draw.js';
import { EDGE_FILTERS, pipelineGraph } from './graphs.js';
import { grey } from './images.js';

const $ = (id) => document.getElementById(id);
const STAGES = [
  { output: 'conv', title: 'conv2d' },
  { output: 'relu', title: 'relu' },
  { output: 'pool', title: 'max_pool2d 2×2' },
];

// The colour scale of a feature map: its 99th percentile of |response|, so a few extreme edges do
// not wash every other response out to white.
function strongResponse(map) {
  const step = Math.max(1, Math.floor(map.length / 4096));  // a sample is plenty for a percentile
  const sample = [];
  for (let j = 0; j < map.length; j += step) sample.push(Math.abs(map[j]));
  sample.sort((a, b) => a - b);
  return Math.max(1e-6, sample[Math.floor(0.99 * (sample.length - 1))]);
}

export class PipelinePanel {
  constructor(explore) {
    this.explore = explore;
  }

  init() {
    const maps = $('pipeline-maps');
    maps.replaceChildren();
    EDGE_FILTERS.forEach((f, i) => {
      for (const s of STAGES) {
        const fig = document.createElement('figure');
        fig.innerHTML = `<canvas class="view" id="pipe-${s.output}-${i}" width="1" height="1"></canvas>` +
          `<figcaption>${s.title}: ${f.name}</figcaption>`;
        fig.querySelector('canvas').setAttribute('aria-label', `${s.title} feature map, ${f.name}`);
        maps.append(fig);
      }
    });
    this.explore.addEventListener('picture', () => this.run());
    this.run();
  }

  run() {
    const picture = this.explore.picture;
    if (!picture) return;
    const { h, w } = picture;
    const backend = poolkit.backends().includes('cpu') ? 'cpu' : 'reference';
    const inputs = { x: { shape: [1, 1, h, w], data: grey(picture) } };
    const status = $('pipeline-status');
    try {
      const graph = pipelineGraph(h, w);
      const out = poolkit.run(graph, inputs, { backend });
      this.last = { graph, inputs, outputs: out };
      const staged = poolkit.lastRun;
      const fusedGraph = { ...pipelineGraph(h, w), outputs: ['pool'] };
      poolkit.run(fusedGraph, inputs, { backend });
      const fused = poolkit.lastRun;
      this.draw(out);
      const steps = (run) => run.nodeMs.map((n) => `${n.node} ${n.ms.toFixed(2)} ms`).join(' + ');
      status.className = 'status muted';
      status.textContent = `On ${backend}, every stage as an output: ${staged.totalMs.toFixed(2)} ms ` +
        `(${steps(staged)}); only the pooled maps as output: ${fused.totalMs.toFixed(2)} ms (${steps(fused)}; ` +
        `kernels ${[...new Set(fused.kernels.map((k) => k.variant))].join(', ')}).`;
    } catch (e) {
      status.className = 'status error';
      status.textContent = `error: ${e.message}`;
    }
  }

  draw(out) {
    EDGE_FILTERS.forEach((f, i) => {
      const plane = out.conv.shape[2] * out.conv.shape[3];
      const peak = strongResponse(out.conv.data.subarray(i * plane, (i + 1) * plane));
      for (const s of STAGES) {
        const [, , sh, sw] = out[s.output].shape;
        drawSigned($(`pipe-${s.output}-${i}`), out[s.output].data,
          { h: sh, w: sw, offset: i * sh * sw, display: 200, gain: 1 / peak });
      }
    });
  }
}
