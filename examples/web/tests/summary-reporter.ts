import type { FullConfig, Reporter, Suite } from "@playwright/test/reporter";

/** Ends the run with the plain line CI reads: "playwright: N passed, N failed". */
export default class SummaryReporter implements Reporter {
  private root: Suite | undefined;

  onBegin(_config: FullConfig, suite: Suite): void {
    this.root = suite;
  }

  onEnd(): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const test of this.root?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === "skipped") counts.skipped += 1;
      else if (outcome === "unexpected") counts.failed += 1;
      else counts.passed += 1;
    }
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : "";
    console.log(`playwright: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
