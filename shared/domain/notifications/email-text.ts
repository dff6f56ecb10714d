// What every email and small page of ours shares: the signature, and HTML escaping of the texts
// we put in them (names, titles and links come from forms and organisers).

export const SIGNATURE = 'L’équipe du Club utilisateurs Publik';

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * One block of an email: a paragraph, a list under its heading, or a sentence ending on a link
 * (the address itself in the text part, `label` as the link text in the HTML part).
 */
export type EmailBlock = string | { heading: string; items: string[] } | { text: string; href: string; label: string };

/**
 * A subject on one line: line feeds, carriage returns, tabs and every other control or format
 * character (titles and topics come from organisers and may hold them) become one space.
 */
export function subjectLine(subject: string): string {
  return subject
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * Both parts of an email (plain text and HTML, same content) from its blocks, closed by the
 * signature; `footer` (an unsubscribe link) goes after a `--` line, in small print in HTML.
 * Every text is escaped in the HTML part. The subject comes back on one line (`subjectLine`):
 * every email takes its subject from here.
 */
export function composeEmail(
  rawSubject: string,
  blocks: ReadonlyArray<EmailBlock | false | null | undefined>,
  footer?: { text: string; href: string; label: string },
): { subject: string; text: string; html: string } {
  const subject = subjectLine(rawSubject);
  const kept = blocks.filter((b): b is EmailBlock => b !== false && b !== null && b !== undefined);
  const text: string[] = [];
  const html: string[] = [
    '<!DOCTYPE html>',
    `<html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
  ];
  for (const block of kept) {
    if (text.length > 0) text.push('');
    if (typeof block === 'string') {
      text.push(block);
      html.push(`<p>${escapeHtml(block)}</p>`);
    } else if ('items' in block) {
      text.push(block.heading, ...block.items.map((l) => `- ${l}`));
      html.push(`<p>${escapeHtml(block.heading)}</p>`, `<ul>${block.items.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`);
    } else {
      text.push(`${block.text} ${block.href}`);
      html.push(`<p>${escapeHtml(block.text)} <a href="${escapeHtml(block.href)}">${escapeHtml(block.label)}</a></p>`);
    }
  }
  text.push('', 'À bientôt,', SIGNATURE, '');
  html.push(`<p>À bientôt,<br>${escapeHtml(SIGNATURE)}</p>`);
  if (footer) {
    text.push('--', `${footer.text} ${footer.href}`, '');
    html.push(`<p><small>${escapeHtml(footer.text)} <a href="${escapeHtml(footer.href)}">${escapeHtml(footer.label)}</a></small></p>`);
  }
  html.push('</body></html>', '');
  return { subject, text: text.join('\n'), html: html.join('\n') };
}
