// What every email and small page of ours shares: the signature, and HTML escaping of the texts
// we put in them (names, titles and links come from forms and organisers).

export const SIGNATURE = 'L’équipe du Club utilisateurs Publik';

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
