// Drawing tensors on canvases. Pixels stay crisp squares: a small tensor is shown at a whole number
// of CSS pixels per pixel (nearest neighbour, at the screen's device-pixel ratio), with the pixel
// grid drawn once pixels are big enough to tell apart; a large one is fitted to `display` CSS px.

const clamp01 = (v) => (v < 0 ? 0 : v > 1 ? 1 : v);

// Largest value in |data| (for scaling outputs that can exceed 1, like Lp norms); NaN-safe.
export function maxOf(data) {
  let m = 0;
  for (const v of data) if (v > m) m = v;
  return m;
}

// How a w-pixel-wide image is shown about `display` CSS px wide: {cssWidth, scale} where scale is
// canvas pixels per image pixel (a whole number, so grid lines land on device pixels).
export function fit(w, display) {
  const perPixel = Math.floor(display / w);
  if (perPixel < 2) return { cssWidth: display, scale: 1 };
  return { cssWidth: w * perPixel, scale: perPixel * Math.max(1, Math.round(window.devicePixelRatio || 1)) };
}

// Draws `planes` (1 grey or 3 colour planes of h x w floats, channel-major, starting at `offset`)
// into `canvas` about `display` CSS px wide; values are multiplied by `gain` and clamped to [0, 1].
// `grid`: draw the pixel grid where pixels are at least 6 CSS px wide.
export function drawPlanes(canvas, data, { h, w, channels = 3, offset = 0, display = 400, gain = 1, grid = false }) {
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  const sctx = small.getContext('2d');
  const img = sctx.createImageData(w, h);
  const plane = h * w;
  for (let i = 0; i < plane; ++i) {
    for (let c = 0; c < 3; ++c) {
      const v = data[offset + (channels === 3 ? c * plane : 0) + i];
      img.data[4 * i + c] = Math.round(255 * clamp01(v * gain));
    }
    img.data[4 * i + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  show(canvas, small, display, grid);
}

// Signed values as colour: blue for positive, red for negative, white at 0 (feature maps).
export function drawSigned(canvas, data, { h, w, offset = 0, display = 200, gain = 1 }) {
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  const sctx = small.getContext('2d');
  const img = sctx.createImageData(w, h);
  for (let i = 0; i < h * w; ++i) {
    const v = Math.max(-1, Math.min(1, data[offset + i] * gain));
    const a = Math.round(255 * (1 - Math.abs(v)));
    img.data.set(v >= 0 ? [a, a, 255, 255] : [255, a, a, 255], 4 * i);
  }
  sctx.putImageData(img, 0, 0);
  show(canvas, small, display, false);
}

// Shows an image canvas (e.g. a picture) on `canvas`, fitted as above.
export function drawImage(canvas, image, display = 400) {
  show(canvas, image, display, false);
}

function show(canvas, small, display, grid) {
  const { cssWidth, scale } = fit(small.width, display);
  canvas.style.width = `${cssWidth}px`;
  canvas.width = small.width * scale;
  canvas.height = small.height * scale;
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  if (!grid || cssWidth / small.width < 6) return;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.45)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let x = 0; x <= small.width; ++x) {
    ctx.moveTo(x * scale + 0.5, 0);
    ctx.lineTo(x * scale + 0.5, canvas.height);
  }
  for (let y = 0; y <= small.height; ++y) {
    ctx.moveTo(0, y * scale + 0.5);
    ctx.lineTo(canvas.width, y * scale + 0.5);
  }
  ctx.stroke();
}
