// --pre-js of the node build of the wasm-threads module: hands the runtime the .wasm bytes.
// Emscripten 3.1.6's asynchronous loader (which pthreads need: its worker.js waits on the
// factory's promise) tries fetch() on a file path when node has fetch (node 18+) and fails with
// "Failed to parse URL" (NOTES.md); given Module.wasmBinary it instantiates from the bytes.
// Pthread workers get the compiled module from the main thread (Module.instantiateWasm, set by
// worker.js) and read nothing.
if (!Module['wasmBinary'] && !Module['instantiateWasm'] && typeof _scriptDir == 'string') {
  Module['wasmBinary'] = require('fs').readFileSync(_scriptDir.replace(/\.js$/, '.wasm'));
}
