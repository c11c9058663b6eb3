// Seeded random edits of definition files, and the texts they are made to: every corpus definition file and the bench's
// 4,000-line one (recipe/definition-memo.ts and the facts kept per command are tested over them).
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import type { Random } from '../../fuzz/fuzzer';
import { corpusTexts } from '../corpusDockerfiles';

const ROOT = join(__dirname, '..', '..', '..');

/** Characters typed into a line: words, quotes, substitutions, groups, heredoc and comment marks, escapes, line breaks, sections. */
const TYPED = ['a', 'Z', '0', ' ', '\t', '-', '=', '$', '$(', '(', ')', '{', '}', '`', '"', "'", '<<', '<', '#', '\\', '&', '|', ';', ';;', '%', '\n', '\r\n', '\\\n', '&&\n'];
const LINES = [
  '    apt-get update && apt-get install -y gcc make',
  '    pip install numpy \\',
  '        scipy',
  '    export A=1 B="two words"',
  "    bash -c 'cd /src && make -j4'",
  '    su - app -c "git clone https://x/y.git"',
  '    cat <<EOF > /etc/x',
  '    cat <<-EOT | bash',
  '\tmake install',
  '\tEOT',
  'EOF',
  "    echo 'open quote",
  '    echo "open quote',
  '    x=$(date',
  '    )',
  '    f() {',
  '    main() { make; }',
  '    }',
  '    if [ -n "$A" ]; then',
  '    fi',
  '    case "$1" in',
  '    a) make ;;',
  '    esac',
  '    make &&',
  '    make |',
  '    # hpclint ignore=HPC-PORT-001',
  '%post',
  '%post -c /bin/bash',
  '%environment',
  '%runscript',
  '%test',
  '%files',
  '    /a /b',
  '%labels',
  'Bootstrap: docker',
  'From: ubuntu:22.04',
  '',
];

/** One random edit of `text`; most are keystrokes within one line, as in an editor. */
export function edit(text: string, random: Random): string {
  const lines = text.split('\n');
  const line = random.int(lines.length);
  const lineStart = lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0);
  const column = random.int(lines[line].length + 1);
  const at = lineStart + column;
  const kind = random.int(20);
  if (kind < 9) {
    return text.slice(0, at) + TYPED[random.int(TYPED.length)] + text.slice(at);
  }
  if (kind < 12) {
    return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random.int(3)));
  }
  if (kind < 15) {
    lines.splice(line, 0, LINES[random.int(LINES.length)]);
    return lines.join('\n');
  }
  if (kind === 15) {
    lines.splice(line, 1);
    return lines.join('\n');
  }
  if (kind === 16) {
    // Across lines: a span from this line into a later one removed.
    const to = Math.min(text.length, at + 1 + random.int(200));
    return text.slice(0, at) + text.slice(to);
  }
  if (kind === 17) {
    lines[line] = lines[line].endsWith('\\') ? lines[line].slice(0, -1) : `${lines[line]} \\`;
    return lines.join('\n');
  }
  if (kind === 18) {
    return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n');
  }
  lines.splice(line, 0, '    cat <<EOF > /x', '    line $V');
  return lines.join('\n');
}

/** The text of every corpus definition file (`corpusTexts`). */
export function corpusDefinitionTexts(t: TestContext): string[] {
  return corpusTexts(t, 'singularity');
}

export async function bigDefinition(t: TestContext): Promise<string | undefined> {
  const { corpusRecipes, bigDefinition } = (await import(join(ROOT, 'bench/lib/corpus.mjs'))) as {
    corpusRecipes(dir: string): unknown[];
    bigDefinition(recipes: unknown[]): string;
  };
  try {
    return bigDefinition(corpusRecipes(join(ROOT, '../shared/corpus')));
  } catch {
    t.diagnostic('corpus not found: no 4,000-line definition file');
    return undefined;
  }
}
