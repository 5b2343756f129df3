import { AppError, validationFailed } from "../../lib/errors.ts";

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * The text of an uploaded file as it arrives: at most `maxBytes` (beyond, a 413 in French), UTF-8 checked as it is
 * decoded (a file in another encoding is a 400, never garbled names).
 */
export async function* limitedText(body: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let received = 0;
  try {
    for await (const chunk of body) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > maxBytes) {
        throw new AppError(
          413,
          "PAYLOAD_TOO_LARGE",
          `Le fichier dépasse ${megabytes(maxBytes)} Mo : ce n'est pas l'extraction nationale attendue.`,
        );
      }
      yield decoder.decode(bytes, { stream: true });
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (error) {
    if (error instanceof TypeError && (error as { code?: string }).code === "ERR_ENCODING_INVALID_ENCODED_DATA") {
      throw validationFailed(
        "Le fichier n'est pas encodé en UTF-8, comme l'est l'extraction nationale de l'ANS : téléchargez-la à nouveau sans la modifier.",
      );
    }
    throw error;
  }
}
