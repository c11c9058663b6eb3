// Long runs stay flat: the language server opens, edits and closes recipes for many cycles, and its memory
// returns to the baseline measured after a warm-up. `npm test` runs a few hundred cycles; `npm run soak`
// (HPCLINT_SOAK_CYCLES, default 3000) the long version.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileUri, RawClient, ROOT } from '../lsp/rawClient';

const CYCLES = Number(process.env.HPCLINT_SOAK_CYCLES ?? 400);
const WARM_UP = 100;

interface MemoryUsage {
  rss: number;
  heapUsed: number;
}

/** Example recipes of both formats, the documents each cycle opens. */
function recipes(): Array<{ name: string; languageId: string; text: string }> {
  const found: Array<{ name: string; languageId: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (/^(Dockerfile|Containerfile|Singularity|Apptainer)|\.def$/.test(entry.name)) {
        found.push({ name: path.slice(ROOT.length + 1), languageId: /Dockerfile|Containerfile/.test(entry.name) ? 'dockerfile' : 'apptainer', text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(join(ROOT, 'examples'));
  return found;
}

async function measure(client: RawClient, file: string): Promise<MemoryUsage> {
  rmSync(file, { force: true });
  client.child.kill('SIGUSR2');
  for (let waited = 0; !existsSync(file); waited += 20) {
    assert.ok(waited < 10_000, 'the memory probe did not answer');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  return JSON.parse(readFileSync(file, 'utf8')) as MemoryUsage;
}

test(`open, edit and close recipes ${CYCLES} times: memory returns to its baseline`, { timeout: 30 * 60_000 }, async (t) => {
  if (process.platform === 'win32') {
    t.skip('needs SIGUSR2');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-soak-'));
  const memoryFile = join(dir, 'memory.json');
  const client = RawClient.start({
    nodeArgs: ['--expose-gc', '--require', join(__dirname, 'memory-probe.cjs')],
    env: { HPCLINT_SOAK_MEMORY: memoryFile },
  });
  try {
    await client.initialize(ROOT);
    const documents = recipes();
    assert.ok(documents.length >= 4);
    let baseline: MemoryUsage | undefined;
    for (let cycle = 0; cycle < CYCLES + WARM_UP; cycle++) {
      if (cycle === WARM_UP) {
        baseline = await measure(client, memoryFile);
      }
      const recipe = documents[cycle % documents.length];
      const uri = fileUri(join(ROOT, 'test', 'soak', `${cycle}`, recipe.name));
      client.open(uri, recipe.languageId, recipe.text);
      for (let version = 2; version <= 4; version++) {
        client.notify('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: `# edit ${version}\n` }],
        });
      }
      await client.waitFor(
        (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; version?: number }).uri === uri && (m.params as { version?: number }).version === 4,
        30_000,
        `diagnostics of cycle ${cycle}`,
      );
      if (cycle % 3 === 0) {
        await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 5 } });
      }
      client.notify('textDocument/didClose', { textDocument: { uri } });
      // Keep only what the test still needs: the client's own log must not grow with the soak.
      client.received.length = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const end = await measure(client, memoryFile);
    const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    t.diagnostic(`main-thread heap ${mb(baseline!.heapUsed)} → ${mb(end.heapUsed)}, process RSS ${mb(baseline!.rss)} → ${mb(end.rss)} after ${CYCLES} cycles`);
    assert.ok(end.heapUsed - baseline!.heapUsed < 4 * 1024 * 1024, `heap grew from ${mb(baseline!.heapUsed)} to ${mb(end.heapUsed)}`);
    assert.ok(end.rss - baseline!.rss < 64 * 1024 * 1024, `RSS grew from ${mb(baseline!.rss)} to ${mb(end.rss)}`);
    assert.ok(client.alive);
  } finally {
    await client.exit();
    rmSync(dir, { recursive: true, force: true });
  }
});
