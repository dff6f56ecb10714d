import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two secrets (tokens). Both are hashed first, so the comparison
 * takes the same time whatever their lengths and reveals nothing of the expected one.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
