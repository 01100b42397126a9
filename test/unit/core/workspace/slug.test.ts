import * as assert from 'node:assert/strict';
import { DEFAULT_SLUG, MAX_NAME_BYTES, cleanShortName, isSafeSlug, slugify, truncateSlug } from '../../../../src/core/workspace/slug';

describe('workspace/slug', () => {
  describe('slugify: spec-kit fallback rules (examples from spec-kit tests)', () => {
    const cases: Array<[string, string]> = [
      ['Add user authentication', 'user-authentication'],
      ['Add user authentication system', 'user-authentication-system'],
      // 6 meaningful words → first 3
      ['I want to add the new API rate limiting feature for users', 'new-api-rate'],
      // exactly 4 meaningful words → all 4; UI and DB kept as upper-case acronyms
      ['Fix UI for DB sync', 'fix-ui-db-sync'],
      ['I want to add DB caching for the API layer', 'db-caching-api-layer'],
      // short lower-case word dropped, upper-case acronym kept (case-sensitive)
      ['Add go support', 'support'],
      ['Use GO now', 'use-go-now'],
      // nothing meaningful → first three words of the cleaned description
      ['a to the of', 'a-to-the'],
      // the seed's example: "15" upper-cases to itself and is a whole word, so it stays
      ['Add PostgreSQL 15 database server with daily encrypted backups', 'postgresql-15-database'],
    ];
    for (const [input, expected] of cases) {
      it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(slugify(input), expected));
    }

    it('keeps a 2-character number word only when it is spelled upper-case (digits are their own upper case)', () => {
      // "15" upper-cases to itself and appears as a whole word, so spec-kit keeps it.
      assert.equal(slugify('Use v2 of HTTP 15'), 'use-http-15');
    });

    it('drops a short word whose upper-case form appears only inside a longer word', () => {
      assert.equal(slugify('Fix the go GOPATH handling'), 'fix-gopath-handling');
    });

    it('honours maxWords', () => {
      assert.equal(slugify('Implement OAuth2 integration for the public API gateway', 2), 'implement-oauth2');
      assert.equal(slugify('Implement OAuth2 integration for the public API gateway', 5), 'implement-oauth2-integration-public-api');
    });
  });

  describe('slugify: hostile input', () => {
    it('neutralises path traversal and slashes', () => {
      const s = slugify('../../etc/passwd');
      assert.equal(s, 'etc-passwd');
      assert.ok(isSafeSlug(s));
      assert.equal(slugify('a/b\\c/../..'), 'a-b-c');
    });

    it('drops control characters, emoji and non-ASCII letters', () => {
      assert.equal(slugify('Add\u0000 caching\n\tlayer 🚀'), 'caching-layer');
      // Non-ASCII letters split words, as in spec-kit's `[^a-z0-9]` cleaning.
      assert.equal(slugify('Système de réservation'), 'syst-servation');
      assert.ok(isSafeSlug(slugify('日本語の機能 ✨')));
    });

    it('falls back to a safe default for empty or symbol-only input', () => {
      assert.equal(slugify(''), DEFAULT_SLUG);
      assert.equal(slugify('   '), DEFAULT_SLUG);
      assert.equal(slugify('🚀🚀🚀'), DEFAULT_SLUG);
      assert.equal(slugify('../..'), DEFAULT_SLUG);
      assert.equal(slugify('日本語'), DEFAULT_SLUG);
    });

    it('truncates to 244 bytes without a trailing dash', () => {
      const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
      const s = slugify(long, 100);
      assert.ok(s.length <= MAX_NAME_BYTES, `length ${s.length}`);
      assert.ok(Buffer.byteLength(s) <= MAX_NAME_BYTES);
      assert.ok(!s.endsWith('-'));
      assert.ok(isSafeSlug(s));
    });
  });

  describe('cleanShortName (spec-kit clean_branch_name)', () => {
    it('cleans a user-given short name', () => {
      assert.equal(cleanShortName('User_Auth!'), 'user-auth');
      assert.equal(cleanShortName('  OAuth2 -- API  '), 'oauth2-api');
      assert.equal(cleanShortName('---'), '');
    });
  });

  describe('truncateSlug', () => {
    it('cuts and strips trailing dashes', () => {
      assert.equal(truncateSlug('abc-def', 4), 'abc');
      assert.equal(truncateSlug('abc-def', 10), 'abc-def');
    });
  });

  describe('isSafeSlug', () => {
    it('accepts kebab-case ASCII', () => {
      assert.ok(isSafeSlug('user-auth'));
      assert.ok(isSafeSlug('oauth2'));
    });
    it('rejects anything else', () => {
      for (const bad of ['', '-a', 'a-', 'a--b', 'A', 'a b', '../x', 'a/b', '.', 'é', 'a\u0000', 'x'.repeat(245)]) {
        assert.equal(isSafeSlug(bad), false, JSON.stringify(bad));
      }
    });
  });
});
