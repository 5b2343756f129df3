import type { Principal } from "@medimail/domain/access";
import { type Download, XLSX_TYPE } from "../../lib/download.ts";
import type { Scope } from "../../lib/scope.ts";
import { buildLoaduserTemplate, TEMPLATE_FILENAME } from "./template-workbook.ts";

export interface TemplateServiceDeps {
  scope: Scope;
}

/** "Télécharger la dernière version du modèle loaduser": for whoever may read the structure's accounts. */
export function createTemplateService({ scope }: TemplateServiceDeps) {
  return {
    async loaduserTemplate(principal: Principal, structureId: string): Promise<Download> {
      await scope.require(principal, "read", structureId);
      const file = await buildLoaduserTemplate();
      return {
        filename: TEMPLATE_FILENAME,
        contentType: XLSX_TYPE,
        write: async (output) => void output.end(file),
      };
    },
  };
}
export type TemplateService = ReturnType<typeof createTemplateService>;
