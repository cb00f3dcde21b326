/**
 * The WebAssembly SIMD kernel for the centred Gram matrix (source wasm/gram.wat, binary in ./gram-wasm-binary),
 * instantiated synchronously on first use. `wasmCentredGram` returns null where WebAssembly (with SIMD and relaxed
 * SIMD) is unavailable or the input would not fit its 32-bit memory, and ./gram then uses the TypeScript kernel.
 *
 * Per call: copy the series into the module's memory (rows padded to a multiple of 4 series and an even number
 * of days, with zeros), centre each row there, fill the upper triangle, copy it out into both halves. The memory
 * grows to the largest input seen and is kept for the next call.
 */
import { GRAM_WASM_BASE64 } from './gram-wasm-binary';

/** The part of the WebAssembly JS API used here (TypeScript declares it only in lib.dom, not in the ES libs). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface GramKernel {
  memory: WasmMemory;
  centreRows(x: number, rows: number, days: number, stride: number): void;
  gram(x: number, rows: number, stride: number, out: number): void;
}

const PAGE_BYTES = 65536;
/** Inputs needing more than this stay with the TypeScript kernel (addresses are 32-bit). */
const MAX_BYTES = 1 << 30;

let kernel: GramKernel | null | undefined;

function loadKernel(): GramKernel | null {
  if (kernel === undefined) {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    try {
      if (api === undefined) throw new Error('no WebAssembly');
      const module = new api.Module(Buffer.from(GRAM_WASM_BASE64, 'base64'));
      kernel = new api.Instance(module).exports as GramKernel;
    } catch {
      kernel = null; // no WebAssembly, or one without (relaxed) SIMD
    }
  }
  return kernel;
}

/** Whether `centredGram` runs the WebAssembly kernel in this process. */
export function wasmGramAvailable(): boolean {
  return loadKernel() !== null;
}

/** As `referenceCentredGram` (./gram), or null when the WebAssembly kernel cannot run it. */
export function wasmCentredGram(series: ArrayLike<number>[], n: number): Float64Array | null {
  const k = series.length;
  const rows = (k + 3) & ~3;
  const rowLength = (n + 1) & ~1; // values per row: n and, if n is odd, one zero
  const dataBytes = rows * rowLength * 8;
  const totalBytes = dataBytes + rows * rows * 8;
  const gramKernel = totalBytes <= MAX_BYTES ? loadKernel() : null;
  if (gramKernel === null) return null;

  const { memory } = gramKernel;
  if (memory.buffer.byteLength < totalBytes) {
    memory.grow(Math.ceil((totalBytes - memory.buffer.byteLength) / PAGE_BYTES));
  }
  const heap = new Float64Array(memory.buffer, 0, totalBytes / 8);
  for (let i = 0; i < k; i++) {
    heap.set(series[i], i * rowLength);
    if (rowLength > n) heap[i * rowLength + n] = 0;
  }
  heap.fill(0, k * rowLength, rows * rowLength);

  gramKernel.centreRows(0, rows, n, rowLength * 8);
  gramKernel.gram(0, rows, rowLength * 8, dataBytes);

  const upper = dataBytes / 8;
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const from = upper + i * rows;
    for (let j = i; j < k; j++) gram[i * k + j] = gram[j * k + i] = heap[from + j];
  }
  return gram;
}
