// The door's QR reader: the browser's own BarcodeDetector where it has one that reads QR codes
// (Chrome on Android and macOS, Safari 17+…), else the `barcode-detector` ponyfill (ZXing in
// WebAssembly), loaded on demand from lib/zxing.ts — only this page, only when needed. The
// ponyfill's wasm (1.1 MB, 450 KB gzipped) is a fingerprinted asset of our own, never a CDN.

export interface QrDetector {
  detect(source: ImageBitmapSource): Promise<Array<{ rawValue: string }>>;
}

interface DetectorClass {
  new (options: { formats: string[] }): QrDetector;
  getSupportedFormats?: () => Promise<string[]>;
}

let detector: Promise<{ detector: QrDetector; native: boolean }> | undefined;

async function make(): Promise<{ detector: QrDetector; native: boolean }> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (Native) {
    const formats = (await Native.getSupportedFormats?.().catch(() => [])) ?? [];
    if (formats.includes('qr_code')) return { detector: new Native({ formats: ['qr_code'] }), native: true };
  }
  const { createZxingDetector } = await import('./zxing.ts');
  return { detector: createZxingDetector(), native: false };
}

/** One detector per page (the ponyfill compiles its wasm once). */
export function qrDetector(): Promise<{ detector: QrDetector; native: boolean }> {
  detector ??= make();
  return detector;
}

/** The text of the first QR code in the image, if any. */
export async function readQr(source: ImageBitmapSource): Promise<string | undefined> {
  const { detector: d } = await qrDetector();
  const found = await d.detect(source);
  return found[0]?.rawValue;
}
