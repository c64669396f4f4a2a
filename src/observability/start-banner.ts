import type { AppConfig } from '@/config/app-config.js';

export interface DemoAccount {
  readonly email: string;
  readonly password: string;
  readonly role: string;
}

export interface StartBannerInput {
  /** Where the server listens, as `app.getUrl()` gives it. */
  readonly url: string;
  readonly readyInMs: number;
  /** On the embedded PostgreSQL (said in the banner: the data lives in EMBEDDED_PG_DIR). */
  readonly embedded: boolean;
  /** Whether /docs and /demo are served (DOCS_ENABLED, DEMO_ENABLED, public/demo/ present). */
  readonly servesDocs: boolean;
  readonly servesDemo: boolean;
  /** The demo shop's sign-ins, when this start serves the demo shop; none otherwise. */
  readonly demoAccounts: readonly DemoAccount[];
}

/** What to open, by name; docs and demo only when they are served. */
export interface StartUrls {
  api: string;
  docs?: string;
  demo?: string;
  health: string;
  metrics: string;
}

const LABELS: Record<keyof StartUrls, string> = {
  api: 'API',
  docs: 'Docs',
  demo: 'Demo',
  health: 'Health',
  metrics: 'Metrics',
};

/** The listening address as a browser link: `127.0.0.1`, `[::1]` and `0.0.0.0` read as localhost. */
function browserUrl(url: string): string {
  return url.replace(/\/\/(127\.0\.0\.1|\[::1\]|0\.0\.0\.0|\[::\])(?=[:/]|$)/, '//localhost');
}

export function startUrls(input: StartBannerInput): StartUrls {
  const base = browserUrl(input.url);
  return {
    api: `${base}/api`,
    ...(input.servesDocs ? { docs: `${base}/docs` } : {}),
    ...(input.servesDemo ? { demo: `${base}/demo` } : {}),
    health: `${base}/health/ready`,
    metrics: `${base}/metrics`,
  };
}

/**
 * The one record logged once the server is ready. As JSON: a one-line `msg` plus `urls` and
 * `demoAccounts` fields a tool can read. As text: a block, a URL a line, then the demo accounts.
 */
export function startBanner(
  input: StartBannerInput,
  format: AppConfig['logFormat'],
): { msg: string; urls?: StartUrls; demoAccounts?: DemoAccount[] } {
  const urls = startUrls(input);
  const title = `ready in ${Math.round(input.readyInMs)} ms${input.embedded ? ' (embedded PostgreSQL)' : ''}`;
  const entries = Object.entries(urls) as Array<[keyof StartUrls, string]>;
  const accounts = input.demoAccounts.map((a) => ({
    email: a.email,
    password: a.password,
    role: a.role,
  }));
  if (format === 'json') {
    const links = entries.map(([name, url]) => `${LABELS[name]} ${url}`).join(' · ');
    const logins = accounts.map((a) => `${a.email} / ${a.password} (${a.role})`).join(', ');
    return {
      msg: `${title}: ${links}${logins ? `; demo accounts ${logins}` : ''}`,
      urls,
      ...(accounts.length > 0 ? { demoAccounts: accounts } : {}),
    };
  }
  const lines = [title, ...entries.map(([name, url]) => `  ${LABELS[name].padEnd(8)} ${url}`)];
  if (accounts.length > 0) {
    const email = Math.max(...accounts.map((a) => a.email.length));
    const password = Math.max(...accounts.map((a) => a.password.length));
    lines.push(
      '  Demo accounts (email, password, role):',
      ...accounts.map(
        (a) => `    ${a.email.padEnd(email)}  ${a.password.padEnd(password)}  ${a.role}`,
      ),
    );
  }
  return { msg: lines.join('\n') };
}
