import { vi } from 'vitest';
import { logger } from '#shared/lib/logger.ts';

export interface CapturedLogs {
  /** Every raw line the logger printed. */
  lines: string[];
  /** The lines parsed as JSON (a line that is not JSON fails the parse: logs must be one JSON object per line). */
  records(): Record<string, any>[];
  restore(): void;
}

/**
 * Captures what the logger prints. It writes through its own `Console` instance (bound to the process streams
 * when it was created), so we intercept that instance's methods.
 */
export function captureLogs(): CapturedLogs {
  const target = logger.console;
  const previousLevel = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  const lines: string[] = [];
  const spies = (['debug', 'info', 'warn', 'error', 'log', 'trace'] as const).map((m) =>
    vi.spyOn(target, m).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    }),
  );
  return {
    lines,
    records: () => lines.flatMap((l) => l.split('\n')).filter((l) => l.trim()).map((l) => JSON.parse(l)),
    restore: () => {
      spies.forEach((s) => s.mockRestore());
      logger.setLogLevel(previousLevel);
    },
  };
}
