import { describe, expect, it } from 'vitest';
import type { Fact } from '@leakproof/core';
import { normalizeSqlInstance, type SqlInstance } from './sql.js';

const tls = (ipConfiguration: NonNullable<SqlInstance['settings']>['ipConfiguration'], unknown: Partial<Record<'ipConfiguration' | 'sslMode', string>> = {}): Fact | undefined =>
  normalizeSqlInstance({ name: 'patients', databaseVersion: 'POSTGRES_16', settings: { ipConfiguration } }, 'clinic', unknown).facts.tlsRequired;

describe('Cloud SQL TLS enforcement', () => {
  it.each([
    ['ENCRYPTED_ONLY enforces TLS', { sslMode: 'ENCRYPTED_ONLY' }, true],
    ['TRUSTED_CLIENT_CERTIFICATE_REQUIRED enforces TLS', { sslMode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' }, true],
    ['ALLOW_UNENCRYPTED_AND_ENCRYPTED admits plaintext', { sslMode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED' }, false],
    ['sslMode supersedes requireSsl', { sslMode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED', requireSsl: true }, false],
    ['requireSsl alone still decides it', { requireSsl: true }, true],
    ['neither set admits plaintext', {}, false],
  ])('%s', (_name, ip, expected) => {
    expect(tls(ip)).toMatchObject({ value: expected });
  });

  it('is unknown when a plan knows sslMode only after apply, unless requireSsl=true decides it', () => {
    expect(tls({}, { sslMode: 'google_sql_database_instance.x.settings.ip_configuration.ssl_mode is known only after apply' })).toEqual({ unknown: 'google_sql_database_instance.x.settings.ip_configuration.ssl_mode is known only after apply' });
    expect(tls({ requireSsl: true }, { sslMode: 'known only after apply' })).toMatchObject({ value: true });
  });

  it('is unknown when the whole ip_configuration is known only after apply', () => {
    expect(tls({}, { ipConfiguration: 'known only after apply' })).toEqual({ unknown: 'known only after apply' });
  });
});
