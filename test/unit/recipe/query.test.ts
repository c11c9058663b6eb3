import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Range, ShellCommand, ShellScript } from '../../../server/src/recipe/model';
import { parseDockerfile } from '../../../server/src/recipe/dockerfile';
import {
  allScripts,
  commandsNamed,
  effectiveName,
  effectiveWords,
  finalStage,
  flagValue,
  hasFlag,
  isPipCommand,
  pipCommands,
  resolveVariable,
  stepsOf,
  wordsAfter,
} from '../../../server/src/recipe/query';
import { splitShell } from '../../../server/src/recipe/shell';
import { LineIndex } from '../../../server/src/recipe/text';

function script(text: string): ShellScript {
  return splitShell(text, 0, text.length, new LineIndex(text));
}

function command(text: string): ShellCommand {
  return script(text).commands[0];
}

function at(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

test('effectiveWords skips wrappers, their options and env assignments', () => {
  const values = (text: string) => effectiveWords(command(text)).map((word) => word.value);
  assert.deepEqual(values('sudo -u app -E env A=1 B=2 pip install x'), ['pip', 'install', 'x']);
  assert.deepEqual(values('nohup time nice -n 5 ./run.sh'), ['./run.sh']);
  assert.deepEqual(values('timeout -s KILL 60 curl x'), ['curl', 'x']);
  assert.deepEqual(values('xargs -n 1 -I{} curl -k {}'), ['curl', '-k', '{}']);
  assert.deepEqual(values('exec -a name gosu app'), ['gosu', 'app']);
  assert.deepEqual(values('command -v curl'), ['command', '-v', 'curl']);
  assert.deepEqual(values('env'), ['env']);
  assert.deepEqual(values('sudo -- rm x'), ['rm', 'x']);
  assert.equal(effectiveName(command('sudo /usr/bin/pip3 install x')), 'pip3');
});

test('effectiveWords and effectiveName answer for the command asked, however calls alternate', () => {
  const wrapped = command('sudo -u app pip install x');
  const plain = command('make -j4 install');
  const wrappedByPath = command('/usr/bin/env A=1 /opt/bin/pip3 install y');
  for (const [asked, words, name] of [
    [wrappedByPath, ['/opt/bin/pip3', 'install', 'y'], 'pip3'],
    [wrapped, ['pip', 'install', 'x'], 'pip'],
    [wrapped, ['pip', 'install', 'x'], 'pip'],
    [plain, ['make', '-j4', 'install'], 'make'],
    [wrapped, ['pip', 'install', 'x'], 'pip'],
    [plain, ['make', '-j4', 'install'], 'make'],
  ] as const) {
    assert.deepEqual(
      effectiveWords(asked).map((word) => word.value),
      words,
    );
    assert.equal(effectiveName(asked), name);
    assert.equal(isPipCommand(asked), name.startsWith('pip'));
  }
});

test('commandsNamed matches effective basenames across a script, a list or a recipe', () => {
  const body = script('sudo pip install a && /opt/bin/pip install b; pip3 install c; echo $(pip --version)');
  assert.deepEqual(
    commandsNamed(body, 'pip').map((found) => at(found.range)),
    ['0:0-0:18', '0:22-0:44', '0:69-0:82'],
  );
  assert.equal(commandsNamed([body, script('pip x')], 'pip', 'pip3').length, 5);
  const recipe = parseDockerfile('FROM a\nRUN curl -k x\nCMD curl y\nHEALTHCHECK CMD curl z\n');
  assert.deepEqual(
    commandsNamed(recipe, 'curl').map((found) => found.words[1].value),
    ['-k', 'y', 'z'],
  );
});

test('pipCommands covers pip variants and python -m pip', () => {
  const body = script('pip3.11 install a; python3 -m pip install b; python -mpip install c; python3 -u x.py; python3 -m venv v; pip2 x');
  assert.deepEqual(
    pipCommands(body).map((found) => found.words.map((word) => word.value).join(' ')),
    ['pip3.11 install a', 'python3 -m pip install b', 'python -mpip install c', 'pip2 x'],
  );
  assert.equal(isPipCommand(command('pipx install a')), false);
});

test('hasFlag: long flags, =values, combined short flags', () => {
  assert.equal(hasFlag(command('curl -fsSLk https://x'), '-k'), true);
  assert.equal(hasFlag(command('curl -fsSL https://x'), '-k', '--insecure'), false);
  assert.equal(hasFlag(command('curl --insecure https://x'), '-k', '--insecure'), true);
  assert.equal(hasFlag(command('pip install --no-cache-dir=1 x'), '--no-cache-dir'), true);
  assert.equal(hasFlag(command('pip install --no-cache-dirx x'), '--no-cache-dir'), false);
  assert.equal(hasFlag(command('gcc -march=native x.c'), '-march'), true);
  assert.equal(hasFlag(command('gcc -march=native x.c'), '-m'), false);
  assert.equal(hasFlag(command('sudo curl -k x'), '-k'), true, 'looks past wrappers');
  assert.equal(hasFlag(command('sudo -k curl x'), '-k'), false, 'wrapper options are not the command\'s');
  assert.equal(hasFlag(command('rm -- -k'), '-k'), false, 'stops at --');
  assert.equal(hasFlag(command('wget "--no-check-certificate" x'), '--no-check-certificate'), true);
});

test('flagValue returns the value word with its range', () => {
  const separate = flagValue(command('pip install --index-url https://mirror/simple x'), '--index-url', '-i');
  assert.equal(separate?.value, 'https://mirror/simple');
  assert.equal(at(separate!.range), '0:24-0:45');
  const attached = flagValue(command('pip install --index-url=https://m x'), '--index-url');
  assert.equal(attached?.value, 'https://m');
  assert.equal(at(attached!.range), '0:24-0:33');
  assert.equal(flagValue(command('curl -ofile x'), '-o')?.value, 'file');
  assert.equal(flagValue(command('gcc -march=skylake x'), '-march')?.value, 'skylake');
  assert.equal(flagValue(command('curl x'), '-o'), undefined);
  assert.equal(flagValue(command('curl -o'), '-o'), undefined);
});

test('wordsAfter', () => {
  const cmd = command('apt-get install -y curl');
  assert.deepEqual(wordsAfter(cmd, 0).map((word) => word.value), ['install', '-y', 'curl']);
  assert.deepEqual(wordsAfter(cmd, 2).map((word) => word.value), ['curl']);
  assert.deepEqual(wordsAfter(cmd, 9), []);
});

test('allScripts, stepsOf and finalStage', () => {
  const recipe = parseDockerfile(
    'FROM a AS build\nRUN make\nENV X=1\nFROM b\nCOPY --from=build /x /x\nRUN ./x\nENTRYPOINT ["/x"]\nHEALTHCHECK NONE\n',
  );
  assert.deepEqual(
    allScripts(recipe).map((ref) => `${ref.stage.index}:${ref.step.keyword}:${ref.script.text}`),
    ['0:RUN:make', '1:RUN:./x', '1:ENTRYPOINT:["/x"]'],
  );
  const runs = stepsOf(recipe, 'run');
  assert.deepEqual(runs.map((step) => step.script.commands[0].name), ['make', 'x']);
  assert.equal(stepsOf(recipe.stages[1], 'copy')[0].from?.value, 'build');
  assert.equal(finalStage(recipe), recipe.stages[1]);
  assert.equal(finalStage(parseDockerfile('')), undefined);
});

test('resolveVariable: stage ENV/ARG, inherited stages, global ARG defaults', () => {
  const recipe = parseDockerfile(
    [
      'ARG CUDA=12.2',
      'ARG PY',
      'FROM nvidia/cuda:${CUDA}-devel AS base',
      'ENV PREFIX=/opt/x',
      'ARG CUDA',
      'ENV PREFIX=/opt/y',
      'FROM base',
      'ARG JOBS=8',
      '',
    ].join('\n'),
  );
  const [base, child] = recipe.stages;
  assert.equal(resolveVariable(recipe, base, 'PREFIX'), '/opt/y');
  assert.equal(resolveVariable(recipe, base, 'PREFIX', 5), '/opt/x');
  assert.equal(resolveVariable(recipe, base, 'CUDA'), '12.2');
  assert.equal(resolveVariable(recipe, child, 'PREFIX'), '/opt/y');
  assert.equal(resolveVariable(recipe, child, 'JOBS'), '8');
  assert.equal(resolveVariable(recipe, base, 'JOBS'), undefined);
  assert.equal(resolveVariable(recipe, undefined, 'CUDA'), '12.2');
  assert.equal(resolveVariable(recipe, child, 'PY'), undefined);
});
