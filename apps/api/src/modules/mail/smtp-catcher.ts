import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  receivedAt: Date;
}

export interface SmtpCatcher {
  port: number;
  url: string;
  /** newest first */
  mails(): CaughtMail[];
  clear(): void;
  close(): Promise<void>;
}

const MAX_KEPT = 500;

/**
 * A local SMTP server that accepts every mail and keeps the latest ones in memory: the embedded default
 * and the tests send real SMTP to it, so a new user can log in without a mail server.
 */
export async function startSmtpCatcher({ port = 0, host = "127.0.0.1" } = {}): Promise<SmtpCatcher> {
  const caught: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    banner: "Medimail Admin SMTP catcher",
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = [parsed.to ?? []].flat().flatMap((address) => address.value.map((v) => v.address ?? ""));
          caught.unshift({
            messageId: parsed.messageId ?? "",
            from: parsed.from?.text ?? "",
            to,
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            receivedAt: new Date(),
          });
          caught.length = Math.min(caught.length, MAX_KEPT);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: `smtp://${host}:${actualPort}`,
    mails: () => [...caught],
    clear: () => {
      caught.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
