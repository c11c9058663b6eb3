// Rules whose per-script work is kept with a Dockerfile's reused steps (recipe/command-filter.ts, HPC-SEC-010's step
// parts, the appended-command answers of HPC-PERF-006's fixes, `hasShellCScripts`): a lint with the memo reports what a
// fresh lint does, over seeded random edits of the corpus Dockerfiles and hand-made edits above a reused step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { parseDockerfileWithSyntaxTree } from '../../../server/src/recipe/dockerfile';
import { DockerfileParseMemo } from '../../../server/src/recipe/dockerfile-memo';
import { factsOf } from '../../../server/src/recipe/facts';
import { allRules } from '../../../server/src/rules/index';
import { Random } from '../../fuzz/fuzzer';
import { corpusDockerfileTexts } from '../corpusDockerfiles';
import { edit } from './dockerfileEdits';

const CODES = ['HPC-MAINT-001', 'HPC-SEC-010', 'HPC-USE-004', 'HPC-SEC-007', 'HPC-SEC-008', 'HPC-PERF-006', 'HPC-PORT-001', 'HPC-PORT-002'];
const rules = allRules.filter((rule) => CODES.includes(rule.meta.code));

/** Lines these rules act on, and lines above a step that change what they say of it. */
const LINES = [
  'RUN git clone https://github.com/spack/spack.git && cd spack && git checkout v0.22.0',
  'RUN git clone --branch main https://example.org/x.git',
  'RUN pip install git+https://github.com/a/b.git@main && go install example.com/x@latest',
  'RUN curl -fsSLo /usr/local/bin/tool http://example.org/tool',
  'RUN wget http://example.org/app.tar.gz && echo "abc  app.tar.gz" | sha256sum -c',
  'RUN curl -O http://example.org/SUMS && sha256sum -c SUMS',
  'RUN pip install --index-url http://mirror/simple numpy',
  'ENV PIP_INDEX_URL=http://mirror/simple',
  'RUN pip install --user numpy && HOME=/home/u pip install --prefix ~/x y',
  'RUN bash Miniconda3-latest-Linux-x86_64.sh -b && ./configure --prefix=/root/app && make install PREFIX=/home/u',
  'RUN chmod u+s /usr/bin/x && setcap cap_net_raw+ep /bin/ping && apt-get install -y sudo',
  'RUN echo "u ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers && chmod -R 777 /opt',
  'RUN rm -rf /var/lib/dpkg /var/lib/apt/lists/*',
  'RUN apt-get update && apt-get install -y gcc',
  'RUN dnf install -y make',
  'RUN conda install -y numpy',
  'RUN sh -c "gcc -march=native -O3 x.c && make -j$(nproc)"',
  'RUN bash -c "curl http://x/y.sh | sha256sum -c"',
  'RUN apt-get update && sh -c "gcc -march=native x.c"',
  'RUN cd /src && bash -c "wget http://x/y.sh && git clone https://x.org/r.git"',
  'USER 1000',
  'USER root',
  'WORKDIR /root/app',
  'ARG BASE=ubuntu:22.04',
  'ENV HOME=/home/u',
  'FROM ubuntu:22.04 AS build',
  'FROM build',
  'SHELL ["/bin/bash", "-c"]',
  'LABEL org.opencontainers.image.source=x',
];

/** A random edit, or one of `LINES` put in (an ARG, ENV, FROM, USER or SHELL above the steps the memo reuses among them). */
function ruleEdit(text: string, random: Random): string {
  if (random.int(2) === 0) {
    return edit(text, random);
  }
  const lines = text.split('\n');
  const line = 1 + random.int(Math.max(1, lines.length - 1));
  const kind = random.int(3);
  if (kind === 0) {
    lines.splice(line, 0, LINES[random.int(LINES.length)]);
  } else if (kind === 1) {
    // An earlier ARG/ENV/FROM/USER line changed while the steps after it stay.
    const earlier = lines.findIndex((l, i) => i < line && /^\s*(ARG|ENV|FROM|USER|SHELL)\s/i.test(l));
    lines[earlier >= 0 ? earlier : line] = LINES[random.int(LINES.length)];
  } else if (line < lines.length) {
    lines[line] = lines[line].replace(/\b(http|git|curl|wget|pip|sudo|root|chmod|rm|sh)\b/, 'abc');
  }
  return lines.join('\n');
}

function assertSame(text: string, memo: LintMemo): void {
  assert.deepEqual(lint(text, { format: 'dockerfile', rules, memo }).diagnostics, lint(text, { format: 'dockerfile', rules }).diagnostics, JSON.stringify(text.slice(0, 400)));
}

