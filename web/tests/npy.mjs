// .npy files for the JS tests (the formats make_golden.py, random_vs_torch.py and `poolkit run`
// use): little-endian, C order; float32 / float64 values and int64 indices.
import { readFileSync } from 'node:fs';

// {shape, data}: data a Float32Array ('<f4', and '<f8' narrowed as the CLI narrows it) or a
// BigInt64Array ('<i8').
export function readNpy(file) {
  const buf = readFileSync(file);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const bytes = buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length);
  const make = { '<f4': () => new Float32Array(bytes), '<f8': () => Float32Array.from(new Float64Array(bytes)),
    '<i8': () => new BigInt64Array(bytes) }[descr];
  if (!make) throw new Error(`${file}: dtype ${descr} not handled`);
  return { shape, data: make() };
}

// The bytes of a format 1.0 .npy: '<i8' for Int32Array / BigInt64Array data, else '<f4'.
export function npyBytes(shape, data) {
  const int = data instanceof Int32Array || data instanceof BigInt64Array;
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${int ? '<i8' : '<f4'}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';  // total header a multiple of 64
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  let body;
  if (data instanceof Int32Array) body = BigInt64Array.from(data, (v) => BigInt(v));
  else if (data instanceof BigInt64Array) body = data;
  else body = Float32Array.from(data);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
}
