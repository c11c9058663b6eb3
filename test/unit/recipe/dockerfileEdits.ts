// Seeded random edits of a Dockerfile, as typed in an editor, for the tests that compare a lint or parse with the memo of
// earlier versions with a fresh one (dockerfile-memo.test.ts, keyword-steps.test.ts).
import { Random } from '../../fuzz/fuzzer';

/** Characters typed into a line: words, quotes, variables, flags, JSON, heredoc and comment marks, escapes, line breaks. */
const TYPED = ['a', 'Z', '0', ' ', '\t', '-', '=', '$', '{', '}', '"', "'", '[', ']', ',', '<', '#', '\\', '`', '&', '|', ';', '\n', '\r\n', '\\\n'];
const LINES = [
  'RUN echo hello && make -j4 install',
  'ENV A=1 B="two words"',
  'ARG V=2',
  'FROM alpine:3.20 AS tools',
  'FROM tools',
  'COPY --from=tools /a /b',
  'RUN <<EOF\necho in heredoc\nEOF',
  'COPY <<-EOT /etc/x\n\tbody\n\tEOT',
  'RUN apt-get update \\',
  '    && apt-get install -y gcc \\',
  '# hpclint ignore=HPC-PORT-001',
  '# a comment',
  'ONBUILD RUN echo $V',
  'CMD ["sh", "-c", "echo hi"]',
  'HEALTHCHECK CMD curl -f http://x || exit 1',
  'EOF',
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
  if (kind < 8) {
    return text.slice(0, at) + TYPED[random.int(TYPED.length)] + text.slice(at);
  }
  if (kind < 11) {
    return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random.int(3)));
  }
  if (kind < 13) {
    lines.splice(line, 0, LINES[random.int(LINES.length)]);
    return lines.join('\n');
  }
  if (kind === 13) {
    lines.splice(line, 1);
    return lines.join('\n');
  }
  if (kind === 14) {
    const from = lines.findIndex((l) => /^\s*FROM\s/i.test(l));
    lines[from >= 0 ? from : line] = random.int(2) === 0 ? 'FROM ubuntu:24.04 AS base' : 'FROM $BASE';
    return lines.join('\n');
  }
  if (kind === 15) {
    return /^# escape=`\n/.test(text) ? text.slice('# escape=`\n'.length) : `# escape=\`\n${text}`;
  }
  if (kind === 16) {
    return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n');
  }
  if (kind === 17) {
    lines[line] = lines[line].endsWith('\\') ? lines[line].slice(0, -1) : `${lines[line]} \\`;
    return lines.join('\n');
  }
  if (kind === 18) {
    return text.slice(0, at) + '\r' + text.slice(at); // a lone carriage return: nothing is reused
  }
  lines.splice(line, 0, 'RUN cat <<EOF > /x', 'line $V');
  return lines.join('\n');
}
