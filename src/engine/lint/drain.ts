/** Runs a stepwise computation (a generator that pauses so a screen stays responsive) to its end, without pausing. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