test('picked commands, step parts and appended fixes kept with the steps: a lint with the memo reports what a fresh one does (corpus Dockerfiles, random edits)', (t) => {
  const random = new Random(61);
  corpusDockerfileTexts(t).forEach((original, fileIndex) => {
    if (fileIndex % 3 !== 0) {
      return;
    }
    const memo = new LintMemo();
    let text = original;
    lint(text, { format: 'dockerfile', rules, memo });
    for (let version = 0; version < 4; version++) {
      for (let edits = 1 + random.int(3); edits > 0; edits--) {
        text = ruleEdit(text, random);
      }
      assertSame(text, memo);
    }
  });
});

test('the same over a long recipe of those lines, typed into and changed above the reused steps', () => {
  const random = new Random(67);
  const memo = new LintMemo();
  let text = ['FROM ubuntu:22.04', ...Array.from({ length: 120 }, (_, i) => LINES[i % LINES.length])].join('\n');
  lint(text, { format: 'dockerfile', rules, memo });
  for (let version = 0; version < 60; version++) {
    text = ruleEdit(text, random);
    assertSame(text, memo);
  }
});

test('edits above a reused step: the findings of its commands follow the stage, user and variables it now has', () => {
  const cases: string[][] = [
    // USER above a reused `pip install --user`: HPC-USE-004's fix is offered only to root.
    ['FROM ubuntu:22.04\nUSER 1000\nRUN pip install --user numpy', 'FROM ubuntu:22.04\nUSER root\nRUN pip install --user numpy'],
    // A FROM that makes the reused steps' stage no longer the shipped one (HPC-SEC-007/008 look at shipped stages only).
    ['FROM ubuntu:22.04\nRUN chmod u+s /usr/bin/x && rm -rf /var/lib/dpkg\nFROM build', 'FROM ubuntu:22.04\nRUN chmod u+s /usr/bin/x && rm -rf /var/lib/dpkg\nFROM alpine'],
    // A check in a later step covers an earlier download; an ENV between them changes nothing.
    ['FROM a\nRUN curl -O http://x/app.tgz\nENV A=1\nRUN sha256sum -c SUMS', 'FROM a\nRUN curl -O http://x/app.tgz\nENV A=2\nRUN echo', 'FROM a\nRUN curl -O http://x/app.tgz\nENV A=2\nRUN echo app.tgz | sha256sum -c'],
    // The step before a check changed: its last command no longer pipes into it (an unfinished pipe).
    ['FROM a\nRUN curl -o app http://x/app | \\\n  sha256sum -c', 'FROM a\nRUN curl -o app http://x/app \\\n  sha256sum -c'],
    // An earlier ARG, SHELL and escape directive above reused RUN steps with `sh -c`, clones and appended fixes.
    ['ARG V=1\nFROM a\nRUN sh -c "gcc -march=native x.c" && apt-get install -y gcc\nRUN git clone https://x.org/r.git', 'ARG V=2\nFROM a\nSHELL ["/bin/bash", "-c"]\nRUN sh -c "gcc -march=native x.c" && apt-get install -y gcc\nRUN git clone https://x.org/r.git'],
    ['FROM a\nRUN apt-get update && apt-get install -y gcc \\\n    && echo ok', '# escape=`\nFROM a\nRUN apt-get update && apt-get install -y gcc `\n    && echo ok'],
    // A new step with `sh -c` after unchanged ones without, their first commands alike.
    ['FROM a\nRUN apt-get update && apt-get install -y gcc', 'FROM a\nRUN apt-get update && apt-get install -y gcc\nRUN apt-get update && sh -c "gcc -march=native x.c"'],
  ];
  for (const [first, ...later] of cases) {
    const memo = new LintMemo();
    lint(first, { format: 'dockerfile', rules, memo });
    for (const text of later) {
      assertSame(text, memo);
    }
  }
});

test('hasShellCScripts kept with a reused step\'s command list equals the answer found again (corpus Dockerfiles, random edits)', (t) => {
  const random = new Random(71);
  let lists = 0;
  corpusDockerfileTexts(t).forEach((original, fileIndex) => {
    if (fileIndex % 2 !== 0) {
      return;
    }
    const memo = new DockerfileParseMemo();
    let text = original;
    parseDockerfileWithSyntaxTree(text, false, memo);
    for (let version = 0; version < 3; version++) {
      text = ruleEdit(text, random);
      const recipe = parseDockerfileWithSyntaxTree(text, false, memo).recipe;
      const facts = factsOf(recipe);
      facts.stepsReused = true;
      for (const { script } of facts.scripts) {
        if (script.commands.length > 1) {
          lists++;
          const again = script.commands.some((command) => (facts.shellCScript(command.words)?.commands.length ?? 0) > 0);
          assert.equal(facts.hasShellCScripts(script.commands), again, JSON.stringify(script.text));
        }
      }
    }
  });
  assert.ok(lists > 0 || corpusDockerfileTexts(t).length === 0);
});
