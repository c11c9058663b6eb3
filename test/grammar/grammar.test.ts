import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';
import { OnigScanner, OnigString, loadWASM } from 'vscode-oniguruma';

const require = createRequire(__filename);
const repoRoot = join(__dirname, '..', '..');
const grammarPaths: Record<string, string> = {
  'source.apptainer': join(repoRoot, 'syntaxes', 'apptainer.tmLanguage.json'),
  'source.shell': require.resolve('tm-grammars/grammars/shellscript.json'),
};

interface LineToken {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let grammarPromise: Promise<IGrammar> | undefined;

function loadGrammar(): Promise<IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(join(dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
    await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
        createOnigString: (text: string) => new OnigString(text),
      }),
      loadGrammar: async (scopeName) => {
        const path = grammarPaths[scopeName];
        return path ? parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
      },
    });
    const grammar = await registry.loadGrammar('source.apptainer');
    assert.ok(grammar, 'source.apptainer grammar loads');
    return grammar;
  })();
  return grammarPromise;
}

async function tokenize(text: string): Promise<LineToken[][]> {
  const grammar = await loadGrammar();
  let state: StateStack = INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => ({
      text: line.slice(token.startIndex, token.endIndex),
      start: token.startIndex,
      end: token.endIndex,
      scopes: token.scopes,
    }));
  });
}

async function tokenizeFixture(name: string): Promise<{ lines: string[]; tokens: LineToken[][] }> {
  const text = readFileSync(join(__dirname, name), 'utf8');
  return { lines: text.split('\n'), tokens: await tokenize(text) };
}

/** Scopes of every token overlapping the first occurrence of `needle` on the first line containing `lineNeedle`. */
function scopesOf(
  fixture: { lines: string[]; tokens: LineToken[][] },
  lineNeedle: string,
  needle: string,
): string[][] {
  const lineNo = fixture.lines.findIndex((line) => line.includes(lineNeedle));
  assert.notEqual(lineNo, -1, `line containing ${JSON.stringify(lineNeedle)}`);
  const start = fixture.lines[lineNo].indexOf(needle);
  assert.notEqual(start, -1, `${JSON.stringify(needle)} on line ${lineNo + 1}`);
  const end = start + needle.length;
  return fixture.tokens[lineNo].filter((t) => t.start < end && t.end > start).map((t) => t.scopes);
}

function assertScope(
  fixture: { lines: string[]; tokens: LineToken[][] },
  lineNeedle: string,
  needle: string,
  scopePrefix: string,
): void {
  const scopes = scopesOf(fixture, lineNeedle, needle);
  for (const tokenScopes of scopes) {
    assert.ok(
      tokenScopes.some((scope) => scope.startsWith(scopePrefix)),
      `${JSON.stringify(needle)} in ${JSON.stringify(lineNeedle)} should have ${scopePrefix}, got ${tokenScopes.join(' ')}`,
    );
  }
}

function assertNoScope(
  fixture: { lines: string[]; tokens: LineToken[][] },
  lineNeedle: string,
  needle: string,
  scopePrefix: string,
): void {
  for (const tokenScopes of scopesOf(fixture, lineNeedle, needle)) {
    assert.ok(
      !tokenScopes.some((scope) => scope.startsWith(scopePrefix)),
      `${JSON.stringify(needle)} in ${JSON.stringify(lineNeedle)} should not have ${scopePrefix}, got ${tokenScopes.join(' ')}`,
    );
  }
}

test('header keywords, agents, image references and comments', async () => {
  const f = await tokenizeFixture('multistage.def');
  assertScope(f, '# Build stage', '# Build stage', 'comment.line.number-sign');
  assertScope(f, 'Bootstrap: docker', 'Bootstrap', 'keyword.other.header');
  assertScope(f, 'Bootstrap: docker', ':', 'punctuation.separator.key-value');
  assertScope(f, 'Bootstrap: docker', 'docker', 'support.constant.bootstrap-agent');
  assertScope(f, 'From: rockylinux:{{', 'From', 'keyword.other.header');
  assertScope(f, 'From: rockylinux:{{', 'rockylinux:', 'string.unquoted.image-reference');
  assertScope(f, 'From: rockylinux:{{', '{{ OS_RELEASE }}', 'meta.template.expression');
  assertScope(f, 'From: rockylinux:{{', 'OS_RELEASE', 'variable.other.template');
  assertScope(f, 'From: rockylinux:{{', '# inline comment after the image', 'comment.line.number-sign');
  assertScope(f, 'Stage: build', 'build', 'entity.name.type.stage');
});

