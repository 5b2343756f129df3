import { existsSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/**
 * Serves the built SPA on the API's port. Any GET outside /api that is not a file answers index.html,
 * so the SPA's own routes survive a reload; /api stays JSON, with the API's 404 envelope.
 */
export async function registerWeb(app: FastifyInstance, webDist: string): Promise<void> {
  const indexFile = path.join(webDist, "index.html");
  if (!webDist || !existsSync(indexFile)) {
    app.log.warn({ webDist }, "built SPA not found: serving the API only (run `pnpm build`)");
    return;
  }
  await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  const serveIndex = (_request: unknown, reply: { sendFile(file: string): unknown }) => reply.sendFile("index.html");
  app.get("/", { schema: { hide: true } }, serveIndex as never);
  app.get("/*", { schema: { hide: true } }, async (request, reply) => {
    const url = request.url.split("?")[0] ?? "/";
    if (url.startsWith("/api/") || url === "/api") return reply.callNotFound();
    const relative = decodeURIComponent(url).replace(/^\/+/, "");
    const file = path.resolve(webDist, relative);
    if (file.startsWith(webDist + path.sep) && existsSync(file) && path.extname(file)) {
      const immutable = relative.startsWith("assets/");
      return reply.sendFile(relative, { immutable, maxAge: immutable ? "365d" : 0 });
    }
    return reply.sendFile("index.html");
  });
}
