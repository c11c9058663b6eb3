import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../../server/src/engine/lint';
import type { RecipeFormat } from '../../server/src/recipe/model';
import { allRules } from '../../server/src/rules/index';

interface Snippet {
  prefix: string;
  body: string[];
  description: string;
}

const snippetFiles: { file: string; format: RecipeFormat; fragmentHeader: string }[] = [
  { file: 'dockerfile.code-snippets', format: 'dockerfile', fragmentHeader: 'FROM ubuntu:24.04\n' },
  { file: 'apptainer.code-snippets', format: 'apptainer', fragmentHeader: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n' },
];

/** Values for the snippet variables our snippets use (VS Code fills these in at insertion time). */
const VARIABLES: Record<string, string> = { CURRENT_YEAR: '2026', CURRENT_MONTH: '11', CURRENT_DATE: '28' };

function loadSnippets(file: string): Record<string, Snippet> {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'snippets', file), 'utf8')) as Record<string, Snippet>;
}

/**
 * Expands VS Code snippet syntax the way a user accepting every default would see it:
 * `${1:default}` → default (nested placeholders expanded), `${1|a,b|}` → `a`, `$1`/`${1}` → the default
 * given to tabstop 1 elsewhere (mirrors) or '', `$0` → '', `${VAR:default}`/`$VAR` → VARIABLES or the
 * default, `\$`, `\}` and `\\` → the escaped character.
 */
