import { IdParams } from "@medimail/contracts/common";
import type { Principal } from "@medimail/domain/access";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { AuditActor } from "../audit/audit.repository.ts";

type ZodApp = Parameters<FastifyPluginAsyncZod>[0];

export const structureErrors = errorResponses(400, 401, 403, 404, 409);

/**
 * `PUT /structures/:id/<block>`: one block of "Paramétrage" saved on its own. The service checks the caller's
 * rights, saves and audits; the answer is a 204.
 */
export function putStructureBlock<Body extends z.ZodType>(
  app: ZodApp,
  block: {
    path: string;
    summary: string;
    body: Body;
    save: (principal: Principal, id: string, body: z.output<Body>, actor: AuditActor) => Promise<void>;
  },
): void {
  app.put(
    `/structures/:id/${block.path}`,
    {
      schema: {
        tags: ["structures"],
        summary: block.summary,
        params: IdParams,
        body: block.body,
        response: { 204: z.null(), ...structureErrors },
      },
    },
    async (request, reply) => {
      await block.save(request.principal, request.params.id, request.body as z.output<Body>, request.actor);
      return reply.code(204).send(null);
    },
  );
}
