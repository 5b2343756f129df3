import { z } from "zod";
import { listOf, SearchText } from "./common.ts";

/** A French commune with what a structure's address needs from it. */
export const Commune = z.object({
  inseeCode: z.string(),
  name: z.string(),
  postcodes: z.array(z.string()),
  departmentCode: z.string(),
  departmentName: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
});
export type Commune = z.infer<typeof Commune>;

export const CommuneSearchQuery = z.object({
  q: SearchText(100).min(2, "Saisissez au moins 2 caractères"),
});
export const CommuneSearchResponse = listOf(Commune);
