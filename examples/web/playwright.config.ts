import { defineConfig, devices } from "@playwright/test";

// Drives the machine's Chromium (Debian's `chromium` package): Playwright never downloads
// a browser here. CHROMIUM names another binary.
export default defineConfig({
  testDir: "tests",
  globalSetup: "./tests/servers.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"], ["./tests/summary-reporter.ts"]],
  use: {
    ...devices["Desktop Chrome"],
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
  },
});
