import type { FeedCode } from "@medimail/contracts/feed-report";
import type { DbTx } from "@medimail/db/client";
import { createDirectoryRepository } from "./directory.repository.ts";

const RECENT_RUNS = 30;
const HELD_LIMIT = 100;

/** The recent nightly publications with their counts and held entries (operators; support reads). */
export function createDirectoryService(db: DbTx) {
  const repository = createDirectoryRepository(db);
  return {
    async publications() {
      const [runs, { pending, heldNow }] = await Promise.all([
        repository.recentPublications(RECENT_RUNS),
        repository.addressCounts(),
      ]);
      const items = await Promise.all(
        runs.map(async (run) => {
          const held = await repository.heldEntries(run.id, HELD_LIMIT);
          return {
            id: run.id,
            runDate: run.runDate.toISOString().slice(0, 10),
            status: run.status,
            startedAt: run.startedAt.toISOString(),
            finishedAt: run.finishedAt?.toISOString() ?? null,
            created: run.created,
            updated: run.updated,
            deleted: run.deleted,
            held: run.held,
            rejected: run.rejected,
            feedFile: run.feedFile,
            error: run.error,
            heldEntries: held.map((entry) => ({ ...entry, codes: entry.codes as FeedCode[] })),
            rejectedEntries: await repository.rejectedEntries(run.id, HELD_LIMIT),
          };
        }),
      );
      return { items, heldLimit: HELD_LIMIT, pending, heldNow };
    },
  };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;
