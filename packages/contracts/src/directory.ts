// The nightly publications to the national directory, as the operators' screen reads them.
import { z } from "zod";
import { FeedCode } from "./feed-report.ts";
import { JobRunStatus } from "./jobs.ts";

/** An address held back by a publication: its blocking (and warning) feed-report codes. */
export const HeldEntry = z.object({
  address: z.string(),
  accountId: z.uuid(),
  /** null when the account no longer exists */
  structureId: z.uuid().nullable(),
  structureName: z.string().nullable(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  codes: z.array(FeedCode),
});
export type HeldEntry = z.infer<typeof HeldEntry>;

/** An entry the directory refused: its code and message as the directory gave them. */
export const RejectedEntry = z.object({
  address: z.string(),
  action: z.enum(["CREATE", "UPDATE", "DELETE"]),
  accountId: z.uuid().nullable(),
  structureId: z.uuid().nullable(),
  structureName: z.string().nullable(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  code: z.string(),
  message: z.string(),
});
export type RejectedEntry = z.infer<typeof RejectedEntry>;

export const DirectoryPublicationSummary = z.object({
  id: z.uuid(),
  /** the Paris day published, YYYY-MM-DD */
  runDate: z.iso.date(),
  status: JobRunStatus,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  held: z.number().int(),
  /** entries the directory refused */
  rejected: z.number().int(),
  /** where the feed went (the feed folder, the API's address) */
  feedFile: z.string().nullable(),
  error: z.string().nullable(),
  /** the first `heldLimit` held entries, by address */
  heldEntries: z.array(HeldEntry),
  /** the first `heldLimit` refused entries, by address */
  rejectedEntries: z.array(RejectedEntry),
});
export type DirectoryPublicationSummary = z.infer<typeof DirectoryPublicationSummary>;

export const DirectoryPublicationsResponse = z.object({
  items: z.array(DirectoryPublicationSummary),
  heldLimit: z.number().int(),
  /** addresses waiting for tonight's publication, and held back now */
  pending: z.number().int(),
  heldNow: z.number().int(),
});
export type DirectoryPublicationsResponse = z.infer<typeof DirectoryPublicationsResponse>;
