import { LockedAccountListResponse } from "@medimail/contracts/auth";
import { ErrorEnvelope, IdParams } from "@medimail/contracts/common";
import type { Db } from "@medimail/db/client";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { notFound } from "../../lib/errors.ts";
import { requirePlatform } from "../../lib/scope.ts";
import { recordAudit } from "../audit/audit.repository.ts";

/** Accounts locked after too many wrong passwords, and the operator's "Déverrouiller". */
export const securityRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const denied = { 401: ErrorEnvelope, 403: ErrorEnvelope };

  app.get(
    "/security/locked-accounts",
    {
      schema: {
        tags: ["sécurité"],
        summary: "Comptes verrouillés après trop d'échecs de connexion",
        response: { 200: LockedAccountListResponse, ...denied },
      },
    },
    async (request) => {
      requirePlatform(request.principal, "accounts.unlock");
      // temporary locks still running, and the older permanent ones
      const rows = await db.account.findMany({
        where: { OR: [{ lockedAt: { not: null } }, { lockedUntil: { gt: new Date() } }] },
        orderBy: [{ lockedUntil: { sort: "desc", nulls: "first" } }, { email: "asc" }],
        take: 500,
        select: {
          id: true,
          email: true,
          firstName: true,
          lastName: true,
          lockedAt: true,
          lockedUntil: true,
          lockCount: true,
          structure: { select: { name: true } },
        },
      });
      return {
        items: rows.map(({ structure, lockedAt, lockedUntil, ...row }) => ({
          ...row,
          structureName: structure.name,
          lockedUntil: lockedAt ? null : (lockedUntil as Date).toISOString(),
        })),
      };
    },
  );

  app.post(
    "/security/locked-accounts/:id/unlock",
    {
      schema: {
        tags: ["sécurité"],
        summary: "Déverrouiller un compte",
        params: IdParams,
        response: { 204: z.null(), 404: ErrorEnvelope, ...denied },
      },
    },
    async (request, reply) => {
      requirePlatform(request.principal, "accounts.unlock");
      const { id } = request.params;
      await db.$transaction(async (tx) => {
        const before = await tx.account.findUnique({
          where: { id },
          select: { lockedAt: true, lockedUntil: true, failedLoginCount: true, lockCount: true, structureId: true },
        });
        const temporarilyLocked = before?.lockedUntil != null && before.lockedUntil > new Date();
        if (!before || (!before.lockedAt && !temporarilyLocked)) {
          throw notFound("Aucun compte verrouillé avec cet identifiant");
        }
        await tx.account.update({
          where: { id },
          data: { lockedAt: null, lockedUntil: null, failedLoginCount: 0, lockCount: 0 },
        });
        await recordAudit(tx, request.actor, {
          action: "auth.account-unlocked",
          entityType: "account",
          entityId: id,
          structureId: before.structureId,
          before: {
            lockedAt: before.lockedAt?.toISOString() ?? null,
            lockedUntil: before.lockedUntil?.toISOString() ?? null,
            failedLoginCount: before.failedLoginCount,
            lockCount: before.lockCount,
          },
          after: { lockedAt: null, lockedUntil: null, failedLoginCount: 0, lockCount: 0 },
        });
      });
      return reply.code(204).send(null);
    },
  );
};
