// The small French pages of the one-click unsubscribe link (`/u/{token}`). Opening the link
// changes nothing (mail scanners and link previews open links): the page asks for a click,
// which POSTs to the same address, like the RFC 8058 one-click POST of mail clients. An
// unknown link gets a page of the same look that says nothing about any subscription.

import { escapeHtml } from '#shared/domain/notifications/email-text.ts';

/** A page of a one-click link, in the look they all share (survey invitations' links too). */
export function linkPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.3rem;background:#215d9c;color:#fff;cursor:pointer}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/**
 * GET: asks; it says nothing has changed yet. « Vous ne recevrez plus… » belongs to the answer
 * of the POST only: a person who opens the link and closes the page stays subscribed.
 */
export function unsubscribeConfirmPage(seriesTitle: string): string {
  return linkPage(
    'Se désabonner ?',
    `<p>Souhaitez-vous vous désabonner des « ${escapeHtml(seriesTitle)} » ?</p>
<p>Rien n’est encore changé : vous restez abonné·e tant que vous n’avez pas confirmé avec le bouton ci-dessous.</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Me désabonner</button>
</form>`,
  );
}

/** POST: done (also when it already was). */
export function unsubscribedPage(seriesTitle: string): string {
  return linkPage(
    'Désabonnement enregistré',
    `<p>Vous êtes désabonné·e des « ${escapeHtml(seriesTitle)} » : vous ne recevrez plus leurs rappels.</p>
<p>Pour vous réabonner, remplissez à nouveau le formulaire d’abonnement.</p>`,
  );
}

/** Unknown link: the same look, no detail. */
export function unknownLinkPage(): string {
  return linkPage('Lien inconnu', '<p>Ce lien de désabonnement n’est pas valide ou a expiré.</p>');
}
