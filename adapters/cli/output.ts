/** Terminal output helpers for the CLI: aligned tables and timed progress lines. */

/** Formats rows as an aligned text table (numbers right-aligned). */
export const table = (headers: readonly string[], rows: readonly (readonly unknown[])[]): string => {
  const cells = rows.map((r) => r.map((c) => (c === undefined || c === null ? "" : typeof c === "number" ? c.toLocaleString("en-US") : String(c))));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number" || r[i] === undefined || r[i] === null));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: readonly string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
};

/** Prints "[step/total] what ... done (1.2 s)" lines for long operations. */
export class Progress {
  private step = 0;
  private readonly started = Date.now();
  private stepStarted = Date.now();
  constructor(private readonly total: number, private readonly write: (text: string) => void = (t) => process.stderr.write(t)) {}

  start(what: string): void {
    this.step++;
    this.stepStarted = Date.now();
    this.write(`[${this.step}/${this.total}] ${what} ...`);
  }

  done(detail = ""): void {
    this.write(` done${detail ? `: ${detail}` : ""} (${((Date.now() - this.stepStarted) / 1000).toFixed(1)} s)\n`);
  }

  get elapsedSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }
}

export const formatDuration = (secs: number): string => {
  const d = Math.floor(secs / 86400);
  const h = Math.floor((secs % 86400) / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = Math.floor(secs % 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
};
