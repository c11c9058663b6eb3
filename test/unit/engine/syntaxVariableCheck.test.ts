// dockerfile-utils' variable check skips only instructions it finds nothing in: the same findings (and the same
// crash) as the library's check, on tricky inputs and on every corpus Dockerfile mutated towards its traps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate } from 'dockerfile-utils';
import { Validator } from 'dockerfile-utils/lib/dockerValidator';
import { withVariableCheckWhereItCanReport } from '../../../server/src/engine/syntaxVariableCheck';
import { Random } from '../../fuzz/fuzzer';
import { corpusDockerfileTexts } from '../corpusDockerfiles';

/** The library's findings, or the message it crashed with. */
function findings(check: () => ReturnType<typeof validate>): unknown {
  try {
    return check();
  } catch (error) {
    return `crash: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function assertSameAsLibrary(text: string): void {
  const expected = findings(() => validate(text));
  assert.deepEqual(findings(() => withVariableCheckWhereItCanReport(() => validate(text))), expected, JSON.stringify(text.slice(0, 300)));
}

/** Lines of an escaped space and a continuation: dockerfile-ast makes each an argument overlapping all before it. */
const escapedSpaceLines = (n: number) => '\t\\ \\\n'.repeat(n);

const TRICKY = [
  // Modifiers outside RUN are reported, once per overlapping argument; inside RUN, CMD and ENTRYPOINT never.
  `FROM alpine\nLABEL a=\${X:?} \\\n${escapedSpaceLines(3)}\tb=\${Y:x} \\\n${escapedSpaceLines(2)}\tc=\${Z:}\n`,
  `FROM alpine\nWORKDIR /\${X:+a} \\\n${escapedSpaceLines(3)}\t\${Y:x}\nRUN echo \${A:x} \\\n${escapedSpaceLines(3)}\t\${B:}\nCMD \${C:y}\nENTRYPOINT [\${D:z}]\n`,
  // The fuzz case's shape: an unknown instruction made of continuations, plain variables, no `\${`.
  `FROM debian\nRUN set -eux; \\\n\tapt-ge{{t update; \\ \\\n\tapt-get install -y \\\n\tcurl -o x "$url.asc"; \\\n${escapedSpaceLines(4)}\techo "$sha256 *x" | sha256sum -c -; \\\n${escapedSpaceLines(2)}\texport G="$(mktemp -d)"\n`,
  // Unclosed and nested \`\${\`, escapes inside it, \`$\` at the end of an argument and of the text.
  'FROM alpine\nENV A=${B \\\n\tC=${D:-${E}} F=\\${G:x} H=$\nUSER ${U\\ser:x}\nEXPOSE ${P:-80}/tcp $\nVOLUME ${V\\\n:y}\nSTOPSIGNAL ${S:x}\nSTOPSIGNAL $',
  // An instruction before any FROM, indented: the library's variable resolution recurses until the stack overflows.
  '  ENV A=$B\nFROM alpine\n',
  '  LABEL a=${B:x}\nFROM alpine\n',
  '  RUN echo $B\nFROM alpine\n',
  '  EXPOSE 80\nFROM alpine\nRUN echo $B\n',
  // Indented FROM with variables, ARG before it, ONBUILD triggers, a heredoc, another escape character.
  'ARG T=1\n  FROM alpine:${T:-3} AS a\n  COPY --from=a ${X:y} /z/\nONBUILD ADD ${Y:z} /w\nRUN <<EOF\necho ${H:x}\nEOF\nCOPY <<EOF /f\n${I:y}\nEOF\n',
  '# escape=`\nFROM alpine\nLABEL a=${X:x} `\n\t` `\n\tb=${Y:y}\nRUN echo `${Z:z}\n',
];

test('tricky inputs: the findings and the crashes of the library\'s own check', () => {
  for (const text of TRICKY) {
    for (const eol of ['\n', '\r\n', '\r']) {
      assertSameAsLibrary(text.replaceAll('\n', eol));
    }
  }
  // The overlapping argument repeats ${Y:x}, and so does the library's report.
  const reported = withVariableCheckWhereItCanReport(() => validate(TRICKY[0])).map((d) => `${d.range.start.line}:${d.range.start.character} ${String(d.message)}`);
  assert.deepEqual(reported, [
    '5:7 failed to process "${Y:x}": unsupported modifier (x) in substitution',
    '5:7 failed to process "${Y:x}": unsupported modifier (x) in substitution',
    '8:3 failed to process "${Z:}": unsupported modifier () in substitution',
  ]);
  assert.match(String(findings(() => validate(TRICKY[4]))), /^crash: Maximum call stack/);
});

/** A corpus Dockerfile with the inputs the skipped check depends on: escaped-space lines, `${`, modifiers, indentation, line endings. */
function mutated(text: string, random: Random): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const roll = random.next();
    if (roll < 0.02) {
      out.push(`  ${line}`);
    } else if (roll < 0.04) {
      out.push(`${line} \${M${random.int(3)}:${random.pick(['-x', '+y', '?', '', 'z'])}}`);
    } else if (roll < 0.05) {
      out.push(`${line} ${random.pick(['${', '$', '\\${A:x}', '${A\\', '${A\\ b:x}'])}`);
    } else if (roll < 0.07 && line.endsWith('\\')) {
      out.push(line, escapedSpaceLines(1 + random.int(3)).slice(0, -1));
    } else if (!(roll < 0.08 && /^\s*FROM\b/i.test(line))) {
      out.push(line);
    }
  }
  if (random.chance(0.05)) {
    // An indented instruction before any FROM that uses a variable: the library's check crashes there.
    out.unshift(random.pick(['  ENV P=$HOME/bin', ' RUN echo $X', '\tLABEL a=$B']));
  }
  return out.join(random.pick(['\n', '\n', '\r\n', '\r']));
}

test('every corpus Dockerfile, mutated towards the skipped check: the library\'s findings', (t) => {
  const texts = corpusDockerfileTexts(t);
  const random = new Random(20261207);
  const prototype = Validator.prototype as unknown as { checkVariables(...args: unknown[]): void };
  const original = prototype.checkVariables;
  let checked = 0;
  prototype.checkVariables = function counted(this: unknown, ...args: unknown[]) {
    checked++;
    original.apply(this, args);
  };
  let skipped = 0;
  try {
    for (const text of texts) {
      const variant = mutated(text, random);
      checked = 0;
      const expected = findings(() => validate(variant));
      const byLibrary = checked;
      checked = 0;
      assert.deepEqual(findings(() => withVariableCheckWhereItCanReport(() => validate(variant))), expected, JSON.stringify(variant.slice(0, 300)));
      skipped += byLibrary - checked;
    }
  } finally {
    prototype.checkVariables = original;
  }
  // The library's check must have been skipped on these inputs, or the comparison proves nothing.
  assert.ok(texts.length === 0 || skipped > texts.length, `${skipped} checks skipped`);
  t.diagnostic(`${texts.length} variants, ${skipped} variable checks skipped`);
});
