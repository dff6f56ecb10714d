// The badges PDF: pdf-lib draws, @pdf-lib/fontkit embeds and subsets DejaVu Sans (full Latin
// coverage, a free licence), qrcode encodes each check-in URL (error correction M), drawn as
// vector squares so that it stays sharp at any printer resolution. The layout and the text
// fitting rules are the domain's (shared/domain/badges); this file only draws them.
//
// Loaded lazily (shared/lambda/badge-engine.ts): in AWS it is a chunk of its own beside the
// function's bundle (functions/manifest.ts, `lazyChunk`), 1.4 MB that no other route loads.
import fontkit from '@pdf-lib/fontkit';
import {
  concatTransformationMatrix,
  fill,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setFillingColor,
  type PDFFont,
  type PDFOperator,
  type PDFPage,
  type RGB,
} from 'pdf-lib';
// The encoder alone: the package's main module also loads its PNG, SVG and terminal renderers
// (pngjs and zlib: ~15 ms at load), which are never used here (qrcode-core.d.ts types it).
import { create as createQr } from 'qrcode/lib/core/qrcode.js';
import { fitBlock, fitName, printable, type FittedText, type Measure } from '#shared/domain/badges/fit.ts';
import { badgeSlot, cutMarks, MM, pageCount, SHEETS, type Box } from '#shared/domain/badges/layout.ts';
import type { BadgePrint, PrintedBadge } from '#shared/domain/badges/service.ts';
import type { Profile } from '#shared/domain/badges/sheet.ts';

export interface BadgeFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

const BAND_COLOURS: Record<Profile, RGB> = {
  newcomer: rgb(0.16, 0.5, 0.22),
  expert: rgb(0.1, 0.32, 0.64),
  unknown: rgb(0.45, 0.45, 0.45),
};
const NO_PHOTO = rgb(0.78, 0.1, 0.12);
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.3, 0.3, 0.3);
const WHITE = rgb(1, 1, 1);
const CUT = rgb(0.55, 0.55, 0.55);

/** The QR code's width without its quiet zone: at least 22 mm (the contract). */
export const QR_SIZE_MM = 24;

// Parsed once per container: which characters each font can print.
const coverage = new WeakMap<Uint8Array, (cp: number) => boolean>();
function glyphTest(bytes: Uint8Array): (cp: number) => boolean {
  let test = coverage.get(bytes);
  if (!test) {
    const font = fontkit.create(bytes);
    test = (cp) => font.hasGlyphForCodePoint(cp);
    coverage.set(bytes, test);
  }
  return test;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  /** Text as the font can print it (missing characters replaced by a visible substitute). */
  clean: (text: string, bold: boolean) => string;
}

// pdf-lib's width of a text is the sum of its glyphs' advance widths (it draws without kerning),
// so a text is measured from each character's width, each laid out once per document: fontkit's
// layout is the costly part, and fitting tries many candidate lines at many sizes.
const measures = new WeakMap<PDFFont, Measure>();
function measureWith(font: PDFFont): Measure {
  let measure = measures.get(font);
  if (!measure) {
    const unit = new Map<string, number>();
    measure = (text, size) => {
      let width = 0;
      for (const ch of text) {
        let w = unit.get(ch);
        if (w === undefined) {
          w = font.widthOfTextAtSize(ch, 1000) / 1000;
          unit.set(ch, w);
        }
        width += w;
      }
      return width * size;
    };
    measures.set(font, measure);
  }
  return measure;
}

function drawLines(page: PDFPage, fitted: FittedText, font: PDFFont, x: number, top: number, colour: RGB, leading = 1.12): number {
  let baseline = top - fitted.size * 0.78;
  for (const line of fitted.lines) {
    page.drawText(line, { x, y: baseline, size: fitted.size, font, color: colour });
    baseline -= fitted.size * leading;
  }
  return top - fitted.lines.length * fitted.size * leading;
}

/**
 * The QR code of `url`, top left at (x, top): one filled rectangle per horizontal run of dark
 * modules, in module units (small integers) under one transformation.
 */
function drawQr(page: PDFPage, url: string, x: number, top: number, size: number): void {
  const { modules } = createQr(url, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const unit = size / n;
  const ops: PDFOperator[] = [pushGraphicsState(), setFillingColor(INK), concatTransformationMatrix(unit, 0, 0, -unit, x, top)];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      ops.push(rectangle(start, row, col - start, 1));
    }
  }
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
}

