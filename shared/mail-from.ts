// MAIL_FROM (and the stack's `mailFrom`): `Name <address>` or a bare address, parsed in one
// place for the runtime (the ORGANIZER of the session invitations) and for the stack (the SES
// identity the functions may send from).

/** `Club <club@example.org>` → its name and address; a bare address has no name. Undefined: neither form. */
export function parseMailFrom(mailFrom: string): { name: string | undefined; address: string } | undefined {
  const match = /^\s*(?:([^<>]*?)\s*<([^<>]+)>|([^<>]+?))\s*$/.exec(mailFrom);
  if (!match) return undefined;
  const address = (match[2] ?? match[3] ?? '').trim();
  return address ? { name: match[1] || undefined, address } : undefined;
}
