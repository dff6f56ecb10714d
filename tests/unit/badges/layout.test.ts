import { describe, expect, it } from 'vitest';
import { BADGE_HEIGHT, BADGE_WIDTH, badgeSlot, cutMarks, MM, pageCount, SHEETS } from '#shared/domain/badges/layout.ts';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

describe('A4 sheets of 8 badges', () => {
  it('holds 8 badges of 105 × 74 mm per page, and the last page may be partly empty', () => {
    expect(SHEETS.a4.perPage).toBe(8);
    expect(close(BADGE_WIDTH, 105 * MM) && close(BADGE_HEIGHT, 74 * MM)).toBe(true);
    expect(pageCount(0, 'a4')).toBe(1);
    expect(pageCount(8, 'a4')).toBe(1);
    expect(pageCount(9, 'a4')).toBe(2);
    expect(pageCount(200, 'a4')).toBe(25);
    expect(pageCount(201, 'a4')).toBe(26);
    expect(badgeSlot(8, 'a4').page).toBe(1);
    expect(badgeSlot(200, 'a4')).toMatchObject({ page: 25 });
  });

  it('fills row by row from the top left, every badge inside the page and none overlapping', () => {
    const boxes = Array.from({ length: 8 }, (_, i) => badgeSlot(i, 'a4').box);
    expect(boxes[0]?.x).toBeLessThan(boxes[1]?.x as number);
    expect(boxes[0]?.y).toBeGreaterThan(boxes[2]?.y as number);
    for (const b of boxes) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(SHEETS.a4.pageWidth + 1e-6);
      expect(b.y + b.height).toBeLessThanOrEqual(SHEETS.a4.pageHeight + 1e-6);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = a.x < b.x + b.width - 1e-6 && b.x < a.x + a.width - 1e-6 && a.y < b.y + b.height - 1e-6 && b.y < a.y + a.height - 1e-6;
        expect(overlap).toBe(false);
      }
    }
  });

  it('draws cut marks at the 3 × 5 grid corners, within the page', () => {
    const marks = cutMarks('a4');
    expect(marks).toHaveLength(3 * 5 * 2);
    for (const m of marks) {
      for (const x of [m.x1, m.x2]) expect(x >= 0 && x <= SHEETS.a4.pageWidth).toBe(true);
      for (const y of [m.y1, m.y2]) expect(y >= 0 && y <= SHEETS.a4.pageHeight).toBe(true);
    }
    expect(cutMarks('a6')).toEqual([]);
  });
});

describe('A6', () => {
  it('prints one badge per page, scaled to fill it', () => {
    expect(pageCount(3, 'a6')).toBe(3);
    const { page, box } = badgeSlot(2, 'a6');
    expect(page).toBe(2);
    expect(box.width).toBeLessThanOrEqual(SHEETS.a6.pageWidth + 1e-6);
    expect(box.height).toBeLessThanOrEqual(SHEETS.a6.pageHeight + 1e-6);
    expect(box.width).toBeGreaterThan(BADGE_WIDTH);
  });
});
