// In-process tests of code-action placement, fix-all actions and settings normalisation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allRules } from '../../server/src/rules/index';
import { defaultConfig } from '../../server/src/engine/config';
import { fixAll } from '../../server/src/engine/fixes';
import type { Rule } from '../../server/src/engine/rule';
import type { RecipeFormat } from '../../server/src/recipe/model';
import { parseRecipe } from '../../server/src/recipe/parse';
import { computeCodeActions, minimalEdit, wantsFixAll } from '../../server/src/lsp/features/codeActions';
import { DockerfileFeatures } from '../../server/src/lsp/features/dockerfileFeatures';
import { normalizeSettings, settingsProblems } from '../../server/src/lsp/documents/settings';
import { CATEGORIES } from '../../server/src/engine/rule';
import packageJson from '../../package.json';
import { statementLines } from '../../server/src/service/statements';

const URI = 'file:///work/Dockerfile';
const dockerfile = new DockerfileFeatures({ error() {}, warn() {}, info() {}, log() {} });

function diagnostic(code: string, line: number, start: number, end: number): Diagnostic {
  return {
    range: { start: { line, character: start }, end: { line, character: end } },
    message: 'm',
    source: 'hpclint',
    code,
    data: { code, fixes: [] },
  };
}

function actionsFor(text: string, format: RecipeFormat, diagnostics: Diagnostic[], only?: string[], rules?: Rule[]): CodeAction[] {
  const document = TextDocument.create(URI, format, 1, text);
  const fixedText = wantsFixAll(only) ? fixAll(text, { format, config: defaultConfig(), rules: rules ?? allRules }).text : undefined;
  return computeCodeActions(
    {
      textDocument: { uri: URI },
      range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics, only },
    },
    { document, format, statements: statementLines(parseRecipe(text, format)), dockerfile, fixedText },
  );
}

function applyAction(text: string, action: CodeAction | undefined): string {
  assert.ok(action, 'action present');
  return TextDocument.applyEdits(TextDocument.create(URI, 'x', 1, text), action.edit!.changes![URI]);
}

const byTitle = (actions: CodeAction[], title: string) => actions.find((action) => action.title === title);

