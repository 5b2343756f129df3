import { z } from "zod";
import { listOf } from "./common.ts";

/** A mail kept by the development SMTP catcher (never in production). */
export const CaughtMail = z.object({
  messageId: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  receivedAt: z.iso.datetime(),
});
export const CaughtMailListResponse = listOf(CaughtMail);
export type CaughtMailListResponse = z.infer<typeof CaughtMailListResponse>;
