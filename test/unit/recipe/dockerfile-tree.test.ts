// hpclint's parse of a Dockerfile into dockerfile-ast's tree builds each instruction once where the library builds
// it twice, and gives the library's own tree: same instructions, arguments, flags, heredocs and comments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerfileParser, ModifiableInstruction, type Dockerfile, type Instruction } from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser';
import { parseDockerfileTree } from '../../../server/src/recipe/dockerfile-tree';
import { corpusDockerfileTexts } from '../corpusDockerfiles';

const EDGE_CASES = [
  'FROM alpine\nRUN <<EOF\necho hi\nEOF\nRUN echo after\n',
  'FROM alpine\nCOPY <<-"A" <<B /dst/\n\tone\n\tA\ntwo\nB\nRUN cat /dst/*\n',
  'FROM alpine\nRUN echo 1 \\\n  && cat <<EOF \\\n  && echo 2\nbody\nEOF\nRUN echo 3 > /x && cat < /x\n',
  'FROM alpine\nONBUILD RUN <<EOF\necho later\nEOF\nHEALTHCHECK CMD [ "curl", "-f", "http://x" ]\n',
  '#escape=`\nFROM a\nRUN echo `\n# a comment with < in it\n  <<EOF\nx\nEOF\nRUN `\n  echo done\n',
  'FROM a\r\nRUN --mount=type=cache,target=/root/.cache pip install x\r\nADD --chmod=755 <<EOF /x\r\nhi\r\nEOF\r\nENV A=1 B="two words"\r\n',
  'FROM a AS b\nRUN echo <<',
  'FROM a\nRUN cat \\\n<<EOF\nx\nEOF',
];

function describe(dockerfile: Dockerfile): unknown {
  const range = (value: unknown): string => JSON.stringify(value);
  const instruction = (item: Instruction): unknown => {
    const withHeredocs = item as unknown as { getHeredocs?: () => { getName(): string; getContentRange(): unknown }[] };
    return {
      keyword: item.getInstruction(),
      range: range(item.getRange()),
      instructionRange: range(item.getInstructionRange()),
      arguments: item.getArguments().map((arg) => [arg.getValue(), range(arg.getRange())]),
      flags: item instanceof ModifiableInstruction ? item.getFlags().map((flag) => [flag.getName(), flag.getValue(), range(flag.getRange())]) : [],
      heredocs: withHeredocs.getHeredocs ? withHeredocs.getHeredocs().map((heredoc) => [heredoc.getName(), range(heredoc.getContentRange())]) : [],
    };
  };
  return {
    escape: dockerfile.getEscapeCharacter(),
    directives: dockerfile.getDirectives().map((directive) => range(directive.getRange())),
    instructions: dockerfile.getInstructions().map(instruction),
    comments: dockerfile.getComments().map((comment) => range(comment.getRange())),
    stages: dockerfile.getFROMs().length,
  };
}

test('the tree is the library parse’s: edge cases and every corpus Dockerfile', (t) => {
  const texts = [...EDGE_CASES];
  texts.push(...corpusDockerfileTexts(t));
  let heredocs = 0;
  for (const text of texts) {
    const expected = describe(DockerfileParser.parse(text)) as { instructions: { heredocs: unknown[] }[] };
    assert.deepEqual(describe(parseDockerfileTree(text)), expected, text.slice(0, 300));
    heredocs += expected.instructions.reduce((sum, item) => sum + item.heredocs.length, 0);
  }
  assert.ok(heredocs >= 10, `only ${heredocs} heredocs compared: the comparison would prove little`);
});

test('each instruction is built once, except where its text holds a `<` (a heredoc may start there)', () => {
  const text = 'FROM alpine AS one\nRUN make -j4 install\nENV A=1\nRUN cat <<EOF\nx\nEOF\nRUN echo 1 > /dev/null\nCMD ["sh"]\n';
  const builds = (parse: () => Dockerfile): number => {
    const original = Parser.createInstruction;
    let count = 0;
    Parser.createInstruction = (...args: Parameters<typeof Parser.createInstruction>) => {
      count++;
      return original(...args);
    };
    try {
      parse();
    } finally {
      Parser.createInstruction = original;
    }
    return count;
  };
  assert.equal(builds(() => DockerfileParser.parse(text)), 12);
  assert.equal(builds(() => parseDockerfileTree(text)), 7);
});