describe('ignore actions', () => {
  test('a finding on a continuation line of a RUN gets the pragma above the instruction, indented like it', () => {
    const text = 'FROM alpine:3.20\n  RUN make && \\\n      gcc -march=native x.c\n';
    const actions = actionsFor(text, 'dockerfile', [diagnostic('HPC-PORT-001', 2, 10, 23)]);
    assert.equal(
      applyAction(text, byTitle(actions, 'Ignore HPC-PORT-001 for this line')),
      'FROM alpine:3.20\n  # hpclint ignore=HPC-PORT-001\n  RUN make && \\\n      gcc -march=native x.c\n',
    );
  });

  test('a code added to a pragma with a reason goes into its list, not into the reason', () => {
    const text = 'FROM alpine:3.20\n# hpclint ignore=HPC-SEC-003 -- vendor installer\nRUN gcc -march=native x.c\n';
    const actions = actionsFor(text, 'dockerfile', [diagnostic('HPC-PORT-001', 2, 8, 21)]);
    assert.equal(
      applyAction(text, byTitle(actions, 'Ignore HPC-PORT-001 for this line')),
      'FROM alpine:3.20\n# hpclint ignore=HPC-SEC-003,HPC-PORT-001 -- vendor installer\nRUN gcc -march=native x.c\n',
    );
  });

  test('an existing ignore pragma above the instruction is extended', () => {
    const text = 'FROM alpine:3.20\n# hpclint ignore=HPC-SEC-003\nRUN gcc -march=native x.c\n';
    const actions = actionsFor(text, 'dockerfile', [diagnostic('HPC-PORT-001', 2, 8, 21)]);
    assert.equal(
      applyAction(text, byTitle(actions, 'Ignore HPC-PORT-001 for this line')),
      'FROM alpine:3.20\n# hpclint ignore=HPC-SEC-003,HPC-PORT-001\nRUN gcc -march=native x.c\n',
    );
  });

  test('in a definition-file script, the pragma goes above the first line of a continued command', () => {
    const text = 'Bootstrap: docker\nFrom: alpine:3.20\n\n%post\n    ./configure \\\n        CFLAGS=-march=native\n';
    const actions = actionsFor(text, 'apptainer', [diagnostic('HPC-PORT-001', 5, 15, 28)]);
    assert.equal(
      applyAction(text, byTitle(actions, 'Ignore HPC-PORT-001 for this line')),
      'Bootstrap: docker\nFrom: alpine:3.20\n\n%post\n    # hpclint ignore=HPC-PORT-001\n    ./configure \\\n        CFLAGS=-march=native\n',
    );
  });

  test('the pragma covers the whole continued command, so the finding on its last line goes', () => {
    const text = 'Bootstrap: docker\nFrom: alpine:3.20\n\n%post\n    apt-get update && \\\n    apt-get install -y cuda-drivers\n    echo done\n';
    const actions = actionsFor(text, 'apptainer', [diagnostic('HPC-PORT-005', 5, 23, 35)]);
    const fixed = applyAction(text, byTitle(actions, 'Ignore HPC-PORT-005 for this line'));
    assert.equal(fixed, text.replace('    apt-get update', '    # hpclint ignore=HPC-PORT-005\n    apt-get update'));
    const pragma = parseRecipe(fixed, 'apptainer').pragmas[0];
    assert.deepEqual(pragma.appliesTo, { startLine: 5, endLine: 6 });
  });

  test('no line action on a Dockerfile parser directive (a comment above it would end the directives)', () => {
    const text = '# ESCAPE=\\\nFROM alpine:3.20\n';
    const actions = actionsFor(text, 'dockerfile', [
      { ...diagnostic('dockerfile-utils/CASING_DIRECTIVE', 0, 2, 8), source: 'dockerfile-utils' },
    ]);
    assert.equal(byTitle(actions, 'Ignore dockerfile-utils/CASING_DIRECTIVE for this line'), undefined);
    assert.equal(
      applyAction(text, byTitle(actions, 'Ignore dockerfile-utils/CASING_DIRECTIVE in this file')),
      '# ESCAPE=\\\n\n# hpclint global ignore=dockerfile-utils/CASING_DIRECTIVE\nFROM alpine:3.20\n',
    );
  });

  test('a section after help text or an unterminated heredoc gets no line action; after a script it does', () => {
    const afterHelp = 'Bootstrap: docker\nFrom: alpine:3.20\n\n%help\n    Usage: run it\n%setup\n    touch x\n';
    assert.equal(byTitle(actionsFor(afterHelp, 'apptainer', [diagnostic('HPC-BUILD-002', 5, 0, 6)]), 'Ignore HPC-BUILD-002 for this line'), undefined);
    const afterHeredoc = 'Bootstrap: docker\nFrom: alpine:3.20\n\n%post\n    cat <<EOF > x\n    EOF\n%setup\n    touch x\n';
    assert.equal(byTitle(actionsFor(afterHeredoc, 'apptainer', [diagnostic('HPC-BUILD-002', 6, 0, 6)]), 'Ignore HPC-BUILD-002 for this line'), undefined);
    const afterPre = 'Bootstrap: docker\nFrom: alpine:3.20\n\n%pre\n    echo legacy\n%setup\n    touch x\n';
    const fixed = applyAction(afterPre, byTitle(actionsFor(afterPre, 'apptainer', [diagnostic('HPC-BUILD-002', 5, 0, 6)]), 'Ignore HPC-BUILD-002 for this line'));
    assert.deepEqual(parseRecipe(fixed, 'apptainer').pragmas[0].appliesTo, { startLine: 6, endLine: 6 });
  });

  test('file-wide ignore: top of a definition file, or appended to an existing global pragma', () => {
    const text = 'Bootstrap: docker\nFrom: alpine:3.20\n';
    const actions = actionsFor(text, 'apptainer', [diagnostic('HPC-EOL-001', 1, 6, 17)]);
    assert.equal(applyAction(text, byTitle(actions, 'Ignore HPC-EOL-001 in this file')), `# hpclint global ignore=HPC-EOL-001\n${text}`);

    const withPragma = '# header comment\n# hpclint global ignore=HPC-SEC-003\nFROM alpine:3.20\n';
    const more = actionsFor(withPragma, 'dockerfile', [diagnostic('HPC-EOL-001', 2, 5, 16)]);
    assert.equal(
      applyAction(withPragma, byTitle(more, 'Ignore HPC-EOL-001 in this file')),
      '# header comment\n# hpclint global ignore=HPC-SEC-003,HPC-EOL-001\nFROM alpine:3.20\n',
    );
  });

  test('CRLF documents get CRLF pragmas', () => {
    const text = 'FROM alpine:3.20\r\nRUN gcc -march=native x.c\r\n';
    const actions = actionsFor(text, 'dockerfile', [diagnostic('HPC-PORT-001', 1, 8, 21)]);
    assert.equal(
      applyAction(text, byTitle(actions, 'Ignore HPC-PORT-001 for this line')),
      'FROM alpine:3.20\r\n# hpclint ignore=HPC-PORT-001\r\nRUN gcc -march=native x.c\r\n',
    );
  });

  test('two findings of one code offer one file-wide ignore and one documentation action', () => {
    const text = 'FROM alpine:3.20\nRUN gcc -march=native a.c\nRUN gcc -march=native b.c\n';
    const actions = actionsFor(text, 'dockerfile', [diagnostic('HPC-PORT-001', 1, 8, 21), diagnostic('HPC-PORT-001', 2, 8, 21)]);
    assert.equal(actions.filter((action) => action.title === 'Ignore HPC-PORT-001 for this line').length, 2);
    assert.equal(actions.filter((action) => action.title === 'Ignore HPC-PORT-001 in this file').length, 1);
    assert.equal(actions.filter((action) => action.title === 'Show documentation for HPC-PORT-001').length, 1);
  });

  test('diagnostics of other tools are ignored', () => {
    const foreign: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'hadolint', code: 'DL3008' };
    assert.deepEqual(actionsFor('FROM alpine:3.20\n', 'dockerfile', [foreign]), []);
  });
});

