// The one-click link of survey invitations (`/u/{token}`, the same address and the same two
// steps as the sessions' unsubscribe link: GET asks, POST — the page's button or a mail client's
// RFC 8058 one-click — records). It stops further invitations and reminders of that survey for
// that person: an opt-out marker under the person's participation hash, which the invitation
// source reads before every email. No email is stored or needed.
import { escapeHtml } from '#shared/domain/notifications/email-text.ts';
import { linkPage } from '#shared/domain/sessions/unsubscribe-page.ts';
import type { SurveyLinkRepository } from './ports.ts';

export function optOutConfirmPage(surveyTitle: string): string {
  return linkPage(
    'Ne plus recevoir d’invitation ?',
    `<p>Souhaitez-vous ne plus recevoir d’invitation ni de rappel pour l’enquête « ${escapeHtml(surveyTitle)} » ?</p>
<p>Rien n’est encore changé tant que vous n’avez pas confirmé avec le bouton ci-dessous.</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Ne plus recevoir ces messages</button>
</form>`,
  );
}

export function optedOutPage(surveyTitle: string): string {
  return linkPage(
    'C’est noté',
    `<p>Vous ne recevrez plus d’invitation ni de rappel pour l’enquête « ${escapeHtml(surveyTitle)} ».</p>
<p>Vous pouvez toujours y répondre avec le lien de l’invitation tant qu’elle est ouverte.</p>`,
  );
}

export class SurveyOptOut {
  constructor(private readonly links: Pick<SurveyLinkRepository, 'findLink' | 'optOut'>) {}

  /** The page of a GET: which survey the link is for (undefined: not a survey link). Changes nothing. */
  async describe(token: string): Promise<{ title: string } | undefined> {
    const link = await this.links.findLink(token);
    return link ? { title: link.title } : undefined;
  }

  /** RFC 8058 one-click, idempotent (undefined: not a survey link). */
  async optOut(token: string, now: Date): Promise<{ title: string; wasOptedIn: boolean } | undefined> {
    const link = await this.links.findLink(token);
    if (!link) return undefined;
    return { title: link.title, wasOptedIn: await this.links.optOut(link, now) };
  }
}