test('header keys are case-insensitive; # truncates a header value; unknown keys are flagged', async () => {
  const f = await tokenizeFixture('scif-apps.def');
  assertScope(f, 'bootstrap: localimage', 'bootstrap', 'keyword.other.header');
  assertScope(f, 'bootstrap: localimage', 'localimage', 'support.constant.bootstrap-agent');
  assertScope(f, 'from: ./base.sif', './base.sif', 'string.unquoted.image-reference');
  assertScope(f, 'MirrorURL:', 'http://example.org/mirror', 'string.unquoted.value');
  assertScope(f, 'MirrorURL:', '#fragment', 'comment.line.number-sign');
  assertScope(f, 'Fingerprints:', 'Fingerprints', 'keyword.other.header');
  assertScope(f, 'OtherURL0:', 'OtherURL0', 'keyword.other.header');
  assertScope(f, 'Flavour: vanilla', 'Flavour', 'invalid.illegal.unknown-header-keyword');
  assertScope(f, 'Bootstrap: yum', 'yum', 'support.constant.bootstrap-agent');
  assertScope(f, 'MirrorURL: http://dl.rocky', 'http://dl.rockylinux.org/pub/rocky/', 'string.unquoted.value');
  assertScope(f, 'MirrorURL: http://dl.rocky', '%{OSVERSION}', 'variable.language.osversion');
  assertScope(f, 'MirrorURL: http://dl.rocky', '/BaseOS/x86_64/os/', 'string.unquoted.value');
});

test('script sections embed shell with their arguments scoped', async () => {
  const f = await tokenizeFixture('multistage.def');
  assertScope(f, '%post -c /bin/bash', '%post', 'entity.name.section');
  assertScope(f, '%post -c /bin/bash', '-c', 'variable.parameter.option');
  assertScope(f, '%post -c /bin/bash', '/bin/bash', 'string.unquoted.path.interpreter');
  assertScope(f, 'dnf -y install', 'dnf -y install gcc make', 'meta.embedded.block.shellscript');
  assertScope(f, 'dnf -y install', 'dnf -y install gcc make', 'source.shell');
  assertScope(f, 'set -euo pipefail', 'set', 'support.function.builtin.shell');
  assertScope(f, 'exec /opt/app/bin/app', 'exec', 'support.function.builtin.shell');
  assertScope(f, 'exec /opt/app/bin/app', '"$@"', 'string.quoted.double.shell');
  assertScope(f, 'export PATH=/opt/app/bin', 'export', 'storage.modifier');
  assertScope(f, '/opt/app/bin/app --version', '--version', 'source.shell');
});

test('templates and build variables are recognised inside embedded shell, not in comments', async () => {
  const f = await tokenizeFixture('multistage.def');
  assertScope(f, 'echo "version {{', '{{ APP_VERSION }}', 'meta.template.expression');
  assertScope(f, 'echo "version {{', 'APP_VERSION', 'variable.other.template');
  assertScope(f, 'echo "version {{', 'version', 'string.quoted.double.shell');
  assertScope(f, '>> $APPTAINER_ENVIRONMENT', '$APPTAINER_ENVIRONMENT', 'variable.language');
  assertScope(f, '${APPTAINER_ROOTFS}', '${APPTAINER_ROOTFS}', 'variable.language');
  assertScope(f, '# a shell comment', '{{ not_a_template }}', 'comment.line.number-sign');
  assertNoScope(f, '# a shell comment', '{{ not_a_template }}', 'meta.template.expression');
});

test('a column-0 Bootstrap: line ends a section and starts a new header', async () => {
  const f = await tokenizeFixture('multistage.def');
  const line = f.lines.findIndex((l, i) => i > 10 && l === 'Bootstrap: docker');
  const first = f.tokens[line][0];
  assert.equal(first.text, 'Bootstrap');
  assert.ok(first.scopes.includes('keyword.other.header.apptainer'), first.scopes.join(' '));
  assert.ok(!first.scopes.some((s) => s.startsWith('meta.embedded')), first.scopes.join(' '));
  assertScope(f, 'Stage: runtime', 'runtime', 'entity.name.type.stage');
});

