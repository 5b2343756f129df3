import { readFile } from "node:fs/promises";
import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import { type Config, directoryFeedDirOf } from "../../config.ts";
import { createAnsApiPublisher } from "./ans-api-publisher.ts";
import { ANS } from "./ans-fhir.ts";
import { createDirectoryRepository } from "./directory.repository.ts";
import type { DirectoryPublisher } from "./directory-publisher.ts";
import { createFhirFilePublisher } from "./fhir-file-publisher.ts";

type DirectoryConfig = Pick<
  Config,
  | "NODE_ENV"
  | "DATA_DIR"
  | "DIRECTORY_FEED_DIR"
  | "DIRECTORY_PUBLISHER"
  | "DIRECTORY_API_URL"
  | "DIRECTORY_API_KEY"
  | "DIRECTORY_CA_FILE"
  | "DIRECTORY_CLIENT_CERT_FILE"
  | "DIRECTORY_CLIENT_KEY_FILE"
  | "DIRECTORY_TIMEOUT_SECONDS"
  | "DIRECTORY_CONCURRENCY"
  | "DIRECTORY_RETRIES"
  | "DIRECTORY_STANDIN_PORT"
>;

/**
 * The nightly publication's publisher, from the configuration. In development, `api` without an address publishes
 * to the local stand-in of the directory, which the API process (`startStandin`) starts on DIRECTORY_STANDIN_PORT,
 * seeded with the referential's professionals and the structures; `pnpm worker` then sends to it.
 */
export async function directoryPublisherOf(
  config: DirectoryConfig,
  { db, log, startStandin }: { db: Db; log: FastifyBaseLogger; startStandin: boolean },
): Promise<{ publisher: DirectoryPublisher; close(): Promise<void> }> {
  const development = config.NODE_ENV === "development";
  const kind = config.DIRECTORY_PUBLISHER ?? (development && config.DIRECTORY_STANDIN_PORT > 0 ? "api" : "file");
  if (kind === "file" || (!config.DIRECTORY_API_URL && (!development || config.DIRECTORY_STANDIN_PORT === 0))) {
    return { publisher: createFhirFilePublisher(directoryFeedDirOf(config)), close: async () => {} };
  }
  let url = config.DIRECTORY_API_URL;
  let close = async () => {};
  if (!url) {
    url = `http://127.0.0.1:${config.DIRECTORY_STANDIN_PORT}/fhir`;
    if (startStandin) {
      // loaded only here: the stand-in's validator (FHIR definitions) is never part of a deployment's memory
      const { carrierResource, startDirectoryStandin } = await import("./standin/directory-standin.ts");
      const standin = await startDirectoryStandin({ port: config.DIRECTORY_STANDIN_PORT });
      const seed = await createDirectoryRepository(db).standinSeed();
      const prefix = { FINESS: "1", SIREN: "2", SIRET: "3" } as const;
      standin.seed([
        ...seed.professionals.map((p) =>
          carrierResource(
            { resourceType: "Practitioner", system: ANS.professionalIdSystem, value: p.nationalId },
            { family: p.lastName, given: p.firstName },
          ),
        ),
        ...seed.structures.map((s) =>
          carrierResource(
            {
              resourceType: "Organization",
              system: ANS.structureIdSystem,
              value: `${prefix[s.identifierType]}${s.identifier}`,
            },
            { organization: s.name },
          ),
        ),
      ]);
      url = standin.url;
      close = () => standin.close();
      log.info(
        { url, practitioners: seed.professionals.length, organizations: seed.structures.length },
        "national directory stand-in started: the nightly publication goes to it",
      );
    }
  }
  const [ca, cert, key] = await Promise.all(
    [config.DIRECTORY_CA_FILE, config.DIRECTORY_CLIENT_CERT_FILE, config.DIRECTORY_CLIENT_KEY_FILE].map((file) =>
      file ? readFile(file) : Promise.resolve(undefined),
    ),
  );
  const publisher = createAnsApiPublisher({
    url,
    apiKey: config.DIRECTORY_API_KEY ?? null,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    timeoutMs: config.DIRECTORY_TIMEOUT_SECONDS * 1000,
    concurrency: config.DIRECTORY_CONCURRENCY,
    retries: config.DIRECTORY_RETRIES,
  });
  return { publisher, close };
}
