import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { bearer, expectError, refreshInFlight } from './helpers.js';

/**
 * A refresh token presented twice. Two tabs refreshing at once, or a retry after a lost answer,
 * present a just-rotated token: within REFRESH_REUSE_GRACE (default 30 s) that gets another pair
 * of the same family. Later it is a replay (a stolen copy, or the thief's after the owner's) and
 * revokes the whole family. REFRESH_REUSE_GRACE=0 is strict: every reuse revokes.
 */

interface Session {
  accessToken: string;
  refreshToken: string;
}

/** Refresh, logout and "rotated long ago" against one app. */
function clientOf(t: TestApp) {
  const refresh = (refreshToken: string) => t.http.post('/api/auth/refresh').send({ refreshToken });
  return {
    refresh,
    rotate: async (refreshToken: string): Promise<Session> =>
      (await refresh(refreshToken).expect(200)).body as Session,
    expectRefused: async (refreshToken: string): Promise<void> => {
      expectError(await refresh(refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    },
    logout: (refreshToken: string) =>
      t.http.post('/api/auth/logout').send({ refreshToken }).expect(204),
    /** Moves the token's rotation `seconds` into the past. */
    rotatedAgo: (refreshToken: string, seconds: number) =>
      t.dataSource.query(
        `UPDATE refresh_tokens SET used_at = now() - make_interval(secs => $2) WHERE id = $1`,
        [refreshToken.split('.')[0], seconds],
      ),
  };
}

describe('refresh token reuse within the default grace (30 s)', () => {
  let t: TestApp;
  let client: ReturnType<typeof clientOf>;
  beforeAll(async () => {
    t = await createTestApp();
    client = clientOf(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a new working pair to a just-rotated token, and the first pair keeps working', async () => {
    const { rotate } = client;
    const user = await t.createUser();
    const first = await rotate(user.refreshToken);
    const again = await rotate(user.refreshToken);
    expect(again.refreshToken).not.toBe(first.refreshToken);
    const me = await t.http.get('/api/me').set('Authorization', bearer(again.accessToken));
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
    await rotate(first.refreshToken);
    await rotate(again.refreshToken);
  });

  it('issues that pair in the same family: logging out with one ends the other', async () => {
    const { rotate, logout, expectRefused } = client;
    const user = await t.createUser();
    const first = await rotate(user.refreshToken);
    const again = await rotate(user.refreshToken);
    await logout(again.refreshToken);
    await expectRefused(first.refreshToken);
    await expectRefused(user.refreshToken);
  });

  it('answers 200 to both of two refreshes with one token at the same instant; both new tokens work', async () => {
    const { refresh, rotate } = client;
    const user = await t.createUser();
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const [a, b] = results.map((r) => r.body as Session);
    expect(a?.refreshToken).not.toBe(b?.refreshToken);
    await rotate(a?.refreshToken ?? '');
    await rotate(b?.refreshToken ?? '');
  });

  it('revokes the whole family when a token is reused after the grace', async () => {
    const { rotate, rotatedAgo, expectRefused } = client;
    const user = await t.createUser();
    const second = await rotate(user.refreshToken);
    const third = await rotate(second.refreshToken);
    await rotatedAgo(user.refreshToken, 31);
    await expectRefused(user.refreshToken);
    await expectRefused(third.refreshToken);
    // Spent a moment ago, but its family is revoked: the grace does not bring it back.
    await expectRefused(second.refreshToken);
  });

  it('leaves the other sessions of the user alone when one family is revoked for reuse', async () => {
    const { rotate, rotatedAgo, expectRefused } = client;
    const user = await t.createUser();
    const other = (
      await t.http
        .post('/api/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(200)
    ).body as Session;
    await rotate(user.refreshToken);
    await rotatedAgo(user.refreshToken, 31);
    await expectRefused(user.refreshToken);
    await rotate(other.refreshToken);
  });

  it('never honours a logged-out token, however recently rotated', async () => {
    const { rotate, logout, expectRefused } = client;
    const user = await t.createUser();
    const next = await rotate(user.refreshToken);
    await logout(next.refreshToken);
    await expectRefused(user.refreshToken);
    await expectRefused(next.refreshToken);

    const other = await t.createUser();
    await rotate(other.refreshToken);
    await logout(other.refreshToken);
    await expectRefused(other.refreshToken);
  });

  it('revokes on logout the pair a reuse in flight at that moment is issuing', async () => {
    const { rotate, logout, expectRefused } = client;
    const user = await t.createUser();
    const next = await rotate(user.refreshToken);
    // The second tab presents the spent token again just as the first tab logs out.
    const secondTab = await refreshInFlight(t.dataSource, user.refreshToken);
    const loggedOut = logout(next.refreshToken).then(() => undefined);
    await secondTab.settle();
    await loggedOut;
    await expectRefused(secondTab.issued);
  });
});

describe('refresh token reuse with REFRESH_REUSE_GRACE=0 (strict)', () => {
  let t: TestApp;
  let client: ReturnType<typeof clientOf>;
  beforeAll(async () => {
    t = await createTestApp({ REFRESH_REUSE_GRACE: '0' });
    client = clientOf(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('revokes the whole family when a spent refresh token is reused at once', async () => {
    const { rotate, expectRefused } = client;
    const user = await t.createUser();
    const second = await rotate(user.refreshToken);
    const third = await rotate(second.refreshToken);
    await expectRefused(user.refreshToken);
    await expectRefused(third.refreshToken);
    await expectRefused(second.refreshToken);
  });

  it('lets only one of two concurrent refreshes with the same token through, and treats the other as reuse', async () => {
    const { refresh, expectRefused } = client;
    const user = await t.createUser();
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)?.body as Session;
    await expectRefused(winner.refreshToken);
  });
});

describe('refresh token reuse with REFRESH_REUSE_GRACE=2', () => {
  let t: TestApp;
  let client: ReturnType<typeof clientOf>;
  beforeAll(async () => {
    t = await createTestApp({ REFRESH_REUSE_GRACE: '2' });
    client = clientOf(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the grace from the first rotation: a reuse inside it does not extend it', async () => {
    const { rotate, expectRefused } = client;
    const user = await t.createUser();
    const first = await rotate(user.refreshToken);
    const rotatedAt = Date.now();
    await sleep(Math.max(0, rotatedAt + 1000 - Date.now()));
    const again = await rotate(user.refreshToken);
    // 2.3 s after the rotation: outside its grace, though within 2 s of the reuse above.
    await sleep(Math.max(0, rotatedAt + 2300 - Date.now()));
    await expectRefused(user.refreshToken);
    await expectRefused(first.refreshToken);
    await expectRefused(again.refreshToken);
  });
});
