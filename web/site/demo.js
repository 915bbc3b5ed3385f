// The demo page's entry point: waits for the engine (window.poolkit, poolkit.js), then starts each
// panel. The picture panel owns the current picture; the shift and pipeline panels follow it.
import { ExplorePanel } from './explore.js';
import { PatchPanel } from './patch.js';
import { PipelinePanel } from './pipeline.js';
import { ShiftPanel } from './shift.js';
import { TimingPanel } from './timing.js';

const engine = document.getElementById('engine');

async function main() {
  await poolkit.ready;
  const build = poolkit.build ?? 'simd';
  const threads = poolkit.maxThreads ?? 1;
  engine.textContent = `Engine ready: WebAssembly (${build}${threads > 1 ? `, up to ${threads} threads` : ', one thread'}); ` +
    `backends ${poolkit.backends().join(', ')}.`;
  const explore = new ExplorePanel();
  await explore.init();
  const patch = new PatchPanel();
  patch.init();
  new ShiftPanel(explore).init();
  const pipeline = new PipelinePanel(explore);
  pipeline.init();
  new TimingPanel(explore).init();
  // For the browser test: each panel's last run ({graph, inputs, outputs}), checked natively.
  window.poolkitDemo = { explore, patch, pipeline };
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  engine.className = 'error';
  engine.textContent = `error: ${e.message}`;
});
