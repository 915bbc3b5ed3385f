// The browser test's native oracle: runs a graph the page ran through the native `poolkit run`
// (reference backend) on the same inputs, and compares outputs with DESIGN.md's tolerances.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// A little-endian C-order .npy (format 1.0) of float32 values.
function npyF32(shape, values) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';  // total header a multiple of 64
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(new Float32Array(values).buffer);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

// {shape, data} of a .npy poolkit wrote: '<f4' or '<i8' (indices), C order.
function readNpy(file) {
  const buf = readFileSync(file);
  const len = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + len);
  const descr = /'descr': '([^']+)'/.exec(header)[1];
  const shape = /'shape': \(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = buf.subarray(10 + len);
  const bytes = body.buffer.slice(body.byteOffset, body.byteOffset + body.length);
  if (descr === '<f4') return { shape, data: Array.from(new Float32Array(bytes)) };
  if (descr === '<i8') return { shape, data: Array.from(new BigInt64Array(bytes), Number) };
  throw new Error(`unexpected dtype ${descr} in ${file}`);
}

// Runs `graph` natively on `inputs` ({name: {shape, data: number[]}}) and returns every output.
export function runNative(cli, graph, inputs) {
  const dir = mkdtempSync(path.join(tmpdir(), 'poolkit-browser-'));
  try {
    writeFileSync(path.join(dir, 'graph.json'), JSON.stringify(graph));
    const args = ['run', path.join(dir, 'graph.json'), '--backend', 'reference'];
    for (const [name, t] of Object.entries(inputs)) {
      writeFileSync(path.join(dir, `in_${name}.npy`), npyF32(t.shape, t.data));
      args.push('--input', `${name}=${path.join(dir, `in_${name}.npy`)}`);
    }
    for (const name of graph.outputs) args.push('--output', `${name}=${path.join(dir, `out_${name}.npy`)}`);
    execFileSync(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const out = {};
    for (const name of graph.outputs) out[name] = readNpy(path.join(dir, `out_${name}.npy`));
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
