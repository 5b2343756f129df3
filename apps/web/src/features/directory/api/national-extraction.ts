import { NationalExtractionStatus } from "@medimail/contracts/directory-visibility";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiGet, apiUpload } from "../../../lib/api-client.ts";

const key = ["directory", "national-extraction"] as const;

/** The latest import of the ANS's extraction and the platform's comparison. */
export const useNationalExtraction = () =>
  useQuery({
    queryKey: key,
    queryFn: ({ signal }) => apiGet("/directory/national-extraction", NationalExtractionStatus, signal),
  });

/** An operator's upload of the extraction: the file as the request's body, with the upload's progress. */
export const useUploadExtraction = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, onProgress }: { file: File; onProgress: (fraction: number) => void }) =>
      apiUpload(
        `/directory/national-extraction?fileName=${encodeURIComponent(file.name)}`,
        file,
        NationalExtractionStatus,
        onProgress,
      ),
    onSuccess: (status) => queryClient.setQueryData(key, status),
  });
};
