/** One captured console line. */
export interface CapturedLine {
  readonly level: 'log' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly at: Date;
}

const levels = new Set(['log', 'info', 'warn', 'error']);

/**
 * Collects a script's console output within bounds. The isolate stops sending after `maxLines` and
 * sends one 'truncated' marker; the host checks every line again, since it comes from untrusted code.
 */
export function createConsoleCapture(limits: { maxLines: number; maxLineChars: number }, clock: () => Date) {
  const lines: CapturedLine[] = [];
  let truncatedAt = -1;
  return {
    lines,
    add(level: unknown, message: unknown): void {
      if (level === 'truncated') {
        if (truncatedAt < 0) {
          truncatedAt = lines.length;
          lines.push({ level: 'warn', message: `Console output truncated after ${limits.maxLines} lines`, at: clock() });
        }
        return;
      }
      if (lines.length >= limits.maxLines || typeof level !== 'string' || !levels.has(level)) return;
      const text = typeof message === 'string' ? message.slice(0, limits.maxLineChars) : '';
      lines.push({ level: level as CapturedLine['level'], message: text, at: clock() });
    },
    /** Once the script has ended and reported how many lines it wrote in all. */
    finish(totalLines: number): void {
      const marker = lines[truncatedAt];
      if (!marker || totalLines <= limits.maxLines) return;
      lines[truncatedAt] = { ...marker, message: `${marker.message}: ${totalLines - limits.maxLines} more lines dropped` };
    },
  };
}

export type ConsoleCapture = ReturnType<typeof createConsoleCapture>;
