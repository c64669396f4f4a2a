import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError } from '../catalog/catalog-expect.js';
import { JPEG, PNG } from '../media/image-fixtures.js';
import {
  eventually,
  keyOf,
  pixelsOf,
  storedFiles,
  tempMediaDir,
  upload,
} from '../media/media-support.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'SW1A 1AA',
  country: 'GB',
};

describe('profile', () => {
  let t: TestApp;
  const dir = tempMediaDir();

  beforeAll(async () => {
    t = await createTestApp({ MEDIA_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const getProfile = (user: TestUser) =>
    t.http.get('/api/me/profile').set('Authorization', user.auth);
  const patchProfile = (user: TestUser, body: unknown) =>
    t.http
      .patch('/api/me/profile')
      .set('Authorization', user.auth)
      .send(body as object);

  it('reads as an empty profile with opt-in preferences before anything is saved', async () => {
    const user = await t.createUser({ name: 'Ada King' });
    const res = await getProfile(user).expect(200);
    expect(res.body).toEqual({
      userId: user.id,
      email: user.email,
      name: 'Ada King',
      phone: null,
      dateOfBirth: null,
      gender: null,
      bio: null,
      occupation: null,
      company: null,
      website: null,
      alternatePhone: null,
      secondaryEmail: null,
      emergencyContact: null,
      preferences: { emailNotifications: true, smsNotifications: false, newsletter: false },
      imageUrl: null,
      updatedAt: null,
    });
  });

  it('updates details and preferences from JSON, and null or "" clears a field', async () => {
    const user = await t.createUser();
    const res = await patchProfile(user, {
      dateOfBirth: '1990-12-10',
      gender: 'female',
      bio: '  Poet of science.  ',
      occupation: 'Mathematician',
      company: 'Analytical Engines Ltd',
      website: 'https://ada.example',
      alternatePhone: '+44 20 7946 0000',
      secondaryEmail: 'ada@alt.example',
      emergencyContact: { name: 'Charles Babbage', phone: '+44 20 7946 0001', relation: 'friend' },
      preferences: { smsNotifications: true, newsletter: true },
    }).expect(200);
    expect(res.body).toMatchObject({
      dateOfBirth: '1990-12-10',
      gender: 'female',
      bio: 'Poet of science.',
      website: 'https://ada.example',
      emergencyContact: { name: 'Charles Babbage', phone: '+44 20 7946 0001', relation: 'friend' },
      preferences: { emailNotifications: true, smsNotifications: true, newsletter: true },
      updatedAt: expect.any(String),
    });
    const cleared = await patchProfile(user, {
      bio: null,
      website: '',
      emergencyContact: null,
      preferences: { emailNotifications: false },
    }).expect(200);
    expect(cleared.body).toMatchObject({
      bio: null,
      website: null,
      emergencyContact: null,
      occupation: 'Mathematician',
      preferences: { emailNotifications: false, smsNotifications: true, newsletter: true },
    });
    expect((await getProfile(user).expect(200)).body).toEqual(cleared.body);
  });

  it.each([
    ['a future date of birth', { dateOfBirth: '2999-01-01' }, 'dateOfBirth'],
    ['an impossible date', { dateOfBirth: '2001-02-30' }, 'dateOfBirth'],
    ['a date before 1900', { dateOfBirth: '1899-12-31' }, 'dateOfBirth'],
    ['an unknown gender', { gender: 'robot' }, 'gender'],
    ['a javascript: website', { website: 'javascript:alert(1)' }, 'website'],
    ['a bad phone', { alternatePhone: 'call me' }, 'alternatePhone'],
    ['a bad email', { secondaryEmail: 'nope' }, 'secondaryEmail'],
    ['a bio over 1000 characters', { bio: 'x'.repeat(1001) }, 'bio'],
    [
      'an emergency contact without phone',
      { emergencyContact: { name: 'X' } },
      'emergencyContact.phone',
    ],
    ['a non-boolean preference', { preferences: { newsletter: 'yes' } }, 'preferences.newsletter'],
    ['an unknown field', { isVerified: true }, 'isVerified'],
    ['the account name (updateMe owns it)', { name: 'X' }, 'name'],
  ])('rejects %s with 400', async (_name, body, field) => {
    const user = await t.createUser();
    const res = await patchProfile(user, body);
    const error = expectError(res, 400, 'VALIDATION_FAILED');
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('needs authentication', async () => {
    expectError(await t.http.get('/api/me/profile'), 401, 'UNAUTHORIZED');
    expectError(await t.http.patch('/api/me/profile').send({ bio: 'x' }), 401, 'UNAUTHORIZED');
    expectError(await t.http.get('/api/me/profile/completeness'), 401, 'UNAUTHORIZED');
  });

  it('summarises completeness: nothing is pre-filled, everything filled is 100%', async () => {
    const user = await t.createUser();
    const empty = await t.http
      .get('/api/me/profile/completeness')
      .set('Authorization', user.auth)
      .expect(200);
    expect(empty.body).toEqual({
      percentage: 12,
      completedFields: 1,
      totalFields: 8,
      missingFields: [
        'phone',
        'dateOfBirth',
        'bio',
        'occupation',
        'profileImage',
        'defaultShippingAddress',
        'defaultBillingAddress',
      ],
      isComplete: false,
    });
    await t.http
      .patch('/api/me')
      .set('Authorization', user.auth)
      .send({ phone: '+1 555 0100' })
      .expect(200);
    await patchProfile(user, { dateOfBirth: '1985-05-05', bio: 'Hi', occupation: 'Chef' }).expect(
      200,
    );
    await t.http
      .post('/api/me/addresses')
      .set('Authorization', user.auth)
      .send(ADDRESS)
      .expect(201);
    await upload(t, 'put', '/api/me/profile/image', user.auth, PNG).expect(200);
    const full = await t.http
      .get('/api/me/profile/completeness')
      .set('Authorization', user.auth)
      .expect(200);
    expect(full.body).toEqual({
      percentage: 100,
      completedFields: 8,
      totalFields: 8,
      missingFields: [],
      isComplete: true,
    });
  });

  it('sets a profile image, serves it, and deletes the old file when it is replaced', async () => {
    const user = await t.createUser();
    const first = await upload(t, 'put', '/api/me/profile/image', user.auth, PNG).expect(200);
    const firstUrl = first.body.imageUrl as string;
    expect(firstUrl).toMatch(/^\/media\/[0-9a-f]{32}\.png$/);
    // Stored re-encoded (metadata stripped): the same pixels, not the same bytes.
    expect(await pixelsOf(readFileSync(join(dir, keyOf(firstUrl))))).toEqual(await pixelsOf(PNG));
    const served = await t.http.get(firstUrl).expect(200);
    expect(served.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
    });

    const second = await upload(t, 'put', '/api/me/profile/image', user.auth, JPEG, {
      filename: 'me.jpg',
      contentType: 'image/jpeg',
    }).expect(200);
    const secondUrl = second.body.imageUrl as string;
    expect(secondUrl).toMatch(/\.jpg$/);
    await eventually(() => !existsSync(join(dir, keyOf(firstUrl))));
    expect(existsSync(join(dir, keyOf(secondUrl)))).toBe(true);
    expect((await getProfile(user).expect(200)).body.imageUrl).toBe(secondUrl);

    await t.http.delete('/api/me/profile/image').set('Authorization', user.auth).expect(204);
    await eventually(() => !existsSync(join(dir, keyOf(secondUrl))));
    expect((await getProfile(user).expect(200)).body.imageUrl).toBeNull();
    // Removing when there is none is fine.
    await t.http.delete('/api/me/profile/image').set('Authorization', user.auth).expect(204);
  });

  it('refuses a profile image that is really text and keeps the current one', async () => {
    const user = await t.createUser();
    const current = (await upload(t, 'put', '/api/me/profile/image', user.auth, PNG).expect(200))
      .body.imageUrl as string;
    const before = storedFiles(dir);
    const res = await upload(
      t,
      'put',
      '/api/me/profile/image',
      user.auth,
      Buffer.from('not an image'),
      {
        filename: 'avatar.png',
      },
    );
    expectError(res, 415, 'UNSUPPORTED_IMAGE_TYPE');
    expect(storedFiles(dir)).toEqual(before);
    expect((await getProfile(user).expect(200)).body.imageUrl).toBe(current);
  });

  it("changes only the caller's own profile", async () => {
    const alice = await t.createUser();
    const bob = await t.createUser();
    await patchProfile(alice, { bio: 'Alice here' }).expect(200);
    await upload(t, 'put', '/api/me/profile/image', alice.auth, PNG).expect(200);
    expect((await getProfile(bob).expect(200)).body).toMatchObject({ bio: null, imageUrl: null });
    await t.http.delete('/api/me/profile/image').set('Authorization', bob.auth).expect(204);
    expect((await getProfile(alice).expect(200)).body.imageUrl).not.toBeNull();
  });
});