export function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  const first = new Parser(body, defaults).parse();
  // Second pass so `$1` before `${1:default}` also mirrors the default.
  return defaults.size > 0 ? new Parser(body, defaults).parse() : first;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly defaults: Map<string, string>,
  ) {}

  parse(): string {
    const result = this.parseUntil(() => false);
    assert.equal(this.pos, this.text.length, `unbalanced snippet syntax near ${JSON.stringify(this.text.slice(this.pos, this.pos + 30))}`);
    return result;
  }

  private parseUntil(stop: (ch: string) => boolean): string {
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (stop(ch)) {
        return out;
      }
      if (ch === '\\' && '$}\\,|'.includes(this.text[this.pos + 1] ?? '')) {
        out += this.text[this.pos + 1];
        this.pos += 2;
      } else if (ch === '$') {
        out += this.parseDollar();
      } else {
        out += ch;
        this.pos += 1;
      }
    }
    return out;
  }

  private parseDollar(): string {
    const rest = this.text.slice(this.pos);
    const simple = /^\$(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (simple) {
      this.pos += simple[0].length;
      return this.valueOf(simple[1], undefined);
    }
    const open = /^\$\{(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (!open) {
      this.pos += 1;
      return '$';
    }
    this.pos += open[0].length;
    const name = open[1];
    const next = this.text[this.pos];
    if (next === '}') {
      this.pos += 1;
      return this.valueOf(name, undefined);
    }
    if (next === ':') {
      this.pos += 1;
      const inner = this.parseUntil((ch) => ch === '}');
      this.expect('}');
      if (/^\d+$/.test(name) && !this.defaults.has(name)) {
        this.defaults.set(name, inner);
      }
      return this.valueOf(name, inner);
    }
    if (next === '|') {
      this.pos += 1;
      const choices: string[] = [];
      let current = '';
      while (this.pos < this.text.length && !(this.text[this.pos] === '|' && this.text[this.pos + 1] === '}')) {
        const ch = this.text[this.pos];
        if (ch === '\\' && ',|\\$}'.includes(this.text[this.pos + 1] ?? '')) {
          current += this.text[this.pos + 1];
          this.pos += 2;
        } else if (ch === ',') {
          choices.push(current);
          current = '';
          this.pos += 1;
        } else {
          current += ch;
          this.pos += 1;
        }
      }
      choices.push(current);
      this.expect('|}');
      if (!this.defaults.has(name)) {
        this.defaults.set(name, choices[0]);
      }
      return choices[0];
    }
    throw new assert.AssertionError({ message: `unsupported snippet syntax at ${JSON.stringify(rest.slice(0, 30))}` });
  }

  private valueOf(name: string, given: string | undefined): string {
    if (/^\d+$/.test(name)) {
      return given ?? this.defaults.get(name) ?? '';
    }
    return VARIABLES[name] ?? given ?? '';
  }

  private expect(token: string): void {
    assert.equal(this.text.slice(this.pos, this.pos + token.length), token, `expected ${token} at ${this.pos}`);
    this.pos += token.length;
  }
}

test('expandSnippet resolves placeholders, mirrors, choices, variables and escapes', () => {
  assert.equal(expandSnippet('FROM ${1:ubuntu:24.04} AS ${2:build}\nFROM $1'), 'FROM ubuntu:24.04 AS build\nFROM ubuntu:24.04');
  assert.equal(expandSnippet('From: ${1|rockylinux:9,ubuntu:24.04|}$0'), 'From: rockylinux:9');
  assert.equal(expandSnippet('exec ${1:app} "\\$@" \\${HOME} a\\}b'), 'exec app "$@" ${HOME} a}b');
  assert.equal(expandSnippet('${1:outer ${2:inner}} $2'), 'outer inner inner');
  assert.equal(expandSnippet('${1:${CURRENT_YEAR}-${CURRENT_MONTH}} $UNKNOWN_VAR.'), '2026-11 .');
  assert.throws(() => expandSnippet('${1:unclosed'));
});

for (const { file, format, fragmentHeader } of snippetFiles) {
  const snippets = loadSnippets(file);

  test(`${file}: every snippet has a unique prefix, a description and a body`, () => {
    const prefixes = Object.values(snippets).map((s) => s.prefix);
    assert.ok(prefixes.length >= 4, `${file} has ${prefixes.length} snippets`);
    assert.equal(new Set(prefixes).size, prefixes.length, `duplicate prefixes in ${file}: ${prefixes.join(', ')}`);
    for (const [name, snippet] of Object.entries(snippets)) {
      assert.equal(typeof snippet.prefix, 'string', name);
      assert.ok(snippet.description.length > 20, `${name} needs a description`);
      assert.ok(Array.isArray(snippet.body) && snippet.body.length > 0, `${name} needs a body`);
    }
  });

  for (const [name, snippet] of Object.entries(snippets)) {
    test(`${file}: "${snippet.prefix}" expands to a recipe without warnings or errors`, () => {
      const expanded = expandSnippet(snippet.body.join('\n'));
      assert.doesNotMatch(expanded, /\$\{?\d/, `${name}: unexpanded tabstop`);
      const isFragment = format === 'apptainer' ? !/^bootstrap:/im.test(expanded) : !/^FROM\s/im.test(expanded);
      const text = (isFragment ? fragmentHeader : '') + expanded + '\n';
      const result = lint(text, { rules: allRules, format });
      assert.equal(result.format, format);
      const problems = result.diagnostics
        .filter((d) => d.severity === 'error' || d.severity === 'warning')
        .map((d) => `${d.severity} ${d.code} line ${d.range.start.line + 1}: ${d.message}`);
      assert.deepEqual(problems, [], `${name}:\n${text}`);
    });
  }
}

test('the snippet lint check catches a spoiled snippet (host-tuned ISA, piped installer)', () => {
  const dockerSnippets = loadSnippets('dockerfile.code-snippets');
  const mpich = expandSnippet(Object.values(dockerSnippets).find((s) => s.prefix === 'hpc-mpich')!.body.join('\n'));
  const spoiled = mpich.replace('-march=x86-64-v3', '-march=native') + '\nRUN curl -fsSL https://get.example.org/install.sh | bash';
  assert.notEqual(spoiled, mpich);
  const codes = lint(spoiled + '\n', { rules: allRules, format: 'dockerfile' })
    .diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => d.code);
  assert.ok(codes.includes('HPC-PORT-001'), codes.join(', '));
  assert.ok(codes.includes('HPC-SEC-003'), codes.join(', '));
});

test('recipe snippets follow the HPC conventions they teach', () => {
  for (const { file } of snippetFiles) {
    for (const [name, snippet] of Object.entries(loadSnippets(file))) {
      const text = expandSnippet(snippet.body.join('\n'));
      assert.doesNotMatch(text, /-march=native|-xHost|:latest\b/, name);
      if (/(?:curl|wget)\b[^\n]*https?:\/\//.test(text)) {
        assert.match(text, /sha256sum -c/, `${name} downloads without a checksum`);
      }
      if (/git clone/.test(text)) {
        assert.match(text, /git clone --branch v\d[\w.]* --depth 1/, `${name} clones without a pinned tag`);
      }
      if (/pip install/.test(text)) {
        assert.match(text, /pip install --no-cache-dir/, name);
      }
      for (const match of text.matchAll(/^(?:FROM|From:)\s+(\S+)/gm)) {
        assert.match(match[1], /:(24\.04|9|13|\d+\.\d+\.\d+-(devel|runtime)-ubuntu24\.04)$/, `${name}: base ${match[1]} is not a supported pinned tag`);
      }
    }
  }
});
