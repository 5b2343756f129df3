import { existsSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyRequest } from "fastify";

/**
 * Serves the built SPA on the API's port. Any GET outside /api that is not a file answers index.html,
 * so the SPA's own routes survive a reload; /api stays JSON, with the API's 404 envelope. These routes carry
 * no data: they opt out of the session and CSRF checks (every other route has them).
 */
export async function registerWeb(app: FastifyInstance, webDist: string): Promise<void> {
  const indexFile = path.join(webDist, "index.html");
  if (!webDist || !existsSync(indexFile)) {
    app.log.warn({ webDist }, "built SPA not found: serving the API only (run `pnpm build`)");
    return;
  }
  await app.register(async (web) => {
    web.addHook("onRoute", (route) => {
      route.config = { ...route.config, access: "outside-api" };
    });
    await web.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
    const serveIndex = (_request: unknown, reply: { sendFile(file: string): unknown }) => reply.sendFile("index.html");
    web.get("/", { schema: { hide: true } }, serveIndex as never);
    web.get("/*", { schema: { hide: true } }, async (request, reply) => {
      // the router's decoded path: `/%61pi/x` or `/API/x` is still the API's namespace, answered by its 404
      const relative = wildcardOf(request).replace(/^\/+/, "");
      if (/^api(\/|$)/i.test(relative)) return reply.callNotFound();
      const file = path.resolve(webDist, relative);
      if (file.startsWith(webDist + path.sep) && existsSync(file) && path.extname(file)) {
        const immutable = relative.startsWith("assets/");
        return reply.sendFile(relative, { immutable, maxAge: immutable ? "365d" : 0 });
      }
      return reply.sendFile("index.html");
    });
  });
}

function wildcardOf(request: FastifyRequest): string {
  return (request.params as { "*"?: string })["*"] ?? "";
}
