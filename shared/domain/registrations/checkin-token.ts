// Check-in tokens: the secret printed in a badge's QR code. A token is DERIVED, not drawn at
// random: HMAC-SHA256(key, "checkin-token:" + registrationId + ":" + generation), truncated to
// 144 bits and written in base64url (24 characters). Only SHA-256(token) is stored (the lookup
// key of the check-in route and the registration's own record of it), so the token can be
// printed again the evening before without ever being stored; a reissue moves to the next
// generation and swaps the stored hash, which makes the old token unknown. Pure.
import { createHash, createHmac } from 'node:crypto';
import * as z from 'zod';

/** 18 bytes = 144 bits (the contract asks for at least 128). */
const TOKEN_BYTES = 18;

export const CHECKIN_TOKEN_PATTERN = /^[A-Za-z0-9_-]{24}$/;

/** What a registration stores of its token: which generation, and its hash. */
export const CheckinTokenRecordSchema = z.object({
  generation: z.number().int().min(1),
  hash: z.string(),
});
export type CheckinTokenRecord = z.output<typeof CheckinTokenRecordSchema>;

export function deriveCheckinToken(key: string, registrationId: string, generation: number): string {
  return createHmac('sha256', key)
    .update(`checkin-token:${registrationId}:${generation}`)
    .digest()
    .subarray(0, TOKEN_BYTES)
    .toString('base64url');
}

export function checkinTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function checkinTokenRecord(key: string, registrationId: string, generation: number): { token: string; record: CheckinTokenRecord } {
  const token = deriveCheckinToken(key, registrationId, generation);
  return { token, record: { generation, hash: checkinTokenHash(token) } };
}

/** The URL the QR code carries (the organisers' console page that checks the person in). */
export function checkinUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/console/check-in/${token}`;
}
