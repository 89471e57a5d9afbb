/**
 * What `npm start` shows: the bridge's metrics table (read from its own JSON view over HTTP, as the dashboard does),
 * the dashboard's address, the players and their roles, and the latest warnings from the server console. On a
 * terminal it redraws in place once a second; piped, it prints a table every ten seconds.
 */
import type { MetricsView } from '../../src/bridge/metrics-view.ts';
import { formatMetricsTable } from '../../src/bridge/metrics-text.ts';
import type { LogLine } from '../../test/emulator/emulator.ts';
import type { Sandbox } from './world.ts';

const NOTEWORTHY = /warn|fail|error|refused|denied|kick|dropped|timed out/i;
const strip = (s: string) => s.replace(/\^\d/g, '').replace(/\s+/g, ' ').trim();

export class Screen {
  private readonly recent: string[] = [];
  private lastLog: LogLine | undefined;
  private lastPlain = -Infinity;
  private view: MetricsView | null = null;
  private error = '';

  constructor(
    private readonly sandbox: Sandbox,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  /** Reads the JSON view (loopback needs no token) and redraws. */
  async refresh(): Promise<void> {
    try {
      const r = await fetch(`${this.sandbox.url}metrics.json`);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      this.view = (await r.json()) as MetricsView;
      this.error = '';
    } catch (e) {
      this.error = `metrics unavailable: ${e instanceof Error ? e.message : String(e)}`;
    }
    this.collectLogs();
    if (this.out.isTTY) this.out.write(`\x1b[H\x1b[J${this.lines(this.out.rows ?? 40).map((l) => this.fit(l)).join('\n')}\n`);
    else if (this.sandbox.seconds - this.lastPlain >= 10) {
      this.lastPlain = this.sandbox.seconds;
      this.out.write(`${this.lines(Infinity).join('\n')}\n\n`);
    }
  }

  /** The last table, for the goodbye. */
  final(): string[] {
    return this.view ? formatMetricsTable(this.view) : [];
  }

  private fit(line: string): string {
    const cols = this.out.columns ?? 160;
    return line.length > cols ? line.slice(0, cols - 1) + '…' : line;
  }

  private lines(rows: number): string[] {
    const s = this.sandbox;
    const roles = [...s.roles.values()];
    const bad = roles.filter((r) => r !== 'normal');
    const head = [
      `callback_bridge sandbox: emulated FXServer, ${s.emu.players.size} players connected (${roles.length - bad.length} normal${bad.length ? `, misbehaving: ${bad.join(', ')}` : ''}), ${Math.floor(s.seconds)} s` +
        (s.behind > 1000 ? ` (${(s.behind / 1000).toFixed(1)} s behind real time)` : ''),
      `Dashboard: ${s.url}    Prometheus: ${s.url}metrics    JSON: ${s.url}metrics.json    Ctrl-C stops`,
      '',
    ];
    const tail = this.recent.length ? ['', 'Latest warnings on the server console:', ...this.recent.map((l) => `  ${l}`)] : [];
    if (this.error) return [...head, this.error, ...tail];
    if (!this.view) return [...head, 'starting...'];
    const room = Math.max(3, rows - head.length - tail.length - 8);
    return [...head, ...formatMetricsTable(this.view, { maxRows: room }), ...tail];
  }

  private collectLogs(): void {
    const logs = this.sandbox.emu.logs;
    const from = this.lastLog ? logs.lastIndexOf(this.lastLog) + 1 : 0;
    for (let i = from; i < logs.length; i++) {
      const l = logs[i];
      if (l.machine !== 'server' || !(l.error || NOTEWORTHY.test(l.text))) continue;
      // The bridge's own lines already start with [callback_bridge].
      const text = strip(l.text.split('\n')[0]);
      this.recent.push(text.startsWith(`[${l.resource}]`) ? text : `[${l.resource}] ${text}`);
      if (this.recent.length > 5) this.recent.shift();
    }
    this.lastLog = logs[logs.length - 1];
  }
}
