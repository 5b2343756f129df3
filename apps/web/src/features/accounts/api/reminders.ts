import { LastReminder, RemindAllResult } from "@medimail/contracts/bulk";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../../lib/api-client.ts";

export const useLastReminder = (structureId: string, daughters: boolean) =>
  useQuery({
    queryKey: ["structures", structureId, "reminders", "last", daughters],
    queryFn: ({ signal }) =>
      apiGet(`/structures/${structureId}/reminders/last${daughters ? "?daughters=true" : ""}`, LastReminder, signal),
  });

/** "Relancer vos utilisateurs préinscrits": one reminder per pre-registered account of the structure (and daughters). */
export const useRemindAll = (structureId: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ daughters }: { daughters: boolean }) =>
      apiSend("POST", `/structures/${structureId}/reminders`, RemindAllResult, { daughters }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["structures", structureId] }),
  });
};
