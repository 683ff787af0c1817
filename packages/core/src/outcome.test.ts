import { describe, expect, it } from 'vitest';
import { readPages, type CallOutcome } from './outcome.js';

type Page = { items: string[]; next?: string | null };

describe('readPages', () => {
  it('asks for each page with the token of the one before, and keeps every page in order', async () => {
    const asked: Array<string | undefined> = [];
    const book: Record<string, Page> = { start: { items: ['a', 'b'], next: 't1' }, t1: { items: ['c'], next: 't2' }, t2: { items: [], next: null } };
    const pages = await readPages(
      (token): Promise<CallOutcome<Page>> => {
        asked.push(token);
        return Promise.resolve({ status: 'ok', value: book[token ?? 'start']! });
      },
      (page) => page.next,
      (page) => page.items,
    );
    expect(asked).toEqual([undefined, 't1', 't2']);
    expect(pages).toEqual({ status: 'ok', value: [['a', 'b'], ['c'], []] });
  });

  it('ends at the first page that failed, returning its outcome rather than a partial list', async () => {
    const failure = { status: 'failed', failure: { call: 'list', permission: 'p', code: 'Throttling', category: 'throttled', message: 'slow down' } } as const;
    let calls = 0;
    const pages = await readPages(
      (token): Promise<CallOutcome<Page>> => {
        calls++;
        return Promise.resolve(token === undefined ? { status: 'ok', value: { items: ['a'], next: 't1' } } : failure);
      },
      (page) => page.next,
      (page) => page.items,
    );
    expect(pages).toEqual(failure);
    expect(calls).toBe(2);
  });

  it('takes an empty token as the last page', async () => {
    let calls = 0;
    const pages = await readPages(
      (): Promise<CallOutcome<Page>> => {
        calls++;
        return Promise.resolve({ status: 'ok', value: { items: ['a'], next: '' } });
      },
      (page) => page.next,
      (page) => page.items.length,
    );
    expect(pages).toEqual({ status: 'ok', value: [1] });
    expect(calls).toBe(1);
  });
});
