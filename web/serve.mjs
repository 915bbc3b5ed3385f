// A tiny static server for the built site, on 127.0.0.1 only. By default it sends the
// cross-origin isolation headers (COOP/COEP) that wasm threads need (SharedArrayBuffer exists only
// in an isolated page; `python3 -m http.server` cannot send them), so the page loads the
// wasm-threads module; `isolated: false` serves the same files without them (the page then falls
// back to the single-threaded module; tested).
//   node web/serve.mjs [build-wasm/web] [port] [--not-isolated]   (port 0: any free port; prints the URL)
// Also imported by the browser tests and the wasm benchmark (serve()).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.webp': 'image/webp', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.css': 'text/css',
  '.json': 'application/json', '.md': 'text/markdown; charset=utf-8', '.txt': 'text/plain; charset=utf-8' };

export function serve(root, port = 0, { isolated = true } = {}) {
  root = path.resolve(root);
  const headers = { 'Cache-Control': 'no-store' };
  if (isolated) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  const server = createServer(async (req, res) => {
    let file;
    try {
      const rel = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
      file = path.join(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    } catch {
      res.writeHead(400, headers).end('bad request');
      return;
    }
    if (file !== root && !file.startsWith(root + path.sep)) {  // path.join normalized any '..'
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const isolated = !args.includes('--not-isolated');
  const [root = 'build-wasm/web', portArg = '0'] = args.filter((a) => a !== '--not-isolated');
  const port = Number(portArg);
  let server;
  try {
    server = await serve(root, port, { isolated });
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e;
    server = await serve(root, 0, { isolated });  // the port is taken (another demo server?): any free one
  }
  console.log(`poolkit: serving ${path.resolve(root)} at http://127.0.0.1:${server.address().port}/` +
    (isolated ? '' : ' (not cross-origin isolated: single-threaded wasm)'));
}
