import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html?: string | null;
  /** stable per outbox row: a receiver (or the catcher) can recognise a re-delivery */
  messageId: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** nodemailer over SMTP (`smtp://host:port`, `smtps://user:pass@host:465`…). */
export function createSmtpMailer({ url, from }: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(url, { from });
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        messageId: mail.messageId,
      });
    },
    close: () => transport.close(),
  };
}
