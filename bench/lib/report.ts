import { renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fmt, ratio } from './stats.js';

/** One line of the results table: a figure beside a baseline measured in the same run. */
export interface Figure {
  /** Key in latest.json. */
  key: string;
  figure: string;
  value: number;
  unit: string;
  /** Decimals shown below 100 (default 1). */
  digits?: number;
  /** Extra text after the value, e.g. the other percentiles. */
  detail?: string;
  baseline?: number;
  /** What the baseline is, e.g. "bare node:http". */
  baselineWhat?: string;
  /** Defaults to value / baseline. */
  ratio?: number;
  target?: string;
  /** undefined: no target, or the target is for another size than this run's. */
  met?: boolean;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** A warning: reported, but it does not fail the run (e.g. timing-dependent). */
  soft?: boolean;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  date: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  postgres?: string;
  redis?: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/** Collects figures, correctness checks and raw data; writes latest.md and latest.json. */
export class Report {
  readonly figures: Figure[] = [];
  readonly checks: Check[] = [];
  readonly data: Record<string, unknown> = {};
  private frozen = false;
  private loadRuns = 0;
  private loadFailures = 0;

  constructor(
    readonly machine: MachineInfo,
    readonly settings: Record<string, unknown>,
  ) {}

  add(figure: Figure): void {
    this.figures.push(figure);
  }

  /** From now on (the run is being stopped), what the scenarios still record is ignored. */
  freeze(): void {
    this.frozen = true;
  }

  check(name: string, ok: boolean, detail = ''): void {
    if (this.frozen) return;
    this.checks.push({ name, ok, detail });
    if (!ok) console.error(`  ✗ ${name}${detail ? `: ${detail}` : ''}`);
  }

  /** Like {@link check}, but a failure is only a warning. */
  warnUnless(name: string, ok: boolean, detail = ''): void {
    if (this.frozen) return;
    this.checks.push({ name, ok, detail, soft: true });
    if (!ok) console.error(`  ! ${name}${detail ? `: ${detail}` : ''}`);
  }

  /** Records one check per problem list: ok when it is empty. */
  checkProblems(name: string, problems: string[]): void {
    this.check(name, problems.length === 0, problems.join('; '));
  }

  /** One autocannon run: only a failing one gets its own line; the rest are counted. */
  loadRun(label: string, problems: string[]): void {
    if (this.frozen) return;
    this.loadRuns += 1;
    if (problems.length > 0) {
      this.loadFailures += 1;
      this.checkProblems(`${label}: every request answered as expected`, problems);
    }
  }

  /** The count of clean load runs, as one check (call once, before writing). */
  summarizeLoadRuns(): void {
    if (this.loadRuns === 0) return; // nothing ran: the error that stopped the run says why
    this.checks.push({
      name: `${this.loadRuns - this.loadFailures} of ${this.loadRuns} autocannon runs: no error, no non-2xx answer`,
      ok: this.loadFailures === 0,
      detail: '',
    });
  }

  get failed(): Check[] {
    return this.checks.filter((c) => !c.ok && !c.soft);
  }

  markdown(title: string, errors: string[]): string {
    const m = this.machine;
    const lines = [
      `# ${title}`,
      '',
      `${m.date} · ${m.cpu} · ${m.cores} cores · Node ${m.node}` +
        (m.postgres ? ` · ${m.postgres}` : '') +
        (m.redis ? ` · Redis ${m.redis}` : ''),
      `load average at start ${m.loadAverageAtStart.join(' ')}` +
        (m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' ')}` : '') +
        ' (a shared machine: read the ratios, not the absolute numbers)',
      '',
      `settings: ${Object.entries(this.settings)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`,
      '',
      '| figure | value | baseline | ratio | target | met? |',
      '| --- | --- | --- | --- | --- | --- |',
    ];
    for (const f of this.figures) {
      const r = f.ratio ?? (f.baseline === undefined ? Number.NaN : ratio(f.value, f.baseline));
      const value = fmt(f.value, f.unit, f.digits) + (f.detail ? ` (${f.detail})` : '');
      const baseline =
        f.baseline === undefined
          ? '—'
          : `${fmt(f.baseline, f.unit, f.digits)}${f.baselineWhat ? ` (${f.baselineWhat})` : ''}`;
      const met = f.met === undefined ? 'n/a' : f.met ? 'yes' : '**no**';
      lines.push(
        `| ${f.figure} | ${value} | ${baseline} | ${Number.isFinite(r) ? `${r.toFixed(2)}×` : '—'} | ${f.target ?? '—'} | ${met} |`,
      );
    }
    lines.push('', '## Correctness checks', '');
    for (const c of this.checks)
      lines.push(
        `- ${c.ok ? 'ok' : c.soft ? '**warning**' : '**FAILED**'}: ${c.name}${c.detail ? ` — ${c.detail}` : ''}`,
      );
    for (const e of errors) lines.push(`- **ERROR**: ${e}`);
    return `${lines.join('\n')}\n`;
  }

  json(errors: string[]): unknown {
    return {
      machine: this.machine,
      settings: this.settings,
      figures: this.figures.map((f) => ({
        ...f,
        ratio: f.ratio ?? (f.baseline === undefined ? null : ratio(f.value, f.baseline)),
        met: f.met ?? null,
      })),
      checks: this.checks,
      errors,
      passed: this.failed.length === 0 && errors.length === 0,
      data: this.data,
    };
  }

  /**
   * Writes `<name>.md` and `<name>.json` (through a temporary file, so tooling never reads half):
   * `latest` for a full run (the committed one), `<mode>-latest` for the others, so a quick
   * smoke run never overwrites the committed full results.
   */
  write(dir: string, name: string, title: string, errors: string[]): string {
    const md = this.markdown(title, errors);
    writeFileSync(join(dir, `${name}.md`), md);
    const tmp = join(dir, `${name}.json.tmp`);
    writeFileSync(tmp, `${JSON.stringify(this.json(errors), jsonNumbers, 2)}\n`);
    renameSync(tmp, join(dir, `${name}.json`));
    return md;
  }
}

/** NaN and Infinity are not JSON: null instead; floats to 3 decimals. */
function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) return null;
  return Number.isInteger(value) ? value : Number(value.toFixed(3));
}
