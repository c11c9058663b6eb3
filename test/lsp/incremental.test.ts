// The server lints an edited document with the memo of its previous lint (engine/memo.ts) and publishes exactly what a
// fresh document of the same text gets.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestClient, fileUri } from './client';

const RECIPE = `FROM ubuntu:18.04 AS build
RUN apt-get update && apt-get install -y gcc openmpi-bin
RUN curl -k https://example.org/install.sh | sh
RUN gcc -O3 -march=native -o /opt/app app.c
ENV OMPI_MCA_btl=tcp,self
FROM ubuntu:22.04
COPY --from=build /opt/app /opt/app
RUN chmod 777 /opt && pip install numpy
`;

/** Each edit of a typing session, applied to the text before it. */
const EDITS: ((text: string) => string)[] = [
  (text) => text.replace('-march=native', '-march=native -fopenmp'),
  (text) => text.replace('curl -k', 'curl -fsSL'),
  (text) => text.replace('FROM ubuntu:22.04', 'FROM ubuntu:24.04'),
  (text) => text.replace('RUN chmod 777 /opt', '\nRUN wget --no-check-certificate https://example.org/a.tgz\nRUN chmod 777 /opt'),
  (text) => text.replace('pip install numpy', 'pip install numpy==2.0'),
  (text) => text.replace('FROM ubuntu:18.04 AS build', 'FROM centos:7 AS build'),
];

describe('incremental linting over LSP', () => {
  let client: TestClient;
  let workspace: string;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'hpclint-incremental-'));
    mkdirSync(join(workspace, '.git'));
    client = await TestClient.start({ workspaceFolder: workspace });
  });

  after(async () => {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  test('each version of an edited document gets the diagnostics of a fresh document of its text', async () => {
    const edited = fileUri(join(workspace, 'edited', 'Dockerfile'));
    let text = RECIPE;
    await client.open(edited, 'dockerfile', text);
    for (const [index, edit] of EDITS.entries()) {
      text = edit(text);
      const published = await client.change(edited, text);
      const fresh = fileUri(join(workspace, `fresh${index}`, 'Dockerfile'));
      const expected = await client.open(fresh, 'dockerfile', text);
      await client.close(fresh);
      assert.ok(expected.diagnostics.length > 3, `${expected.diagnostics.length} diagnostics`);
      assert.deepEqual(published.diagnostics, expected.diagnostics, `after edit ${index + 1}`);
    }
  });
});
