// The built-in rule packs live at the repository root (policies/) so they read as data, not code.
// The published @leakproof/core must carry them, so the build copies them into the package.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../../../policies/', import.meta.url));
const to = fileURLToPath(new URL('../policies/', import.meta.url));
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
