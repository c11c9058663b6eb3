// dockerfile-utils' findings under the severity policy, on trimmed copies of corpus lines (docs/corpus/review.md, #9):
// what BuildKit builds is no error, what it refuses stays one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';

function syntax(text: string): string[] {
  const config = { ...defaultConfig(), syntaxValidation: true };
  return lint(text, { fileName: 'Dockerfile', rules: [], config }).diagnostics.map(
    (d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.name}`,
  );
}

test('heredocs with a file descriptor (containers/buildah tests/bud/heredoc) are bodies, not unknown instructions', () => {
  const text =
    'FROM alpine\n' +
    'RUN cat /proc/self/fd/5 /proc/self/fd/6 5<<FILE1 6<<FILE2 > test6.txt\n' +
    'this is the output of test6 part1\n' +
    'FILE1\n' +
    'this is the output of test6 part2\n' +
    'FILE2\n' +
    'RUN 5<<file cat /proc/self/fd/5 /proc/self/fd/6 6<<FILE | cat /dev/stdin /proc/self/fd/6 6<<File > test7.txt\n' +
    'this is the output of test7 part1\n' +
    'file\n' +
    'this is the output of test7 part2\n' +
    'FILE\n' +
    'this is the output of test7 part3\n' +
    'File\n';
  assert.deepEqual(syntax(text), []);
});

test('a broken continuation is still an unknown instruction (PawseySC buildlustrempich.dockerfile, BioContainers pia)', () => {
  const pawsey = 'FROM ubuntu:24.04\nRUN git clone https://github.com/lustre/lustre-release.git\n    && cd lustre-release \\\n    && sh autogen.sh\n';
  assert.deepEqual(syntax(pawsey), ['3:5 error UNKNOWN_INSTRUCTION']);
  const pia = 'FROM ubuntu:24.04\nLABEL base_image="ubuntu:24.04" \\\n  extra.binaries="runpia.sh"\n  about.tags="Proteomics"\n';
  assert.deepEqual(syntax(pia), ['4:3 error UNKNOWN_INSTRUCTION']);
});

test('several sources into a destination without a trailing slash build with BuildKit and Buildah: advice (E4S, Kitware)', () => {
  const text = 'FROM ubuntu:24.04 AS spack-common\nFROM ubuntu:24.04\nCOPY --from=spack-common README.md pingpong.c e4s-init.sh /etc/e4s\n';
  assert.deepEqual(syntax(text), ['3:59 info INVALID_DESTINATION']);
});

test('empty continuation lines and a second CMD build today: advice', () => {
  assert.deepEqual(syntax('FROM ubuntu:24.04\nRUN foo \\\n\nbar\n'), ['3:1 info EMPTY_CONTINUATION_LINE']);
  assert.deepEqual(syntax('FROM ubuntu:24.04\nCMD ["echo", "test"]\nCMD echo test\n'), ['2:1 info MULTIPLE_INSTRUCTIONS']);
});

test('COPY --from with a build argument, `COPY --`, a zero healthcheck interval and a default from a multi-name ARG are accepted', () => {
  // containers/buildah tests/bud/copy-from-stage-scoped-arg, arg-scope; moby/buildkit testfiles/flags, testfiles/health.
  assert.deepEqual(syntax('FROM alpine AS staging\nFROM alpine\nARG VARIANT="staging"\nCOPY --from="${VARIANT}" /variant /variant\n'), []);
  assert.deepEqual(syntax('FROM alpine\nCOPY -- foo /tmp/\n'), []);
  assert.deepEqual(syntax('FROM alpine\nHEALTHCHECK --interval=5s --timeout=0s --start-period=0s --retries=0 CMD ["foo"]\n'), []);
  assert.deepEqual(syntax('ARG BASE=alpine BUSY=busybox\nFROM $BASE\n'), []);
});

test('what BuildKit refuses stays an error: an unknown COPY flag, a sub-millisecond interval, an empty base', () => {
  assert.deepEqual(syntax('FROM alpine\nCOPY --doit=true foo /tmp/\n'), ['2:6 error UNKNOWN_COPY_FLAG']);
  assert.deepEqual(syntax('FROM alpine\nHEALTHCHECK --timeout=1us CMD ["foo"]\n').map((line) => line.replace(/^\S+ /, '')), ['error FLAG_LESS_THAN_1MS']);
  assert.deepEqual(syntax('FROM alpine\nHEALTHCHECK --retries=-1 CMD ["foo"]\n').map((line) => line.replace(/^\S+ /, '')), ['error FLAG_AT_LEAST_ONE']);
  assert.deepEqual(syntax('FROM $BASE\n').map((line) => line.replace(/^\S+ /, '')), ['error BASE_NAME_EMPTY']);
});
