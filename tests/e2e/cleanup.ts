/** Runs every step in order, each one even when one before it failed; then throws what failed. */
export async function stopInOrder(
  what: string,
  steps: readonly (() => Promise<unknown> | undefined)[],
): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `cleaning up ${what}`);
}
