import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";

// Testing Library unmounts after each test only when the runner exposes globals; this project's tests import theirs.
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});
