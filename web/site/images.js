// Pictures for the demo: the bundled photographs, a generated test pattern, and the user's own
// (file picker or drag-and-drop). Every picture becomes {name, h, w, data}: a [3, h, w] float
// tensor (channel-major, values in [0, 1]) plus an <canvas> copy for display.

export const SAMPLES = [
  { id: 'chelsea', label: 'Chelsea the cat (photo)', src: 'chelsea.png' },
  { id: 'coffee', label: 'Coffee (photo)', src: 'photos/coffee.png' },
  { id: 'camera', label: 'Cameraman (photo, grey)', src: 'photos/camera.png' },
  { id: 'pattern', label: 'Thin lines and dots (generated)', src: null },
];

// Uploads larger than this (either side) are scaled down: pooling a 12-megapixel photo would
// take seconds on the reference backend and show nothing a smaller one does not.
const MAX_SIDE = 640;

function decode(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`cannot read ${src} as an image`));
    img.src = src;
  });
}

function fromCanvas(name, canvas) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const { width: w, height: h, data: rgba } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const data = new Float32Array(3 * h * w);
  for (let i = 0; i < h * w; ++i) {
    for (let c = 0; c < 3; ++c) data[c * h * w + i] = rgba[4 * i + c] / 255;
  }
  return { name, h, w, data, canvas };
}

function drawn(img) {
  const scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
  canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas;
}

// A 256x256 pattern where the differences between poolings are plain: one-pixel lines at
// growing spacings, isolated bright dots, and a smooth ramp.
function pattern() {
  const canvas = document.createElement('canvas');
  canvas.width = 256;
  canvas.height = 256;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, 256, 256);
  ctx.fillStyle = '#fff';
  let x = 4;
  for (let gap = 2; x < 124; gap += 1, x += gap) ctx.fillRect(x, 0, 1, 128);
  for (let y = 4, gap = 2; y < 124; gap += 1, y += gap) ctx.fillRect(128, y, 128, 1);
  for (let i = 0; i < 64; ++i) ctx.fillRect(8 + ((i * 37) % 112), 136 + ((i * 53) % 112), 1, 1);
  const ramp = ctx.createLinearGradient(128, 0, 256, 0);
  ramp.addColorStop(0, '#000');
  ramp.addColorStop(1, '#f0c040');
  ctx.fillStyle = ramp;
  ctx.fillRect(128, 136, 128, 120);
  return canvas;
}

export async function loadSample(id) {
  const sample = SAMPLES.find((s) => s.id === id);
  if (!sample) throw new Error(`no sample picture '${id}'`);
  if (!sample.src) return fromCanvas(sample.label, pattern());
  return fromCanvas(sample.label, drawn(await decode(sample.src)));
}

export async function loadFile(file) {
  if (!file.type.startsWith('image/')) throw new Error(`'${file.name}' is not an image (${file.type || 'unknown type'})`);
  const url = URL.createObjectURL(file);
  try {
    return fromCanvas(file.name, drawn(await decode(url)));
  } catch {
    throw new Error(`cannot decode '${file.name}' as an image`);
  } finally {
    URL.revokeObjectURL(url);
  }
}

// A copy of `image` shifted right by `dx` pixels, its left edge column repeated.
export function shiftedRight(image, dx) {
  const { h, w, data } = image;
  const out = new Float32Array(data.length);
  for (let c = 0; c < 3; ++c) {
    for (let y = 0; y < h; ++y) {
      const row = (c * h + y) * w;
      for (let x = 0; x < w; ++x) out[row + x] = data[row + Math.max(0, x - dx)];
    }
  }
  return { ...image, data: out };
}

// The picture as one grey plane [h, w] (ITU-R BT.601 luma).
export function grey(image) {
  const { h, w, data } = image;
  const plane = h * w;
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; ++i) out[i] = 0.299 * data[i] + 0.587 * data[plane + i] + 0.114 * data[2 * plane + i];
  return out;
}
