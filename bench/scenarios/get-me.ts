import { type BenchContext, measure } from '../lib/context.js';
import { alternate, type LoadResult } from '../lib/load.js';
import { median } from '../lib/stats.js';

/** getMe (authenticated, one primary-key read) beside a bare node:http fixed small JSON. */
export async function getMe(ctx: BenchContext): Promise<void> {
  console.log('• getMe vs a bare node:http fixed JSON');
  const buyer = ctx.buyers[0];
  const run =
    (url: string, label: string, headers?: Record<string, string>) =>
    (durationS?: number): Promise<LoadResult> =>
      measure(ctx, {
        label: `getMe (${label})`,
        url,
        headers,
        connections: ctx.options.connections,
        durationS: durationS ?? ctx.options.durationS,
      });
  const runs = await alternate(
    ctx.options.rounds,
    ctx.options.warmupS,
    run(`${ctx.a.url}/api/me`, 'app', { authorization: `Bearer ${buyer.token}` }),
    run(`${ctx.bare.url}/me`, 'bare'),
  );
  ctx.report.data.get_me = runs;
  ctx.report.add({
    key: 'get_me_rps',
    figure: `getMe (GET /api/me), ${ctx.options.connections} connections`,
    value: median(runs.app.map((r) => r.rps)),
    unit: 'req/s',
    detail: `p99 ${median(runs.app.map((r) => r.p99)).toFixed(1)} ms`,
    baseline: median(runs.bare.map((r) => r.rps)),
    baselineWhat: 'bare node:http fixed JSON',
  });
}
