import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('limitHeapGrowth', () => {
  it('sets a flag this Node’s V8 knows: an unknown one would print an error line on every audit', () => {
    // In a process of its own: the setting is process-wide. V8 reports an unknown flag on stderr.
    const script = `import { limitHeapGrowth } from '@leakproof/core'; limitHeapGrowth(); console.log('set');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('../..', import.meta.url) });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('set');
  });
});
