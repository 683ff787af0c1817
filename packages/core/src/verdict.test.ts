import { describe, expect, it } from 'vitest';
import { verdict, verdictFact } from './verdict.js';

const T = verdict.of(true, 'yes');
const F = verdict.of(false, 'no');
const U = verdict.unknown('denied');

describe('verdicts under incomplete information', () => {
  it('any is true if one part is true, even beside an unknown', () => expect(verdict.any(U, T).value).toBe(true));
  it('any is unknown if no part is true and one is unknown', () => expect(verdict.any(F, U)).toMatchObject({ value: undefined, unknown: ['denied'] }));
  it('all is false if one part is false, even beside an unknown', () => expect(verdict.all(U, F)).toEqual({ value: false, evidence: ['no'] }));
  it('all is true only when every part is', () => expect(verdict.all(T, verdict.of(true, 'also'))).toEqual({ value: true, evidence: ['yes', 'also'] }));
  it('not keeps the evidence and leaves unknown unknown', () => {
    expect(verdict.not(T)).toEqual({ value: false, evidence: ['yes'] });
    expect(verdict.not(U).value).toBeUndefined();
  });
  it('turns an unknown verdict into an unknown fact with its reason', () => expect(verdictFact(U)).toEqual({ unknown: 'denied', evidence: [] }));
});
