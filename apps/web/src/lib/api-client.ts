import type { ErrorEnvelope } from "@medimail/contracts/common";
import type { z } from "zod";

/** An error answered by the API, with its envelope (French message, field details, request id). */
export class ApiError extends Error {
  readonly envelope: ErrorEnvelope;

  constructor(envelope: ErrorEnvelope) {
    super(envelope.message);
    this.envelope = envelope;
  }
  get status() {
    return this.envelope.statusCode;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** The token the API expects in x-csrf-token on every change (from GET /api/auth/session and sign-in). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when a request answers 401 (session ended: idle, expired, logged out elsewhere, account disabled). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Fetches JSON from the API and checks it against the shared contract. */
export function apiGet<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
  return request("GET", path, schema, undefined, signal);
}

/** Sends a change (POST, PUT, PATCH, DELETE) with an optional JSON body; answers the parsed response. */
export function apiSend<S extends z.ZodType>(
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  schema: S,
  body?: unknown,
): Promise<z.infer<S>> {
  return request(method, path, schema, body);
}

async function request<S extends z.ZodType>(
  method: string,
  path: string,
  schema: S,
  body: unknown,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      signal,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(method !== "GET" && csrfToken ? { "x-csrf-token": csrfToken } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
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
  const payload = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && payload?.code === "UNAUTHENTICATED") onUnauthenticated?.();
  if (!response.ok) {
    throw new ApiError(
      payload && typeof payload.message === "string"
        ? (payload as ErrorEnvelope)
        : {
            statusCode: response.status,
            code: "INTERNAL_ERROR",
            message: "Erreur inattendue du serveur",
            requestId: "",
          },
    );
  }
  return schema.parse(payload);
}

/**
 * Sends a file as the raw body of a POST (application/octet-stream, with the CSRF header), reporting the upload's
 * progress (0 to 1); answers the parsed JSON response. XMLHttpRequest, because fetch reports no upload progress.
 */
export function apiUpload<S extends z.ZodType>(
  path: string,
  file: Blob,
  schema: S,
  onProgress: (fraction: number) => void,
): Promise<z.infer<S>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api${path}`);
    xhr.setRequestHeader("accept", "application/json");
    xhr.setRequestHeader("content-type", "application/octet-stream");
    if (csrfToken) xhr.setRequestHeader("x-csrf-token", csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () =>
      reject(
        new ApiError({
          statusCode: 0,
          code: "SERVICE_UNAVAILABLE",
          message: "Le serveur est injoignable. Vérifiez votre connexion puis réessayez.",
          requestId: "",
        }),
      );
    xhr.onload = () => {
      let payload: { code?: unknown; message?: unknown } | null = null;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch {
        payload = null;
      }
      if (xhr.status === 401 && payload?.code === "UNAUTHENTICATED") onUnauthenticated?.();
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(
          new ApiError(
            payload && typeof payload.message === "string"
              ? (payload as ErrorEnvelope)
              : {
                  statusCode: xhr.status,
                  code: "INTERNAL_ERROR",
                  message: "Erreur inattendue du serveur",
                  requestId: "",
                },
          ),
        );
        return;
      }
      try {
        resolve(schema.parse(payload));
      } catch (error) {
        reject(error);
      }
    };
    xhr.send(file);
  });
}
