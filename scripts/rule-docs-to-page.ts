// Moves a rule's docs from a `docs: { … }` object literal in its `meta` (the old layout) to the page
// beside the rule, `<name>.md`, and rewrites the rule to `defineRule({ meta, docs, check })`.
// For branches that still edit docs in TypeScript: after rebasing onto the Markdown layout, take your
// side of the conflicting rule file and run
//   node --import ./scripts/text-loader.mjs --import tsx scripts/rule-docs-to-page.ts server/src/rules/<category>/<name>.ts…
// The text is preserved exactly: the page parses back to the same docs (checked before writing).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import ts from 'typescript';
import type { RuleDocs, RuleExample } from '../server/src/engine/rule';
import { parseRulePage } from '../server/src/docs/rule-page';

const WIDTH = 100;
/** Words that would start a Markdown block (list, heading, quote, table, setext underline, fence) at the start of a line. */
const BLOCK_START = /^(?:[-+*#>|=<~]|\d+[.)]|```)/;
const ABBREVIATION = /^(?:e\.g\.|i\.e\.|etc\.|vs\.)$/;

/** Prose as Markdown lines: a sentence per line, wrapped at WIDTH, broken only at single spaces that rejoin exactly. */
export function proseLines(text: string): string[] {
  return text.split('\n').flatMap((line) => (line === '' ? [''] : wrapLine(line)));
}

function wrapLine(text: string): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = words[0];
  for (let i = 1; i < words.length; i++) {
    const previous = words[i - 1];
    const word = words[i];
    const sentenceEnd = /[.!?]$/.test(previous) && previous.length > 3 && !ABBREVIATION.test(previous);
    const canBreak = word !== '' && previous !== '' && !BLOCK_START.test(word);
    if (canBreak && (sentenceEnd || line.length + 1 + word.length > WIDTH)) {
      lines.push(line);
      line = word;
    } else {
      line += ` ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

function exampleLines(example: RuleExample): string[] {
  const fence = example.code.includes('```') ? '~~~~' : '```';
  const info = example.settings ? `${example.format} ${JSON.stringify(example.settings)}` : example.format;
  return [`${fence}${info}`, example.code.replace(/\n$/, ''), fence, ''];
}

/** The page of a rule, in the layout `server/src/docs/rule-page.ts` parses. */
export function rulePage(code: string, name: string, docs: RuleDocs): string {
  const out = [
    `# ${code} ${name}`, '', docs.summary, '',
    '## What it does', '', ...proseLines(docs.whatItDoes), '',
    '## Why it bites on HPC systems', '', ...proseLines(docs.whyHpc), '',
    '## Bad examples', '', ...docs.bad.flatMap(exampleLines),
    '## Good examples', '', ...docs.good.flatMap(exampleLines),
    '## How to fix', '', ...proseLines(docs.howToFix), '',
  ];
  if (docs.exceptions) {
    out.push('## Exceptions', '', ...proseLines(docs.exceptions), '');
  }
  out.push('## References', '', ...docs.references.map((reference) => `- ${reference}`), '');
  return out.join('\n');
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment | undefined {
  return object.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name);
}

function convert(file: string): void {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  let meta: ts.PropertyAssignment | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText() === 'defineRule' && ts.isObjectLiteralExpression(node.arguments[0])) {
      meta = property(node.arguments[0], 'meta');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const metaObject = meta && ts.isObjectLiteralExpression(meta.initializer) ? meta.initializer : undefined;
  const docsProperty = metaObject && property(metaObject, 'docs');
  if (!meta || !metaObject || !docsProperty) {
    throw new Error(`${file}: no \`meta: { …, docs: { … } }\` in defineRule (already converted?)`);
  }
  const literal = (key: string): string => {
    const found = property(metaObject, key);
    if (!found || !ts.isStringLiteral(found.initializer)) {
      throw new Error(`${file}: meta.${key} is not a string literal`);
    }
    return found.initializer.text;
  };
  const code = literal('code');
  const name = literal('name');
  const js = ts.transpileModule(`(${docsProperty.initializer.getText()})`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  let docs: RuleDocs;
  try {
    docs = new Function(`return ${js.trim().replace(/;$/, '')}`)() as RuleDocs;
  } catch (error) {
    throw new Error(`${file}: the docs literal must be self-contained to be moved (${(error as Error).message}); inline what it references`);
  }
  const page = rulePage(code, name, docs);
  const parsed = parseRulePage(page);
  if (!isDeepStrictEqual(parsed.docs, docs)) {
    throw new Error(`${file}: the page would not parse back to the same docs; move this one by hand`);
  }

  const start = text.lastIndexOf('\n', docsProperty.getStart()) + 1;
  let end = docsProperty.getEnd();
  end += text[end] === ',' ? 1 : 0;
  end += text[end] === '\n' ? 1 : 0;
  let out = text.slice(0, start) + text.slice(end);
  const afterMeta = out.indexOf('\n', meta.getEnd() - (end - start)) + 1;
  out = `${out.slice(0, afterMeta)}  docs,\n${out.slice(afterMeta)}`;
  const imports = source.statements.filter(ts.isImportDeclaration);
  const afterImports = imports.length > 0 ? out.indexOf('\n', imports[imports.length - 1].getEnd()) + 1 : 0;
  out = `${out.slice(0, afterImports)}import docs from './${name}.md';\n${out.slice(afterImports)}`;

  if (basename(file, '.ts') !== name) {
    throw new Error(`${file}: the file is not named after the rule (${name})`);
  }
  writeFileSync(join(dirname(file), `${name}.md`), page);
  writeFileSync(file, out);
  console.log(`${file}: docs moved to ${name}.md`);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node --import ./scripts/text-loader.mjs --import tsx scripts/rule-docs-to-page.ts server/src/rules/<category>/<name>.ts…');
  process.exitCode = 2;
}
for (const file of files) {
  try {
    convert(file);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
