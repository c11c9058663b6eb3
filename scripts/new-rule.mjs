// Scaffolds a rule: its file, its page, one fixture per format, the registry line and a CHANGELOG line.
// Usage: npm run new-rule -- <group> <name> [--formats dockerfile,apptainer] [--severity info] [--root DIR]
//   <group>  a category (`portability`) or a code group (`PORT`); <name> kebab-case (`no-foo-bar`).
// Afterwards you edit four files by hand: the rule (.ts), its page (.md) and the fixtures; the tests
// fail until no `TODO` is left in them. Then `UPDATE_SNAPSHOTS=1 npm test -- rules` writes the snapshots.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Code group of each category, in the catalogue's words (architecture.md). */
export const GROUPS = {
  def: 'DEF',
  portability: 'PORT',
  performance: 'PERF',
  networking: 'NET',
  security: 'SEC',
  maintainability: 'MAINT',
  usability: 'USE',
  licensing: 'LIC',
  build: 'BUILD',
  caching: 'CACHE',
  eol: 'EOL',
};
const FORMATS = ['dockerfile', 'apptainer'];
const SEVERITIES = ['error', 'warning', 'info', 'hint'];

function usage(message) {
  return new Error(`${message}\nusage: npm run new-rule -- <group> <name> [--formats dockerfile,apptainer] [--severity info]`);
}

