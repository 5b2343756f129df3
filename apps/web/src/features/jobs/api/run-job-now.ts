import { JobRunSummary } from "@medimail/contracts/jobs";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiSend } from "../../../lib/api-client.ts";

export const runJobNow = (name: string) => apiSend("POST", `/jobs/${encodeURIComponent(name)}/runs`, JobRunSummary);

export const useRunJobNow = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runJobNow,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["jobs"] }),
  });
};
