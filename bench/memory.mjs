// Resident memory of the language server (VmRSS of the process, worker threads included) with
// OPEN_DOCUMENTS corpus recipes open and linted.
import { pathToFileURL } from 'node:url';
import { LspClient } from './lib/lspClient.mjs';
import { sleep } from './lib/stats.mjs';

export const OPEN_DOCUMENTS = 50;

export async function measureMemory({ serverPath, recipes, corpusDir }) {
  const client = await LspClient.start(serverPath, { rootUri: pathToFileURL(corpusDir).href });
  try {
    await sleep(300);
    const baseline = client.rssMb();
    // Spread over the corpus: both formats, a mix of sizes.
    const step = Math.max(1, Math.floor(recipes.length / OPEN_DOCUMENTS));
    const chosen = recipes.filter((_, i) => i % step === 0).slice(0, OPEN_DOCUMENTS);
    for (const recipe of chosen) {
      const uri = pathToFileURL(recipe.path).href;
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: recipe.format, version: 1, text: recipe.text } });
    }
    await Promise.all(chosen.map((recipe) => client.waitForPublish(pathToFileURL(recipe.path).href, 1)));
    await sleep(500);
    return { baseline, rss: client.rssMb(), opened: chosen.length };
  } finally {
    await client.stop();
  }
}