describe('fixes and fix-all', () => {
  const upperCaseRun: Rule = {
    meta: {
      code: 'HPC-TEST-001',
      name: 'test-rule',
      category: 'maintainability',
      severity: 'warning',
      formats: ['dockerfile'],
      fix: 'both',
      docs: { summary: 's', whatItDoes: 'w', whyHpc: 'y', howToFix: 'h', bad: [], good: [], references: [] },
    },
    check(context) {
      for (const stage of context.recipe.stages) {
        for (const step of stage.steps) {
          if (step.keyword === 'run') {
            context.report({
              range: step.keywordRange,
              message: 'lower-case run',
              fixes: [
                { title: 'Upper-case it', safe: true, edits: [{ range: step.keywordRange, newText: 'RUN' }] },
                { title: 'Delete it', safe: false, edits: [{ range: step.range, newText: '' }] },
              ],
            });
          }
        }
      }
    },
  };

  test('safe fixes are preferred, unsafe ones carry the code in the title', () => {
    const text = 'FROM alpine:3.20\nrun make\n';
    const fixes = [
      { title: 'Upper-case it', safe: true, edits: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: 'RUN' }] },
      { title: 'Delete it', safe: false, edits: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } }, newText: '' }] },
    ];
    const finding = { ...diagnostic('HPC-TEST-001', 1, 0, 3), data: { code: 'HPC-TEST-001', fixes } };
    const actions = actionsFor(text, 'dockerfile', [finding]);
    assert.equal(byTitle(actions, 'Upper-case it')?.isPreferred, true);
    assert.equal(byTitle(actions, 'Delete it (HPC-TEST-001)')?.isPreferred, false);
    assert.equal(applyAction(text, byTitle(actions, 'Upper-case it')), 'FROM alpine:3.20\nRUN make\n');
  });

  test('source.fixAll.hpclint applies every safe fix and nothing else', () => {
    const text = 'FROM alpine:3.20\nrun make\nrun make install\n';
    const actions = actionsFor(text, 'dockerfile', [], ['source.fixAll'], [upperCaseRun]);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.hpclint');
    assert.equal(applyAction(text, actions[0]), 'FROM alpine:3.20\nRUN make\nRUN make install\n');
    assert.deepEqual(actionsFor('FROM alpine:3.20\nRUN make\n', 'dockerfile', [], ['source.fixAll'], [upperCaseRun]), []);
  });

  test('minimalEdit replaces only the changed middle', () => {
    const before = 'FROM a\nrun x\n';
    const document = TextDocument.create(URI, 'dockerfile', 1, before);
    assert.deepEqual(minimalEdit(document, before, 'FROM a\nRUN x\n'), {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
      newText: 'RUN',
    });
    assert.deepEqual(minimalEdit(document, before, `${before}CMD y\n`), {
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
      newText: 'CMD y\n',
    });
  });
});