export function parseArguments(argv) {
  const positional = [];
  const options = { formats: FORMATS, severity: 'info', root: resolve(new URL('..', import.meta.url).pathname) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--formats') {
      options.formats = (argv[++i] ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    } else if (arg === '--severity') {
      options.severity = argv[++i];
    } else if (arg === '--root') {
      options.root = resolve(argv[++i] ?? '.');
    } else if (arg.startsWith('--')) {
      throw usage(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) {
    throw usage('expected a group and a name');
  }
  const [group, name] = positional;
  const category = Object.keys(GROUPS).find((c) => c === group.toLowerCase() || GROUPS[c] === group.toUpperCase());
  if (!category) {
    throw usage(`unknown group \`${group}\`; groups: ${Object.entries(GROUPS).map(([c, g]) => `${c} (${g})`).join(', ')}`);
  }
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(name)) {
    throw usage(`the name must be kebab-case with at least two words, e.g. no-foo-bar (got \`${name}\`)`);
  }
  if (options.formats.length === 0 || options.formats.some((f) => !FORMATS.includes(f))) {
    throw usage(`--formats takes ${FORMATS.join(' and/or ')}`);
  }
  if (!SEVERITIES.includes(options.severity)) {
    throw usage(`--severity takes one of ${SEVERITIES.join(', ')}`);
  }
  return { ...options, category, name };
}

function camelCase(name) {
  return name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function listRuleFiles(rulesDir) {
  return readdirSync(rulesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => readdirSync(join(rulesDir, entry.name)).filter((f) => f.endsWith('.ts')).map((f) => join(rulesDir, entry.name, f)));
}

/** The next code of the group: above every code any rule file or the CHANGELOG mentions (codes are never reused). */
export function nextCode(root, group) {
  const pattern = new RegExp(`HPC-${group}-(\\d{3})`, 'g');
  const sources = [...listRuleFiles(join(root, 'server/src/rules')), join(root, 'CHANGELOG.md')].filter((path) => existsSync(path));
  let highest = 0;
  for (const path of sources) {
    for (const match of readFileSync(path, 'utf8').matchAll(pattern)) {
      highest = Math.max(highest, Number(match[1]));
    }
  }
  return `HPC-${group}-${String(highest + 1).padStart(3, '0')}`;
}

function ruleSource({ code, name, category, severity, formats }) {
  return `// ${code}: TODO say in one line what the rule finds.
import { defineRule } from '../../engine/rule';
import { commandsNamed } from '../../recipe/query';
import docs from './${name}.md';

export default defineRule({
  meta: {
    code: '${code}',
    name: '${name}',
    category: '${category}',
    severity: '${severity}',
    formats: [${formats.map((f) => `'${f}'`).join(', ')}],
    fix: 'none',
  },
  docs,
  check(context) {
    // TODO report what the page describes; query the model (server/src/recipe/query.ts), never raw text.
    for (const command of commandsNamed(context.recipe, 'todo-command')) {
      context.report({ range: command.words[0].range, message: 'TODO say what is wrong here, why it bites on HPC systems and what to do.' });
    }
  },
});
`;
}

const EXAMPLES = {
  dockerfile: { bad: 'FROM ubuntu:24.04\nRUN todo-command\n', good: 'FROM ubuntu:24.04\nRUN echo done\n' },
  apptainer: { bad: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    todo-command\n', good: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    echo done\n' },
};

function rulePage({ code, name, formats }) {
  const blocks = (kind) => formats.map((f) => `\`\`\`${f}\n${EXAMPLES[f][kind]}\`\`\`\n`).join('\n');
  return `# ${code} ${name}

TODO one-line summary (also the rule list's description).

## What it does

TODO what the rule reports, in which instructions and sections, and what it leaves alone.

## Why it bites on HPC systems

TODO the failure or slowdown a user sees on a cluster: the error text, the node or scheduler behaviour.

## Bad examples

${blocks('bad')}
## Good examples

${blocks('good')}
## How to fix

TODO what to write instead; if the rule offers a fix, what it does and whether it is safe.

## Exceptions

TODO when the finding is acceptable and how to silence it (\`# hpclint ignore=${code} -- reason\`); delete this section if there are none.

## References

- https://example.org/TODO-primary-source
`;
}

function fixture({ code, name }, format) {
  if (format === 'dockerfile') {
    return `# Fixture for ${code} ${name}: real shapes that must fire (expect) and near misses that must not (ok).
FROM ubuntu:24.04
# expect: ${code}
RUN todo-command
# ok: ${code}
RUN echo TODO-a-near-miss
`;
  }
  return `# Fixture for ${code} ${name}: real shapes that must fire (expect) and near misses that must not (ok).
Bootstrap: docker
From: ubuntu:24.04

%post
    # expect: ${code}
    todo-command
    # ok: ${code}
    echo TODO-a-near-miss
`;
}

/** index.ts with the rule imported (imports sorted by path) and listed in `allRules` (sorted by code). */
export function registerRule(index, { code, name, category }) {
  const variable = camelCase(name);
  const importLine = `import ${variable} from './${category}/${name}';`;
  const lines = index.split('\n');
  const imports = lines.map((line, i) => [line, i]).filter(([line]) => /^import \w+ from '\.\/[\w-]+\/[\w-]+';$/.test(line));
  if (imports.length === 0) {
    throw new Error('server/src/rules/index.ts: no rule imports found');
  }
  const pathOf = (line) => /from '(.*)'/.exec(line)[1];
  const after = imports.filter(([line]) => pathOf(line) < `./${category}/${name}`).pop();
  lines.splice(after ? after[1] + 1 : imports[0][1], 0, importLine);
  const entries = lines.map((line, i) => [line, i]).filter(([line]) => /^ {2}\w+, \/\/ HPC-[A-Z]+-\d{3}$/.test(line));
  const before = entries.find(([line]) => /HPC-[A-Z]+-\d{3}$/.exec(line)[0] > code);
  const entry = `  ${variable}, // ${code}`;
  if (before) {
    lines.splice(before[1], 0, entry);
  } else {
    lines.splice(entries[entries.length - 1][1] + 1, 0, entry);
  }
  return lines.join('\n');
}

/** CHANGELOG.md with a line for the new rule at the top of the Unreleased "Added" list. */
export function changelogWithRule(changelog, { code, name, category }) {
  const line = `- ${code} \`${name}\` ([page](server/src/rules/${category}/${name}.md)).`;
  const unreleased = changelog.indexOf('## [Unreleased]');
  if (unreleased < 0) {
    throw new Error('CHANGELOG.md has no `## [Unreleased]` section');
  }
  const nextRelease = changelog.indexOf('\n## ', unreleased + 1);
  const section = changelog.slice(unreleased, nextRelease < 0 ? undefined : nextRelease);
  const added = section.indexOf('\n### Added\n');
  if (added < 0) {
    const headingEnd = changelog.indexOf('\n', unreleased) + 1;
    return `${changelog.slice(0, headingEnd)}\n### Added\n\n${line}\n${changelog.slice(headingEnd)}`;
  }
  const listStart = unreleased + added + '\n### Added\n\n'.length;
  return `${changelog.slice(0, listStart)}${line}\n${changelog.slice(listStart)}`;
}

export function scaffold(argv) {
  const options = parseArguments(argv);
  const { root, category, name, formats } = options;
  const code = nextCode(root, GROUPS[category]);
  const rule = { ...options, code };
  const ruleFile = join(root, 'server/src/rules', category, `${name}.ts`);
  const fixtureDir = join(root, 'test/fixtures/rules', name);
  const existing = listRuleFiles(join(root, 'server/src/rules')).find((path) => path.endsWith(`/${name}.ts`));
  if (existing || existsSync(fixtureDir)) {
    throw new Error(`a rule named ${name} exists already (${relative(root, existing ?? fixtureDir)})`);
  }
  const written = [];
  const write = (path, content) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(relative(root, path));
  };
  write(ruleFile, ruleSource(rule));
  write(join(root, 'server/src/rules', category, `${name}.md`), rulePage(rule));
  for (const format of formats) {
    write(join(fixtureDir, `${name}${format === 'dockerfile' ? '.Dockerfile' : '.def'}`), fixture(rule, format));
  }
  const indexPath = join(root, 'server/src/rules/index.ts');
  write(indexPath, registerRule(readFileSync(indexPath, 'utf8'), rule));
  const changelogPath = join(root, 'CHANGELOG.md');
  write(changelogPath, changelogWithRule(readFileSync(changelogPath, 'utf8'), rule));
  return { code, written };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { code, written } = scaffold(process.argv.slice(2));
    console.log(`${code}: wrote\n  ${written.join('\n  ')}`);
    console.log('Next: replace every TODO in the rule, its page and the fixtures; then `UPDATE_SNAPSHOTS=1 npm test -- rules`, review the snapshots, and `npm test`.');
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
}
