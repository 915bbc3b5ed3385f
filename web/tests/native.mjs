// The browser test's native oracle: runs a graph the page ran through the native `poolkit run`
// (reference backend) on the same inputs, and compares outputs with DESIGN.md's tolerances.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { npyBytes, readNpy } from './npy.mjs';

// Runs `graph` natively on `inputs` ({name: {shape, data: number[]}}) and returns every output.
export function runNative(cli, graph, inputs) {
  const dir = mkdtempSync(path.join(tmpdir(), 'poolkit-browser-'));
  try {
    writeFileSync(path.join(dir, 'graph.json'), JSON.stringify(graph));
    const args = ['run', path.join(dir, 'graph.json'), '--backend', 'reference'];
    for (const [name, t] of Object.entries(inputs)) {
      writeFileSync(path.join(dir, `in_${name}.npy`), npyBytes(t.shape, Float32Array.from(t.data)));
      args.push('--input', `${name}=${path.join(dir, `in_${name}.npy`)}`);
    }
    for (const name of graph.outputs) args.push('--output', `${name}=${path.join(dir, `out_${name}.npy`)}`);
    execFileSync(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const out = {};
    for (const name of graph.outputs) {
      const t = readNpy(path.join(dir, `out_${name}.npy`));
      out[name] = { shape: t.shape, data: Array.from(t.data, Number) };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Throws unless `page` ({shape, data}) matches `native` within DESIGN.md's tolerances: exact for
// max-type results and indices (`exact`), else |a - b| <= 1e-5 (1 + |b|). NaN matches NaN.
export function assertClose(what, page, native, exact) {
  if (JSON.stringify(page.shape) !== JSON.stringify(native.shape)) {
    throw new Error(`${what}: shape ${JSON.stringify(page.shape)} in the page, ${JSON.stringify(native.shape)} natively`);
  }
  for (let i = 0; i < native.data.length; ++i) {
    const a = page.data[i], b = native.data[i];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    const ok = exact ? a === b : Math.abs(a - b) <= 1e-5 * (1 + Math.abs(b));
    if (!ok) throw new Error(`${what}: element ${i} is ${a} in the page, ${b} natively`);
  }
}
