import type { ErrorEnvelope } from "@medimail/contracts/common";
import type { z } from "zod";

/** An error answered by the API, with its envelope (French message, field details, request id). */
export class ApiError extends Error {
  constructor(readonly envelope: ErrorEnvelope) {
    super(envelope.message);
  }
  get status() {
    return this.envelope.statusCode;
  }
}

/** Fetches JSON from the API and checks it against the shared contract. */
export async function apiGet<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      signal,
      headers: { accept: "application/json" },
      credentials: "same-origin",
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError({
      statusCode: 0,
      code: "SERVICE_UNAVAILABLE",
      message: "Le serveur est injoignable. Vérifiez votre connexion puis réessayez.",
      requestId: "",
    });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      body && typeof body.message === "string"
        ? (body as ErrorEnvelope)
        : {
            statusCode: response.status,
            code: "INTERNAL_ERROR",
            message: "Erreur inattendue du serveur",
            requestId: "",
          },
    );
  }
  return schema.parse(body);
}
