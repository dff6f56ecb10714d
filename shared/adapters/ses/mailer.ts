// Emails through SES v2 with Simple content: SES builds the MIME message (UTF-8 subject and
// bodies, attachments such as the iCalendar invitations of session reminders).
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { lazySesClient, resolveClient, type ClientSource } from '#shared/adapters/aws/lazy-client.ts';
import type { Config } from '#shared/config.ts';
import type { EmailMessage, Mailer } from '#shared/domain/notifications/ports.ts';
import { loadSesV2 } from '#shared/adapters/aws/sdk.ts';
import { PacedMailer } from '#shared/adapters/ses/paced-mailer.ts';

export type { EmailAttachment, EmailMessage, Mailer } from '#shared/domain/notifications/ports.ts';

const UTF8 = 'UTF-8';

export class SesMailer implements Mailer {
  constructor(
    /** The client, or its lazy loader (@aws-sdk/client-sesv2 is loaded by the first email). */
    private readonly ses: ClientSource<SESv2Client>,
    /** `Name <address>`; the address must be a verified SES identity in AWS. */
    private readonly from: string,
  ) {}

  /**
   * One client per process, loaded by the first email, pointed at the SES emulator when
   * SES_ENDPOINT is set; paced to SES_SEND_RATE emails per second when the stack sets it.
   */
  static fromConfig(config: Pick<Config, 'sesEndpoint' | 'mailFrom'> & Partial<Pick<Config, 'sesSendRate'>>): Mailer {
    const mailer = new SesMailer(lazySesClient(config.sesEndpoint), config.mailFrom);
    return config.sesSendRate === undefined ? mailer : new PacedMailer(mailer, config.sesSendRate);
  }

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const { SendEmailCommand } = loadSesV2();
    const ses = await resolveClient(this.ses);
    const out = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: UTF8 },
            Body: { Text: { Data: message.text, Charset: UTF8 }, Html: { Data: message.html, Charset: UTF8 } },
            ...(message.attachments && message.attachments.length > 0
              ? {
                  Attachments: message.attachments.map((a) => ({
                    FileName: a.filename,
                    ContentType: a.contentType,
                    RawContent: a.content,
                    ContentDisposition: 'ATTACHMENT' as const,
                  })),
                }
              : {}),
            // List-Unsubscribe / List-Unsubscribe-Post (RFC 8058) of the reminder emails.
            ...(message.headers && message.headers.length > 0
              ? { Headers: message.headers.map((h) => ({ Name: h.name, Value: h.value })) }
              : {}),
          },
        },
      }),
    );
    if (!out.MessageId) throw new Error('SES accepted the email without a MessageId');
    return { messageId: out.MessageId };
  }
}
