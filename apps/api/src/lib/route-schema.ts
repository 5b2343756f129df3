import { ErrorEnvelope } from "@medimail/contracts/common";

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503;

/**
 * The error answers a route can give, for its response schema: `errorResponses(400, 401, 403, 404)`. Every error
 * has the one envelope; the list documents which ones this route may answer.
 */
export function errorResponses<const Statuses extends ErrorStatus[]>(
  ...statuses: Statuses
): { [Status in Statuses[number]]: typeof ErrorEnvelope } {
  return Object.fromEntries(statuses.map((status) => [status, ErrorEnvelope])) as {
    [Status in Statuses[number]]: typeof ErrorEnvelope;
  };
}
