// Reading a PDF back as a person would: pdf-lib for its structure, poppler's pdftotext for the
// text of each badge (cropped to its box) and pdftoppm + jsQR for each badge's QR code.
// poppler-utils is installed by scripts/setup.sh.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import jsQRModule from 'jsqr';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { badgeSlot, SHEETS, type BadgeLayout, type Box } from '#shared/domain/badges/layout.ts';

const run = promisify(execFile);
// jsqr is CommonJS: its function is both module.exports and .default.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof import('jsqr').default;

export interface ReadBadge {
  /** Text inside the badge's box, lines joined by spaces. */
  text: string;
  /** The QR code's content, or undefined when none was found. */
  qr: string | undefined;
  /** The QR code's printed width (its symbol, without the quiet zone), in millimetres. */
  qrWidthMm: number | undefined;
}

export async function pdfStructure(bytes: Uint8Array) {
  const doc = await PDFDocument.load(bytes);
  return { pages: doc.getPageCount(), sizes: doc.getPages().map((p) => p.getSize()) };
}

/** The whole text of the PDF (pdftotext, reading order). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  return withFile(bytes, async (file) => (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout);
}

// pdftotext and pdftoppm measure from the top left; our boxes from the bottom left.
const topOf = (box: Box, layout: BadgeLayout) => SHEETS[layout].pageHeight - box.y - box.height;

/** Each of the `count` badges of the file: its text and its decoded QR code. */
export async function readBadges(bytes: Uint8Array, count: number, layout: BadgeLayout = 'a4', dpi = 150): Promise<ReadBadge[]> {
  return withFile(bytes, async (file, dir) => {
    const out: ReadBadge[] = [];
    const pages = new Map<number, PNG>();
    for (let i = 0; i < count; i++) {
      const { page, box } = badgeSlot(i, layout);
      const top = topOf(box, layout);
      const { stdout } = await run('pdftotext', [
        '-enc', 'UTF-8', '-f', String(page + 1), '-l', String(page + 1),
        '-x', String(Math.floor(box.x)), '-y', String(Math.floor(top)), '-W', String(Math.floor(box.width)), '-H', String(Math.floor(box.height)),
        file, '-',
      ]);
      let png = pages.get(page);
      if (!png) {
        const prefix = path.join(dir, `p${page}`);
        await run('pdftoppm', ['-png', '-r', String(dpi), '-f', String(page + 1), '-l', String(page + 1), '-singlefile', file, prefix]);
        png = PNG.sync.read(await readFile(`${prefix}.png`));
        pages.set(page, png);
      }
      const code = decodeRegion(png, box, top, dpi);
      out.push({
        text: stdout.replace(/\s+/g, ' ').trim(),
        qr: code?.data,
        qrWidthMm: code ? ((code.location.topRightCorner.x - code.location.topLeftCorner.x) / dpi) * 25.4 : undefined,
      });
    }
    return out;
  });
}

function decodeRegion(png: PNG, box: Box, top: number, dpi: number) {
  const k = dpi / 72;
  const x0 = Math.max(0, Math.floor(box.x * k));
  const y0 = Math.max(0, Math.floor(top * k));
  const w = Math.min(png.width - x0, Math.ceil(box.width * k));
  const h = Math.min(png.height - y0, Math.ceil(box.height * k));
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * png.width + x0) * 4;
    rgba.set(png.data.subarray(from, from + w * 4), y * w * 4);
  }
  return jsQR(rgba, w, h) ?? undefined;
}

async function withFile<T>(bytes: Uint8Array, use: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'badges-'));
  try {
    const file = path.join(dir, 'badges.pdf');
    await writeFile(file, bytes);
    return await use(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
