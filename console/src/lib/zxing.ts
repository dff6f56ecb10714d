// The ponyfill and its wasm, in a chunk of their own (imported dynamically by lib/scanner.ts).
// The wasm is a file asset of the console build (esbuild's `file` loader): its URL is resolved
// against this chunk's own URL (/console/assets/…), so it is fetched from our origin.
import { BarcodeDetector, setZXingModuleOverrides } from 'barcode-detector/ponyfill';
import wasmFile from 'zxing-wasm/reader/zxing_reader.wasm';
import type { QrDetector } from './scanner.ts';

export function createZxingDetector(): QrDetector {
  const wasmUrl = new URL(wasmFile, import.meta.url).href;
  setZXingModuleOverrides({ locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) });
  return new BarcodeDetector({ formats: ['qr_code'] });
}
