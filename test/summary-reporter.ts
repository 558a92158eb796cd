import type { Reporter, RunnerTask, RunnerTestFile } from 'vitest';

/** Prints the plain closing line CI reads: `tests: N passed, N failed, N skipped`. */
export default class SummaryReporter implements Reporter {
  onFinished(files: readonly RunnerTestFile[] = [], errors: readonly unknown[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const visit = (task: RunnerTask): void => {
      if (task.type === 'suite') {
        const before = counts.failed;
        task.tasks.forEach(visit);
        // A suite whose hook failed fails even though its tests never ran.
        if (task.result?.state === 'fail' && counts.failed === before) counts.failed++;
        return;
      }
      const state = task.result?.state;
      if (state === 'pass') counts.passed++;
      else if (state === 'fail') counts.failed++;
      else counts.skipped++;
    };
    files.forEach((file) => {
      const before = counts.failed;
      file.tasks.forEach(visit);
      if (file.result?.state === 'fail' && counts.failed === before) counts.failed++; // a file that failed to load or in a hook
    });
    counts.failed += errors.length; // unhandled errors fail the run even when every test passed
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
