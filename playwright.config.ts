import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;

// Browsers cannot be downloaded on every machine: use the system's Chromium when there is one.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: PORT === 3100 ? "test-results" : `test-results-${PORT}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  timeout: 30_000,
  use: {
    baseURL,
    locale: "fr-FR",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    {
      name: "chromium",
      // signed in as the demo operator by the setup project (specs that test sign-in start from a blank state)
      use: { ...devices["Desktop Chrome"], storageState: "e2e/.auth/operator.json" },
      dependencies: ["setup"],
      testIgnore: /.*\.setup\.ts/,
    },
  ],
  // The console as a new user starts it: embedded database, demo data, in a folder of its own wiped each run.
  webServer: {
    command: "node e2e/start-server.mjs",
    url: `${baseURL}/ready`,
    timeout: 180_000,
    reuseExistingServer: false,
    env: {
      PORT: String(PORT),
      PUBLIC_URL: baseURL,
      // one folder per port, so that two runs on different ports never share a database
      DATA_DIR: PORT === 3100 ? "e2e/.data" : `e2e/.data-${PORT}`,
      LOG_LEVEL: "warn",
      SMTP_CATCHER_PORT: "0",
      PSC_LOCAL_PORT: String(PORT + 99),
      DIRECTORY_STANDIN_PORT: String(PORT + 98),
      // a handful of sign-ins per spec, all from 127.0.0.1
      LOGIN_ATTEMPTS_PER_MINUTE: "200",
    },
    stdout: "pipe",
    stderr: "pipe",
  },
});
