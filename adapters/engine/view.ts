/**
 * The terminal view of `squall run`: a table refreshed in place on a TTY (ANSI cursor moves, no
 * library), plain status lines otherwise. Warnings and errors are printed above the table.
 * @module
 */
import type { ComponentSnapshot, MetricsSnapshot } from "../../lib/engine/metrics.ts";

export interface ViewOptions {
  readonly tty: boolean;
  readonly write: (text: string) => void;
}

const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n)));
const ms = (n: number): string => (n === 0 ? "-" : n < 10 ? `${n.toFixed(2)}ms` : `${n.toFixed(0)}ms`);

export class LiveView {
  private drawn = 0;
  private last: { at: number; counts: Map<string, number> } | undefined;
  private rates = new Map<string, number>();

  constructor(private readonly options: ViewOptions) {}

  /** Per-second rate of a component (spouts: acked trees; bolts: executed tuples). */
  rate(id: string): number {
    return this.rates.get(id) ?? 0;
  }

  private updateRates(s: MetricsSnapshot): void {
    const counts = new Map(s.components.map((c) => [c.id, c.type === "spout" ? c.acked : c.executed]));
    const since = this.last && s.uptimeMs > this.last.at ? this.last : { at: 0, counts: new Map<string, number>() };
    const dt = (s.uptimeMs - since.at) / 1000;
    if (dt > 0) for (const [id, n] of counts) this.rates.set(id, (n - (since.counts.get(id) ?? 0)) / dt);
    this.last = { at: s.uptimeMs, counts };
  }

  /** The table; `overall` shows average rates over the whole run (for the summary). */
  table(s: MetricsSnapshot, title: string, overall = false): string[] {
    if (overall) {
      this.last = undefined;
      this.updateRates(s);
    }
    const head = ["component", "tasks", "emitted", "acked", "failed", "rate/s", "latency p50", "p99", "restarts"];
    const row = (c: ComponentSnapshot): string[] => [
      `${c.type === "spout" ? "spout" : "bolt "} ${c.id}`,
      String(c.tasks),
      fmt(c.emitted),
      fmt(c.acked),
      fmt(c.failed) + (c.timedOut ? ` (${fmt(c.timedOut)} timeout)` : ""),
      fmt(this.rate(c.id)),
      ms(c.latencyMs.p50),
      ms(c.latencyMs.p99),
      String(c.restarts),
    ];
    const rows = [head, ...s.components.map(row)];
    const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const lines = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
    return [
      `${title}  up ${(s.uptimeMs / 1000).toFixed(1)}s  pending trees ${fmt(s.pendingTrees)}  queued ${fmt(s.queued)}${s.backpressure ? "  BACKPRESSURE" : ""}`,
      ...lines,
    ];
  }

  /** Redraws (TTY) or prints one status block (plain). */
  render(s: MetricsSnapshot, title: string): void {
    this.updateRates(s);
    const lines = this.table(s, title);
    if (this.options.tty) {
      this.options.write(`${this.clear()}${lines.join("\n")}\n`);
      this.drawn = lines.length;
    } else {
      this.options.write(`${lines.join("\n")}\n`);
    }
  }

  /** Prints a message above the table (TTY) or as a line. */
  message(text: string): void {
    if (this.options.tty) {
      this.options.write(`${this.clear()}${text}\n`);
      this.drawn = 0;
    } else {
      this.options.write(`${text}\n`);
    }
  }

  private clear(): string {
    if (this.drawn === 0) return "";
    const text = `\x1b[${this.drawn}A\x1b[0J`;
    this.drawn = 0;
    return text;
  }
}
