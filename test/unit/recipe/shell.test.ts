import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Range, ShellScript } from '../../../server/src/recipe/model';
import { isSplitShellCCall, splitShell, splitShellGenerally, type SplitShellOptions } from '../../../server/src/recipe/shell';
import { corpusDockerfileTexts } from '../corpusDockerfiles';
import { LineIndex } from '../../../server/src/recipe/text';

function split(text: string, options?: SplitShellOptions): ShellScript {
  return splitShell(text, 0, text.length, new LineIndex(text), options);
}

/** `line:char-line:char` */
function at(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function summary(script: ShellScript): string[] {
  return script.commands.map(
    (command) =>
      `${command.depth}${command.separatorBefore ? ` ${command.separatorBefore}` : ''} ${command.name}` +
      `[${command.words.map((word) => word.value).join(',')}]${command.pipesToNext ? ' |' : ''}`,
  );
}

const DOCKER: SplitShellOptions = { dockerfileComments: true };

test('separators, pipes and exact word ranges', () => {
  const script = split('apt-get update && apt-get install -y curl; curl -fsSL https://x | bash || true & wait');
  assert.deepEqual(summary(script), [
    '0 apt-get[apt-get,update]',
    '0 && apt-get[apt-get,install,-y,curl]',
    '0 ; curl[curl,-fsSL,https://x] |',
    '0 | bash[bash]',
    '0 || true[true]',
    '0 & wait[wait]',
  ]);
  const curl = script.commands[2];
  assert.equal(at(curl.range), '0:43-0:63');
  assert.deepEqual(curl.words.map((word) => at(word.range)), ['0:43-0:47', '0:48-0:53', '0:54-0:63']);
  assert.equal(at(script.range), '0:0-0:85');
});

test('quotes: value is unquoted, text is raw', () => {
  const script = split(`echo "a b" 'c $d' x"y"z "q\\"w" \\$e`);
  const words = script.commands[0].words;
  assert.deepEqual(
    words.map((word) => [word.text, word.value]),
    [
      ['echo', 'echo'],
      ['"a b"', 'a b'],
      [`'c $d'`, 'c $d'],
      ['x"y"z', 'xyz'],
      ['"q\\"w"', 'q"w'],
      ['\\$e', '$e'],
    ],
  );
  assert.equal(at(words[2].range), '0:11-0:17');
});

test('unbalanced quote runs to the end without throwing', () => {
  const script = split(`echo "abc && rm -rf /\nnext`);
  assert.deepEqual(summary(script), ['0 echo[echo,abc && rm -rf /\nnext]']);
  assert.equal(at(script.commands[0].words[1].range), '0:5-1:4');
});

test('line continuations: multi-line words map through the line index', () => {
  const text = 'pip install \\\n    numpy\\\nscipy \\\r\n  && make';
  const script = split(text);
  assert.deepEqual(summary(script), ['0 pip[pip,install,numpyscipy]', '0 && make[make]']);
  const joined = script.commands[0].words[2];
  assert.equal(joined.text, 'numpy\\\nscipy');
  assert.equal(at(joined.range), '1:4-2:5');
  assert.equal(at(script.commands[1].range), '3:5-3:9');
});

test('a word ends before a continuation that directly follows it', () => {
  const text = 'apt-get install --allow-unauthenticated\\\n    foo\\\n';
  const words = split(text, DOCKER).commands[0].words;
  assert.deepEqual(
    words.map((word) => [word.text, at(word.range)]),
    [
      ['apt-get', '0:0-0:7'],
      ['install', '0:8-0:15'],
      ['--allow-unauthenticated', '0:16-0:39'],
      ['foo', '1:4-1:7'],
    ],
  );
});

test('Dockerfile backtick escape char continues lines', () => {
  const script = split('echo a `\n  b', { escapeChar: '`', dockerfileComments: true });
  assert.deepEqual(summary(script), ['0 echo[echo,a,b]']);
  assert.equal(at(script.commands[0].words[2].range), '1:2-1:3');
});

test('Dockerfile comment lines and blank lines inside continuations are dropped', () => {
  const text = 'apt-get update \\\n  # install the compilers\n\n  && apt-get install -y gcc';
  const script = split(text, DOCKER);
  assert.deepEqual(summary(script), ['0 apt-get[apt-get,update]', '0 && apt-get[apt-get,install,-y,gcc]']);
  assert.deepEqual(
    script.comments.map((comment) => [comment.text, at(comment.range)]),
    [['# install the compilers', '1:2-1:25']],
  );
});

test('a Dockerfile shell comment swallows continued lines (Docker joins them first)', () => {
  const script = split('apt-get install -y foo # the foo \\\n  bar', DOCKER);
  assert.deepEqual(summary(script), ['0 apt-get[apt-get,install,-y,foo]']);
  assert.equal(script.comments[0].text, '# the foo \\\n  bar');
  const plain = split('make # build\nmake install');
  assert.deepEqual(summary(plain), ['0 make[make]', '0 newline make[make,install]']);
  assert.equal(at(plain.comments[0].range), '0:5-0:12');
});

test('# inside a word is not a comment', () => {
  const script = split('echo a#b $# ${x#y}');
  assert.deepEqual(script.commands[0].words.map((word) => word.value), ['echo', 'a#b', '$#', '${x#y}']);
  assert.equal(script.comments.length, 0);
});

test('command substitutions, backticks, subshells and groups emit nested commands', () => {
  const script = split('echo $(curl -s x | sh) `uname -r`; (cd src && make); { a; b; }');
  assert.deepEqual(summary(script), [
    '0 echo[echo,$(curl -s x | sh),`uname -r`]',
    '1 curl[curl,-s,x] |',
    '1 | sh[sh]',
    '1 uname[uname,-r]',
    '1 cd[cd,src]',
    '1 && make[make]',
    '1 a[a]',
    '1 ; b[b]',
  ]);
  assert.equal(at(script.commands[1].range), '0:7-0:16');
  assert.equal(at(script.commands[0].words[1].range), '0:5-0:22');
});

test('substitution inside double quotes and assignments', () => {
  const script = split('VERSION="$(cat /etc/version)" B=2 make -j"$(nproc)"');
  assert.deepEqual(summary(script), ['0 make[make,-j$(nproc)]', '1 cat[cat,/etc/version]', '1 nproc[nproc]']);
  assert.deepEqual(
    script.commands[0].assignments.map((word) => word.text),
    ['VERSION="$(cat /etc/version)"', 'B=2'],
  );
  assert.equal(at(script.commands[0].range), '0:0-0:51');
});

test('assignment-only command has an empty name', () => {
  const script = split('PATH=/opt/bin:$PATH');
  assert.equal(script.commands.length, 1);
  assert.equal(script.commands[0].name, '');
  assert.deepEqual(script.commands[0].words, []);
});

test('redirections and their targets are not words', () => {
  const script = split('make install >/dev/null 2>&1 </dev/null && cat > /etc/x 2> err.log; echo hi &>log');
  assert.deepEqual(summary(script), [
    '0 make[make,install]',
    '0 && cat[cat]',
    '0 ; echo[echo,hi]',
  ]);
  assert.equal(at(script.commands[0].range), '0:0-0:39');
});

test('name is the basename of the first word', () => {
  const script = split('/usr/local/bin/pip3 install x');
  assert.equal(script.commands[0].name, 'pip3');
  assert.equal(script.commands[0].words[0].value, '/usr/local/bin/pip3');
});

test('control flow keywords are skipped', () => {
  const script = split(
    'if command -v curl; then curl -O x; else wget x; fi\nfor f in a b; do echo $f; done\nwhile read l; do :; done < f\ncase "$x" in a|b) apt-get update;; *) yum makecache;; esac',
  );
  assert.deepEqual(summary(script), [
    '0 command[command,-v,curl]',
    '0 ; curl[curl,-O,x]',
    '0 ; wget[wget,x]',
    '0 ; echo[echo,$f]',
    '0 newline read[read,l]',
    '0 ; :[:]',
    '0 newline apt-get[apt-get,update]',
    '0 ; yum[yum,makecache]',
  ]);
});

test('function definitions are not commands, their bodies are', () => {
  const script = split('build() { make -j4; }\nbuild');
  assert.deepEqual(summary(script), ['1 make[make,-j4]', '0 build[build]']);
});

test('heredoc bodies are recorded, not split, unless fed to a shell', () => {
  const text = 'cat > /etc/conf <<EOF\nrm -rf /\nEOF\nbash <<-\'END\'\n\tpip install numpy\n\tEND\necho done';
  const script = split(text);
  assert.deepEqual(summary(script), [
    '0 cat[cat]',
    '0 newline bash[bash]',
    '1 pip[pip,install,numpy]',
    '0 newline echo[echo,done]',
  ]);
  assert.deepEqual(
    script.heredocs.map((doc) => [doc.delimiter, doc.body, at(doc.range)]),
    [
      ['EOF', 'rm -rf /', '1:0-1:8'],
      ['END', '\tpip install numpy', '4:0-4:18'],
    ],
  );
  assert.equal(at(script.commands[2].range), '4:1-4:18');
});

test('python heredoc and `bash script.sh <<EOF` are not split', () => {
  const script = split('python3 <<EOF\nimport os\nEOF\nbash run.sh <<EOF\nanswer\nEOF');
  assert.deepEqual(summary(script), ['0 python3[python3]', '0 newline bash[bash,run.sh]']);
  assert.equal(script.heredocs.length, 2);
});

test('Dockerfile `RUN <<EOF` body is the script (unless its shebang names another interpreter)', () => {
  const script = split('<<EOF\nset -eux\ncurl -L x | tar xz\nEOF', DOCKER);
  assert.deepEqual(summary(script), ['0 set[set,-eux]', '0 newline curl[curl,-L,x] |', '0 | tar[tar,xz]']);
  assert.equal(at(script.commands[1].range), '2:0-2:9');
  const python = split('<<EOF\n#!/usr/bin/env python3\nimport os\nEOF', DOCKER);
  assert.deepEqual(python.commands, []);
  assert.equal(python.heredocs[0].body, '#!/usr/bin/env python3\nimport os');
});

test('`bash -c "…"` strings are shell: their commands follow the call, one level deeper, with ranges inside the string', () => {
  const script = split('cd /opt && bash -o pipefail -c "git clone https://github.com/a/b && make -C b" | tee log\nsh -ec \'pip install x\'');
  assert.deepEqual(summary(script), [
    '0 cd[cd,/opt]',
    '0 && bash[bash,-o,pipefail,-c,git clone https://github.com/a/b && make -C b] |',
    '1 git[git,clone,https://github.com/a/b]',
    '1 && make[make,-C,b]',
    '0 | tee[tee,log]',
    '0 newline sh[sh,-ec,pip install x]',
    '1 pip[pip,install,x]',
  ]);
  assert.equal(at(script.commands[2].words[2].range), '0:42-0:64');
  assert.ok(isSplitShellCCall(script.commands[1]));
  assert.ok(isSplitShellCCall(script.commands[5]));
  assert.ok(!isSplitShellCCall(script.commands[0]));
});

test('`sh -c` is split only when the script is one quoted string given to a shell (also behind sudo/env)', () => {
  const script = split('bash -c "$CMD"x; bash -c $SCRIPT; sh build.sh -c "make"');
  assert.deepEqual(summary(script), ['0 bash[bash,-c,$CMDx]', '0 ; bash[bash,-c,$SCRIPT]', '0 ; sh[sh,build.sh,-c,make]']);
  const wrapped = split('sudo -u app env A=1 bash -c \'echo "a b"\'');
  assert.deepEqual(summary(wrapped), ['0 sudo[sudo,-u,app,env,A=1,bash,-c,echo "a b"]', '1 echo[echo,a b]']);
});

test('`su -c`, `runuser -c` and `eval` strings are shell like `sh -c` strings (issue #12 leftovers)', () => {
  const script = split('su - app -c "git clone https://github.com/a/b"; runuser -l app -c \'pip install x\'; su -lc "make" app; eval "wget -q https://x/y.tgz && tar xf y.tgz"');
  assert.deepEqual(summary(script), [
    '0 su[su,-,app,-c,git clone https://github.com/a/b]',
    '1 git[git,clone,https://github.com/a/b]',
    '0 ; runuser[runuser,-l,app,-c,pip install x]',
    '1 pip[pip,install,x]',
    '0 ; su[su,-lc,make,app]',
    '1 make[make]',
    '0 ; eval[eval,wget -q https://x/y.tgz && tar xf y.tgz]',
    '1 wget[wget,-q,https://x/y.tgz]',
    '1 && tar[tar,xf,y.tgz]',
  ]);
  assert.equal(at(script.commands[1].words[2].range), '0:23-0:45');
  assert.ok(isSplitShellCCall(script.commands[0]) && isSplitShellCCall(script.commands[6]));
  // Near misses: `eval` of several words or of a variable, `su` without `-c`, an unquoted string.
  const quiet = split('eval "$(ssh-agent -s)" extra; eval $CMD; su app; su -c $SCRIPT app');
  assert.deepEqual(summary(quiet).filter((line) => line.startsWith('1 ')), ['1 ssh-agent[ssh-agent,-s]']);
});

test('unterminated heredoc runs to the end', () => {
  const script = split('cat <<EOF\nline 1\nline 2');
  assert.deepEqual(summary(script), ['0 cat[cat]']);
  assert.equal(script.heredocs[0].body, 'line 1\nline 2');
});

test('CRLF input gives ranges without the carriage return', () => {
  const script = split('echo a\r\necho b\r\n');
  assert.deepEqual(summary(script), ['0 echo[echo,a]', '0 newline echo[echo,b]']);
  assert.equal(at(script.commands[1].words[1].range), '1:5-1:6');
});

test('splits only the given sub-range with absolute positions', () => {
  const text = 'RUN curl x | sh\nRUN make';
  const index = new LineIndex(text);
  const script = splitShell(text, 4, 15, index);
  assert.equal(script.text, 'curl x | sh');
  assert.deepEqual(summary(script), ['0 curl[curl,x] |', '0 | sh[sh]']);
  assert.equal(at(script.commands[1].range), '0:13-0:15');
});

test('garbage never throws and stays fast', () => {
  const samples = [
    '',
    ')))',
    '((((',
    '$(((',
    '`',
    '"',
    "'",
    '<<',
    '<<EOF',
    '| && || ;;',
    '{ }',
    '}',
    'case',
    'case x in',
    'for',
    '\\',
    '2>',
    '&>',
    'a=(',
    '$(' .repeat(5000),
    '{ '.repeat(5000),
    '`'.repeat(5001),
  ];
  for (const sample of samples) {
    for (const options of [{}, DOCKER, { escapeChar: '`', dockerfileComments: true }]) {
      assert.doesNotThrow(() => split(sample, options), sample.slice(0, 20));
    }
  }
  const big = 'apt-get install -y foo && '.repeat(20000);
  const script = split(big, DOCKER);
  assert.equal(script.commands.length, 20000);
});

test('one command of plain words takes a shortcut that splits it as the general splitter does', (t) => {
  const texts = [
    'make -j4 install',
    '  make  -j4\tinstall  ',
    'ls -la /opt/x_y.z,a:b+c@d%e^f*g?h~i[j]k',
    'échó ünïcödé 😀 x',
    '/usr/bin/env python3 -V',
    'sh -c make',
    'bash -c x',
    'eval foo',
    'sudo -u app make',
    'x',
    ...['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'esac', 'for', 'select', 'function', 'case'].map((word) => `${word} a b`),
    'a=b make',
    'make A=b',
    '! x',
    '{ x; }',
    'x # comment',
    'x && y',
    'x > y',
    '2>x y',
    '"x" y',
    "x 'y'",
    'x $Y',
    'x `y`',
    'x \\\n y',
    'x\r\ny',
    'a(b) c',
    '',
    '   ',
  ];
  for (const dockerfile of corpusDockerfileTexts(t)) {
    for (const line of dockerfile.split('\n')) {
      const match = /^\s*RUN\s+(.*)$/i.exec(line);
      if (match) {
        texts.push(match[1]);
      }
    }
  }
  let plain = 0;
  for (const text of texts) {
    for (const options of [{}, { escapeChar: '\\', dockerfileComments: true }, { escapeChar: '`', dockerfileComments: true }]) {
      const shortcut = splitShell(`RUN ${text}\n`, 4, 4 + text.length, new LineIndex(`RUN ${text}\n`), options);
      const general = splitShellGenerally(`RUN ${text}\n`, 4, 4 + text.length, new LineIndex(`RUN ${text}\n`), options);
      assert.deepEqual(JSON.stringify(shortcut), JSON.stringify(general), text);
      assert.deepEqual(shortcut.commands.map(isSplitShellCCall), general.commands.map(isSplitShellCCall), text);
    }
    plain += /^[^\n\r;&|<>()`\\'"$#={}!]*$/.test(text) ? 1 : 0;
  }
  assert.ok(plain > 20, `only ${plain} texts of plain words compared`);
});
