// Keystroke latency over real LSP (dist/server.js over stdio), measured from the didChange to the
// publishDiagnostics of that version, so it includes any debounce, queueing and the transport:
//   paced: type one character, wait for its diagnostics, repeat (p95 of the samples);
//   burst: a character every TYPING_MS with a code-action request after each, as VS Code's light bulb
//          sends them (outdated ones cancelled); time from the last keystroke to its diagnostics.
import { pathToFileURL } from 'node:url';
import { LspClient } from './lib/lspClient.mjs';
import { quantile, sleep } from './lib/stats.mjs';

export const TYPING_MS = 100;

const TYPED = {
  dockerfile: 'RUN ./configure --prefix=/opt/app CFLAGS=-O2 && make -j8 install',
  apptainer: '    ./configure --prefix=/opt/app CFLAGS=-O2 && make -j8 install',
};

class Editor {
  constructor(client, uri, text) {
    this.client = client;
    this.uri = uri;
    this.lines = text.split('\n');
    this.version = 1;
    this.sentAt = new Map();
  }

  /** Inserts `insert` at (line, character) as an incremental change; returns the new version. */
  type(line, character, insert) {
    const before = this.lines[line];
    if (insert === '\n') {
      this.lines.splice(line, 1, before.slice(0, character), before.slice(character));
    } else {
      this.lines[line] = before.slice(0, character) + insert + before.slice(character);
    }
    this.version += 1;
    this.sentAt.set(this.version, performance.now());
    const position = { line, character };
    this.client.notify('textDocument/didChange', {
      textDocument: { uri: this.uri, version: this.version },
      contentChanges: [{ range: { start: position, end: position }, text: insert }],
    });
    return this.version;
  }

  latency(published) {
    return published.at - this.sentAt.get(published.version);
  }
}

/** The line before which a new statement can be typed: an instruction start (Dockerfile) or any `%post` line. */
function insertionLine(lines, format, from) {
  for (let line = from; line < lines.length; line++) {
    if (format === 'apptainer' ? /^\s{4}\S/.test(lines[line]) : /^(RUN|ENV)\s/.test(lines[line])) {
      return line;
    }
  }
  return from;
}

/** The server's HPCLINT_TIMING line for `version` of `uri`: its worker job's wall and thread CPU time. */
function jobTiming(logs, uri, version) {
  const line = logs.find((text) => text.startsWith(`hpclint timing: ${uri} v${version}:`));
  const match = line && /\(job ([\d.]+) ms, thread CPU ([\d.?]+) ms\)/.exec(line);
  return match ? { jobMs: Number(match[1]), threadCpuMs: match[2] === '?' ? NaN : Number(match[2]) } : undefined;
}

export async function measureKeystrokes({ serverPath, format, text, keystrokes, burstKeystrokes }) {
  const client = await LspClient.start(serverPath, { env: { HPCLINT_TIMING: '1' } });
  try {
    const uri = pathToFileURL(`/bench/keystroke/${format === 'dockerfile' ? 'Dockerfile' : 'app.def'}`).href;
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: format, version: 1, text } });
    await client.waitForPublish(uri, 1);
    const editor = new Editor(client, uri, text);
    const typed = TYPED[format];

    // Paced typing on a new line in the middle of the file.
    let line = insertionLine(editor.lines, format, Math.floor(editor.lines.length / 2));
    await client.waitForPublish(uri, editor.type(line, 0, '\n'));
    const paced = [];
    const pacedVersions = [];
    for (let i = 0; i < keystrokes; i++) {
      const version = editor.type(line, i, typed[i % typed.length]);
      paced.push(editor.latency(await client.waitForPublish(uri, version)));
      pacedVersions.push(version);
    }

    // A burst with code-action requests interleaved.
    line = insertionLine(editor.lines, format, line + 40);
    await client.waitForPublish(uri, editor.type(line, 0, '\n'));
    const actionTimes = [];
    let previous;
    for (let i = 0; i < burstKeystrokes; i++) {
      if (i > 0) {
        await sleep(TYPING_MS);
      }
      editor.type(line, i, typed[i % typed.length]);
      if (previous && !previous.answered) {
        client.cancel(previous.id);
      }
      const cursor = { line, character: i + 1 };
      const latest = client.published.get(uri)?.at(-1)?.diagnostics ?? [];
      const atCursor = latest.filter((d) => d.range.start.line <= line && line <= d.range.end.line);
      const sent = performance.now();
      const { id, response } = client.requestWithId('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: cursor, end: cursor },
        context: { diagnostics: atCursor, triggerKind: 2 },
      });
      const request = { id, answered: false };
      response.then((answer) => {
        request.answered = true;
        if (!answer.error) {
          actionTimes.push(answer.at - sent);
        }
      }, () => {});
      previous = request;
    }
    const last = await client.waitForPublish(uri, editor.version);
    const rss = client.rssMb();
    // Where the paced time went: the lint job on the worker, and everything else (both transports, queueing,
    // the worker round trip's copies, conversion, publish). The timing lines follow their publishes.
    const jobs = pacedVersions.map((version) => jobTiming(client.logs, uri, version));
    const timed = jobs.every((job) => job !== undefined);
    return {
      lines: text.split('\n').length - 1,
      pacedP50: quantile(paced, 0.5),
      pacedP95: quantile(paced, 0.95),
      pacedJobP50: timed ? quantile(jobs.map((job) => job.jobMs), 0.5) : NaN,
      pacedThreadCpuP50: timed ? quantile(jobs.map((job) => job.threadCpuMs), 0.5) : NaN,
      pacedOutsideJobP50: timed ? quantile(paced.map((ms, i) => ms - jobs[i].jobMs), 0.5) : NaN,
      burstFinal: editor.latency(last),
      codeActionP95: actionTimes.length ? quantile(actionTimes, 0.95) : NaN,
      codeActionsAnswered: actionTimes.length,
      rss,
    };
  } finally {
    await client.stop();
  }
}