test('%files bodies, from argument, labels, help and arguments', async () => {
  const f = await tokenizeFixture('multistage.def');
  assertScope(f, '%files from build', '%files', 'entity.name.section');
  assertScope(f, '%files from build', 'from', 'keyword.other.from');
  assertScope(f, '%files from build', 'build', 'variable.parameter.stage');
  assertScope(f, 'src/app.c', 'src/app.c', 'string.unquoted.path');
  assertScope(f, 'src/app.c', '/opt/app/src/app.c', 'string.unquoted.path');
  assertScope(f, '"dir with space/file"', '"dir with space/file"', 'string.quoted.double.path');
  assertScope(f, '# not a path', '# not a path', 'comment.line.number-sign');
  assertNoScope(f, '# not a path', 'not a path', 'string');
  assertScope(f, 'org.opencontainers.image.source', 'org.opencontainers.image.source', 'entity.other.attribute-name');
  assertScope(f, 'org.opencontainers.image.source', 'https://example.org/app', 'string.unquoted.label-value');
  assertScope(f, 'Version {{ APP_VERSION }}', 'APP_VERSION', 'variable.other.template');
  assertScope(f, 'Run the application', 'Run the application', 'markup.raw');
  assertNoScope(f, 'Run the application', 'Run the application', 'source.shell');
  assertScope(f, 'OS_RELEASE=9', 'OS_RELEASE', 'variable.parameter.argument');
  assertScope(f, 'OS_RELEASE=9', '=', 'keyword.operator.assignment');
  assertScope(f, 'OS_RELEASE=9', '9', 'string.unquoted.argument-default');
});

test('SCIF app sections name their app and embed shell where they are scripts', async () => {
  const f = await tokenizeFixture('scif-apps.def');
  assertScope(f, '%appinstall solver', '%appinstall', 'entity.name.section');
  assertScope(f, '%appinstall solver', 'solver', 'variable.parameter.app');
  assertScope(f, 'make -C /scif', 'make', 'source.shell');
  assertScope(f, 'SOLVER_HOME=/scif', 'SOLVER_HOME', 'meta.embedded.block.shellscript');
  assertScope(f, 'exec solver', '"$@"', 'string.quoted.double.shell');
  assertScope(f, 'MAINTAINER hpc-team', 'MAINTAINER', 'entity.other.attribute-name');
  assertScope(f, 'The solver application', 'The solver application', 'markup.raw');
  assertScope(f, '%appfiles solver', 'solver', 'variable.parameter.app');
  assertScope(f, 'solver.cfg /scif', 'solver.cfg', 'string.unquoted.path');
});

test('any line whose first word starts with % ends a script section, as Apptainer parses it', async () => {
  const f = await tokenizeFixture('scif-apps.def');
  assertScope(f, "printf '%s", "'%s\\n'", 'string.quoted.single.shell');
  const line = f.lines.indexOf('%s\\n');
  assert.ok(f.tokens[line][0].scopes.includes('invalid.illegal.unknown-section.apptainer'), f.tokens[line][0].scopes.join(' '));
  assertNoScope(f, 'echo after', 'echo', 'source.shell');
});

test('an unterminated shell string does not leak past the next section header', async () => {
  const f = {
    lines: ['%post', '    echo "unterminated', '%runscript', '    exec app "$@"'],
    tokens: await tokenize('%post\n    echo "unterminated\n%runscript\n    exec app "$@"'),
  };
  assertScope(f, '%runscript', '%runscript', 'entity.name.section');
  assertNoScope(f, '%runscript', '%runscript', 'string');
  assertScope(f, 'exec app', 'exec', 'support.function.builtin.shell');
});

test('section names are case-insensitive', async () => {
  const f = { lines: ['%POST', '  ls'], tokens: await tokenize('%POST\n  ls') };
  assertScope(f, '%POST', '%POST', 'entity.name.section');
  assertScope(f, '  ls', 'ls', 'source.shell');
});
