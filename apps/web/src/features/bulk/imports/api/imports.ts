import { type ImportErrorsPage as ErrorsPage, ImportErrorsPage, ImportSummary } from "@medimail/contracts/imports";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiGet, apiSend, apiUpload } from "../../../../lib/api-client.ts";

const importKey = (structureId: string, importId: string) => ["structures", structureId, "imports", importId] as const;

/** An import's state; polled every second while it is being applied (the progress bar). */
export const useImport = (structureId: string, importId: string | null) =>
  useQuery({
    queryKey: importKey(structureId, importId ?? ""),
    queryFn: ({ signal }) => apiGet(`/structures/${structureId}/imports/${importId}`, ImportSummary, signal),
    enabled: importId !== null,
    refetchInterval: (query) => (query.state.data?.status === "APPLYING" ? 1000 : false),
  });

export const ERRORS_PER_PAGE = 20;

/** One page of the rejected rows (of the dry run, or of the apply). */
export const useImportErrors = (
  structureId: string,
  importId: string,
  atApply: boolean,
  page: number,
  enabled: boolean,
) =>
  useQuery<ErrorsPage>({
    queryKey: [...importKey(structureId, importId), "errors", atApply, page],
    queryFn: ({ signal }) =>
      apiGet(
        `/structures/${structureId}/imports/${importId}/errors?atApply=${atApply}&page=${page}&limit=${ERRORS_PER_PAGE}`,
        ImportErrorsPage,
        signal,
      ),
    enabled,
  });

export const errorFileUrl = (structureId: string, importId: string, atApply: boolean) =>
  `/api/structures/${structureId}/imports/${importId}/errors.csv?atApply=${atApply}`;

/** Upload and dry run: the file as the request's body, with the upload's progress. */
export const useUploadImport = (structureId: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, onProgress }: { file: File; onProgress: (fraction: number) => void }) =>
      apiUpload(
        `/structures/${structureId}/imports?fileName=${encodeURIComponent(file.name)}`,
        file,
        ImportSummary,
        onProgress,
      ),
    onSuccess: (summary) => queryClient.setQueryData(importKey(structureId, summary.id), summary),
  });
};

/** "Appliquer l'import": the job takes over; the summary is then polled. */
export const useApplyImport = (structureId: string, importId: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ notifyUsers }: { notifyUsers: boolean }) =>
      apiSend("POST", `/structures/${structureId}/imports/${importId}/apply`, ImportSummary, { notifyUsers }),
    onSuccess: (summary) => queryClient.setQueryData(importKey(structureId, importId), summary),
  });
};
