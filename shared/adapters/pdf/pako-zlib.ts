// pako's deflate and inflate, as pdf-lib, @pdf-lib/fontkit and UPNG call them, done by Node's own
// zlib instead of pako's JavaScript port: the badges chunk's build (infra/fontkit-startup.ts)
// resolves `pako` to this file. On a container's first PDF the JavaScript deflate ran cold (not
// yet optimised) over the fonts' subsets and the page streams: 20–45 ms here (issue 21). The
// streams carry the same bytes once inflated; only the compressed form may differ.
import { deflateSync, inflateSync, type ZlibOptions } from 'node:zlib';

interface Options {
  level?: number;
}

function zlibOptions(options: Options | undefined): ZlibOptions {
  if (options === undefined) return {};
  const unsupported = Object.keys(options).filter((k) => k !== 'level');
  if (unsupported.length > 0) throw new Error(`pako-zlib: option(s) ${unsupported.join(', ')} not supported`);
  return options.level === undefined ? {} : { level: options.level };
}

// A copy at offset 0: fontkit reads `new DataView(data.buffer)` and ignores the view's offset,
// and zlib's sync output is not promised to start its buffer.
const bytes = (b: Buffer): Uint8Array => (b.byteOffset === 0 && b.buffer.byteLength === b.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : Uint8Array.from(b));

export function deflate(input: Uint8Array | ArrayBuffer, options?: Options): Uint8Array {
  return bytes(deflateSync(input, zlibOptions(options)));
}

export function inflate(input: Uint8Array | ArrayBuffer, options?: Options): Uint8Array {
  return bytes(inflateSync(input, zlibOptions(options)));
}

export default { deflate, inflate };
