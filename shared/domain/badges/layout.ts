// Where badges go on paper. A4 portrait holds 8 badges of 105 × 74 mm (2 columns × 4 rows, the
// size of the usual badge holders) with cut marks at the grid's corners; `a6` prints one badge
// per A6 page (landscape), scaled up. Units are PDF points (1/72 inch), origin bottom left. Pure.

export const MM = 72 / 25.4;
export const BADGE_WIDTH = 105 * MM;
export const BADGE_HEIGHT = 74 * MM;

export type BadgeLayout = 'a4' | 'a6';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Sheet {
  pageWidth: number;
  pageHeight: number;
  perPage: number;
  columns: number;
  rows: number;
  /** Badge content scale (1 on A4: 105 × 74 mm). */
  scale: number;
}

export const SHEETS: Record<BadgeLayout, Sheet> = {
  a4: { pageWidth: 210 * MM, pageHeight: 297 * MM, perPage: 8, columns: 2, rows: 4, scale: 1 },
  // A6 landscape (148 × 105 mm): the badge scaled by the smaller of the two ratios.
  a6: { pageWidth: 148 * MM, pageHeight: 105 * MM, perPage: 1, columns: 1, rows: 1, scale: Math.min(148 / 105, 105 / 74) },
};

/** Pages needed for `count` badges (at least one: an empty print still says why). */
export function pageCount(count: number, layout: BadgeLayout): number {
  return Math.max(1, Math.ceil(count / SHEETS[layout].perPage));
}

/** The box of badge number `index` (0-based): its page and its place, filled row by row from the top left. */
export function badgeSlot(index: number, layout: BadgeLayout): { page: number; box: Box } {
  const sheet = SHEETS[layout];
  const width = BADGE_WIDTH * sheet.scale;
  const height = BADGE_HEIGHT * sheet.scale;
  const marginX = (sheet.pageWidth - sheet.columns * width) / 2;
  const marginY = (sheet.pageHeight - sheet.rows * height) / 2;
  const page = Math.floor(index / sheet.perPage);
  const onPage = index % sheet.perPage;
  const column = onPage % sheet.columns;
  const row = Math.floor(onPage / sheet.columns);
  return {
    page,
    box: { x: marginX + column * width, y: sheet.pageHeight - marginY - (row + 1) * height, width, height },
  };
}

export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * Cut marks of an A4 sheet: a small cross at every corner of the grid (half a cross on the page
 * edges), drawn over the badges' corners, where no badge content goes. None on A6 (the page is the badge).
 */
export function cutMarks(layout: BadgeLayout, arm = 4 * MM): Segment[] {
  if (layout === 'a6') return [];
  const sheet = SHEETS[layout];
  const first = badgeSlot(0, layout).box;
  const xs = Array.from({ length: sheet.columns + 1 }, (_, i) => first.x + i * first.width);
  const ys = Array.from({ length: sheet.rows + 1 }, (_, i) => first.y + first.height - i * first.height);
  const clampX = (v: number) => Math.min(sheet.pageWidth, Math.max(0, v));
  const clampY = (v: number) => Math.min(sheet.pageHeight, Math.max(0, v));
  const out: Segment[] = [];
  for (const x of xs) {
    for (const y of ys) {
      out.push({ x1: clampX(x - arm), y1: y, x2: clampX(x + arm), y2: y });
      out.push({ x1: x, y1: clampY(y - arm), x2: x, y2: clampY(y + arm) });
    }
  }
  return out;
}