describe('settings', () => {
  test('normalizeSettings keeps valid values and drops the rest', () => {
    assert.deepEqual(
      normalizeSettings({
        enable: false,
        rules: { 'HPC-PORT-001': 'OFF', 'no-eol-base': 'information', bogus: 'loud', n: 3 },
        categories: { licensing: 'hint' },
        configFile: ' ci/.hpclint.yaml ',
        dockerfile: { syntaxValidation: false },
        site: [' lumi ', '', 3, './x.hpclint-site.yaml'],
        shellcheck: { enable: false, path: ' /opt/bin/shellcheck ' },
      }),
      {
        enable: false,
        rules: { 'HPC-PORT-001': 'off', 'no-eol-base': 'info' },
        categories: { licensing: 'hint' },
        configFile: 'ci/.hpclint.yaml',
        dockerfile: { editorFeatures: 'auto', completion: true, hover: true, formatting: true, syntaxValidation: false },
        site: ['lumi', './x.hpclint-site.yaml'],
        shellcheck: { enable: false, path: '/opt/bin/shellcheck' },
      },
    );
    assert.deepEqual(normalizeSettings({ site: 'cscs-daint' }).site, ['cscs-daint']);
    assert.deepEqual(normalizeSettings({ 'shellcheck.enable': false }).shellcheck, { enable: false, path: '' });
    assert.deepEqual(normalizeSettings(null), normalizeSettings({}));
    assert.equal(normalizeSettings({ enable: 'yes' }).enable, true);
    assert.deepEqual(normalizeSettings({ dockerfile: { editorFeatures: 'off', hover: false, completion: 'no' } }).dockerfile, {
      editorFeatures: 'off',
      completion: true,
      hover: false,
      formatting: true,
      syntaxValidation: true,
    });
    assert.equal(normalizeSettings({ 'dockerfile.editorFeatures': 'on' }).dockerfile.editorFeatures, 'on');
    assert.equal(normalizeSettings({ dockerfile: { editorFeatures: 'sometimes' } }).dockerfile.editorFeatures, 'auto');
  });

  test('settingsProblems names every key normalizeSettings ignores', () => {
    assert.deepEqual(
      settingsProblems({
        rules: { 'HPC-PORT-001': 'OFF', 'no-eol-base': 'information', bogus: 'off', 'HPC-SEC-001': 3, 'dockerfile-utils/UNKNOWN_INSTRUCTION': 'off' },
        categories: { licensing: 'hint', license: 'off', security: 'loud' },
      }),
      [
        'hpclint.rules: unknown rule "bogus" is ignored (use a code such as HPC-PORT-001 or a rule name).',
        'hpclint.rules: invalid severity 3 for "HPC-SEC-001" is ignored (expected off, error, warning, info or hint).',
        `hpclint.categories: unknown category "license" is ignored (expected one of: ${CATEGORIES.join(', ')}).`,
        'hpclint.categories: invalid severity "loud" for "security" is ignored (expected off, error, warning, info or hint).',
      ],
    );
    assert.deepEqual(settingsProblems(null), []);
  });

  test('every contributed setting, at its default, is a known setting that normalizes to the defaults', () => {
    const section: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(packageJson.contributes.configuration.properties as Record<string, { default: unknown }>)) {
      const path = key.split('.').slice(1);
      let node = section;
      for (const part of path.slice(0, -1)) {
        node = (node[part] ??= {}) as Record<string, unknown>;
      }
      node[path.at(-1)!] = property.default;
    }
    assert.deepEqual(settingsProblems(section), []);
    assert.deepEqual(normalizeSettings(section), normalizeSettings({}));
    assert.deepEqual(settingsProblems({ colour: 'blue', dockerfile: { editorFeatures: 'never' } }), [
      'hpclint.colour: unknown setting is ignored (expected one of: enable, rules, categories, configFile, site, dockerfile, shellcheck, trace).',
      'hpclint.dockerfile.editorFeatures: invalid value "never" is ignored (expected auto, on or off).',
    ]);
  });

  test("the settings example in package.json names rules and categories that exist", () => {
    const properties = packageJson.contributes.configuration.properties;
    const example = (text: string) => JSON.parse(text.match(/`(\{[^`]*\})`/)![1]) as Record<string, string>;
    assert.deepEqual(settingsProblems({ rules: example(properties['hpclint.rules'].markdownDescription) }), []);
    assert.deepEqual(settingsProblems({ categories: example(properties['hpclint.categories'].markdownDescription) }), []);
  });
});