function drawBadge(page: PDFPage, badge: PrintedBadge, box: Box, scale: number, fonts: Fonts): void {
  const s = scale;
  const pad = 14 * s;
  const inset = 8 * s;
  // The band: the profile's colour and French label; "Pas de photo" in red at its right end.
  const bandHeight = 28 * s;
  const bandTop = box.y + box.height - inset;
  const band = { x: box.x + inset, y: bandTop - bandHeight, width: box.width - 2 * inset, height: bandHeight };
  page.drawRectangle({ ...band, color: BAND_COLOURS[badge.profile], borderWidth: 0 });
  const noPhotoWidth = 92 * s;
  if (badge.noPhoto) {
    page.drawRectangle({ x: band.x + band.width - noPhotoWidth, y: band.y, width: noPhotoWidth, height: bandHeight, color: NO_PHOTO, borderWidth: 0 });
    const label = fonts.clean('PAS DE PHOTO', true);
    const size = 10.5 * s;
    const width = fonts.bold.widthOfTextAtSize(label, size);
    page.drawText(label, { x: band.x + band.width - noPhotoWidth / 2 - width / 2, y: band.y + (bandHeight - size * 0.72) / 2, size, font: fonts.bold, color: WHITE });
  }
  const labelWidth = band.width - 2 * inset - (badge.noPhoto ? noPhotoWidth : 0);
  const label = fitBlock(fonts.clean(badge.profileLabel, true), labelWidth, measureWith(fonts.bold), { size: 13 * s, min: 8 * s, maxLines: 1 });
  page.drawText(label.lines[0] ?? '', { x: band.x + inset, y: band.y + (bandHeight - label.size * 0.72) / 2, size: label.size, font: fonts.bold, color: WHITE });

  // The name, large; the organisation under it.
  const textWidth = box.width - 2 * pad;
  const name = fitName(fonts.clean(badge.name, true), textWidth, measureWith(fonts.bold), { max: 28 * s, min: 16 * s, twoLineMax: 21 * s });
  let top = drawLines(page, name, fonts.bold, box.x + pad, band.y - 9 * s, INK, 1.1);
  const organisation = fitBlock(fonts.clean(badge.organisation, false), textWidth, measureWith(fonts.regular), { size: 12 * s, min: 10 * s, maxLines: 2 });
  top = drawLines(page, organisation, fonts.regular, box.x + pad, top - 3 * s, GREY, 1.2);

  // The QR code at the bottom right; days and workshops in small type beside it.
  const qr = QR_SIZE_MM * MM * s;
  const qrX = box.x + box.width - pad - qr;
  const qrTop = box.y + 10 * s + qr;
  drawQr(page, badge.checkinUrl, qrX, qrTop, qr);
  const columnX = box.x + pad;
  const columnWidth = qrX - 10 * s - columnX;
  let columnTop = Math.min(qrTop, top - 4 * s);
  if (badge.days) {
    const days = fitBlock(fonts.clean(badge.days, true), columnWidth, measureWith(fonts.bold), { size: 8.5 * s, min: 7 * s, maxLines: 2 });
    columnTop = drawLines(page, days, fonts.bold, columnX, columnTop, INK, 1.25) - 3 * s;
  }
  if (badge.workshops) {
    const workshops = fitBlock(fonts.clean(badge.workshops, false), columnWidth, measureWith(fonts.regular), { size: 8 * s, min: 7 * s, maxLines: 3 });
    drawLines(page, workshops, fonts.regular, columnX, columnTop, GREY, 1.25);
  }
}

function drawEmpty(page: PDFPage, print: BadgePrint, fonts: Fonts): void {
  const { width, height } = page.getSize();
  const margin = 20 * MM;
  const measure = measureWith(fonts.regular);
  const title = fitBlock(fonts.clean(`Badges — ${print.meetingTitle}`, true), width - 2 * margin, measureWith(fonts.bold), { size: 16, min: 10, maxLines: 3 });
  const top = drawLines(page, title, fonts.bold, margin, height - margin, INK, 1.2);
  const message = fitBlock(fonts.clean(print.emptyMessage ?? '', false), width - 2 * margin, measure, { size: 12, min: 8, maxLines: 8 });
  drawLines(page, message, fonts.regular, margin, top - 12, GREY, 1.3);
}

// pdf-lib places each glyph by its own advance width and never reads the positions fontkit's
// layout computes (kerning, marks: the GPOS features), so they are not asked for: the same glyphs
// (GSUB: ligatures, compositions) and the same PDF, without applying GPOS on the first request
// of a container (issue 21, cold start).
const NO_POSITIONING = { kern: false, mark: false, mkmk: false };

export async function renderBadgesPdf(print: BadgePrint, fontBytes: BadgeFonts): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const [regular, bold] = await Promise.all([
    doc.embedFont(fontBytes.regular, { subset: true, features: NO_POSITIONING }),
    doc.embedFont(fontBytes.bold, { subset: true, features: NO_POSITIONING }),
  ]);
  const hasRegular = glyphTest(fontBytes.regular);
  const hasBold = glyphTest(fontBytes.bold);
  const fonts: Fonts = { regular, bold, clean: (text, isBold) => printable(text, isBold ? hasBold : hasRegular).text };
  doc.setTitle(`Badges — ${print.meetingTitle}`);
  doc.setLanguage('fr-FR');
  doc.setCreator('publik-club');
  doc.setProducer('publik-club (pdf-lib)');

  const sheet = SHEETS[print.layout];
  const pages = Array.from({ length: pageCount(print.badges.length, print.layout) }, () => doc.addPage([sheet.pageWidth, sheet.pageHeight]));
  if (print.badges.length === 0) {
    drawEmpty(pages[0] as PDFPage, print, fonts);
  } else {
    print.badges.forEach((badge, i) => {
      const slot = badgeSlot(i, print.layout);
      drawBadge(pages[slot.page] as PDFPage, badge, slot.box, sheet.scale, fonts);
    });
    const marks = cutMarks(print.layout);
    for (const page of pages) {
      for (const m of marks) page.drawLine({ start: { x: m.x1, y: m.y1 }, end: { x: m.x2, y: m.y2 }, thickness: 0.4, color: CUT });
    }
  }
  return doc.save();
}
