import { describe, expect, it } from '@jest/globals';
import { type StartBannerInput, startBanner } from './start-banner.js';

const ACCOUNTS = [
  { email: 'admin@demo.shop', password: 'demo-admin-pass-1', role: 'admin' },
  { email: 'shopper@demo.shop', password: 'demo-shopper-pass-1', role: 'customer' },
];

const input = (overrides: Partial<StartBannerInput> = {}): StartBannerInput => ({
  url: 'http://127.0.0.1:3000',
  readyInMs: 812.4,
  embedded: true,
  servesDocs: true,
  servesDemo: true,
  demoAccounts: ACCOUNTS,
  ...overrides,
});

describe('startBanner', () => {
  it('as JSON: the URLs and demo accounts as fields, and all of it in a one-line msg', () => {
    const banner = startBanner(input(), 'json');
    expect(banner.urls).toEqual({
      api: 'http://localhost:3000/api',
      docs: 'http://localhost:3000/docs',
      demo: 'http://localhost:3000/demo',
      health: 'http://localhost:3000/health/ready',
      metrics: 'http://localhost:3000/metrics',
    });
    expect(banner.demoAccounts).toEqual(ACCOUNTS);
    expect(banner.msg).toBe(
      'ready in 812 ms (embedded PostgreSQL): API http://localhost:3000/api · ' +
        'Docs http://localhost:3000/docs · Demo http://localhost:3000/demo · ' +
        'Health http://localhost:3000/health/ready · Metrics http://localhost:3000/metrics; ' +
        'demo accounts admin@demo.shop / demo-admin-pass-1 (admin), ' +
        'shopper@demo.shop / demo-shopper-pass-1 (customer)',
    );
  });

  it('as text: a block, a URL a line, then the demo accounts in columns', () => {
    expect(startBanner(input(), 'pretty')).toEqual({
      msg: [
        'ready in 812 ms (embedded PostgreSQL)',
        '  API      http://localhost:3000/api',
        '  Docs     http://localhost:3000/docs',
        '  Demo     http://localhost:3000/demo',
        '  Health   http://localhost:3000/health/ready',
        '  Metrics  http://localhost:3000/metrics',
        '  Demo accounts (email, password, role):',
        '    admin@demo.shop    demo-admin-pass-1    admin',
        '    shopper@demo.shop  demo-shopper-pass-1  customer',
      ].join('\n'),
    });
  });

  it('leaves out docs, demo and accounts when they are not served', () => {
    const off = input({
      url: 'http://[::1]:8080',
      embedded: false,
      servesDocs: false,
      servesDemo: false,
      demoAccounts: [],
    });
    const json = startBanner(off, 'json');
    expect(json).toEqual({
      msg:
        'ready in 812 ms: API http://localhost:8080/api · Health http://localhost:8080/health/ready' +
        ' · Metrics http://localhost:8080/metrics',
      urls: {
        api: 'http://localhost:8080/api',
        health: 'http://localhost:8080/health/ready',
        metrics: 'http://localhost:8080/metrics',
      },
    });
    expect(startBanner(off, 'pretty').msg.split('\n')).toHaveLength(4);
  });

  it('keeps a host name it was given', () => {
    const banner = startBanner(input({ url: 'http://shop.internal:3000' }), 'json');
    expect(banner.urls?.api).toBe('http://shop.internal:3000/api');
  });
});
