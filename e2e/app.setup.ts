import { expect, test as setup } from "@playwright/test";

// Runs before the specs: the console is up, its database migrated and loaded with the demo.
setup("the console is ready with its demo data", async ({ request }) => {
  const ready = await request.get("/ready");
  expect(ready.ok()).toBe(true);
  const structures = await request.get("/api/structures");
  expect(structures.ok()).toBe(true);
  expect((await structures.json()).items.length).toBeGreaterThan(0);
});
