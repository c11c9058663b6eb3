// Which scripts ShellCheck sees, in which dialect, and exactly what text (no ShellCheck needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecipeFormat } from '../../../server/src/recipe/model';
import { parseRecipe } from '../../../server/src/recipe/parse';
import { extractScripts } from '../../../server/src/shellcheck/scripts';

function scripts(text: string, format: RecipeFormat): Array<{ keyword: string; shell: string; role: string; content: string }> {
  return extractScripts(parseRecipe(text, format)).map((s) => ({
    keyword: s.step.keyword,
    shell: s.interpreter.label,
    role: s.role,
    content: s.script.content,
  }));
}

const PROXIES = 'http_proxy=1 https_proxy=1 ftp_proxy=1 no_proxy=1 all_proxy=1';

test('RUN: continuation lines are joined and comment/blank lines inside dropped, as Docker does', () => {
  const found = scripts('FROM debian:12\nARG ver=1\nRUN apt-get install \\\n  # tools\n\n  vim=$ver \\\n  && echo done\n', 'dockerfile');
  assert.deepEqual(found, [
    {
      keyword: 'RUN',
      shell: '/bin/sh (dash on this Debian/Ubuntu base)',
      role: 'build',
      content: `#!/bin/dash\nexport ${PROXIES} ver=1\napt-get install   vim=$ver   && echo done\n`,
    },
  ]);
});

test('the escape directive changes the continuation character', () => {
  const [run] = scripts('# escape=`\nFROM debian:12\nRUN echo a `\n    b\n', 'dockerfile');
  assert.equal(run.content, `#!/bin/dash\nexport ${PROXIES}\necho a     b\n`);
});

test('SHELL sets the dialect for later instructions and for stages built FROM the stage', () => {
  const text = 'FROM alpine:3.20 AS base\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN echo a\nFROM base\nRUN echo b\nFROM rockylinux:9\nRUN echo c\n';
  assert.deepEqual(
    scripts(text, 'dockerfile').map((s) => [s.shell, s.content.split('\n')[0]]),
    [
      ['bash', '#!/bin/bash -e'],
      ['bash', '#!/bin/bash -e'],
      ['/bin/sh (bash on this base)', '#!/bin/bash'],
    ],
  );
});

test('RUN <<EOF: the body is the script, in the dialect of its #! line; a non-shell interpreter is skipped', () => {
  const text = 'FROM ubuntu:24.04\nRUN <<EOF\n#!/bin/bash\necho $x\nEOF\nRUN <<EOF\nimport sys\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN bash -e <<EOF\necho $y\nEOF\n';
  assert.deepEqual(scripts(text, 'dockerfile'), [
    { keyword: 'RUN', shell: 'bash', role: 'build', content: `#!/bin/bash\n\nexport ${PROXIES}\necho $x\n` },
    { keyword: 'RUN', shell: '/bin/sh (dash on this Debian/Ubuntu base)', role: 'build', content: `#!/bin/dash\nexport ${PROXIES}\nimport sys\n` },
    { keyword: 'RUN', shell: 'bash', role: 'build', content: `#!/bin/bash -e\nexport ${PROXIES}\necho $y\n` },
  ]);
});

test('a heredoc read by a command stays part of the shell script', () => {
  const [run] = scripts("FROM ubuntu:24.04\nRUN cat <<'EOF' > /etc/x && echo ok\nkey = $value\nEOF\n", 'dockerfile');
  assert.equal(run.content, `#!/bin/dash\nexport ${PROXIES}\ncat <<'EOF' > /etc/x && echo ok\nkey = $value\nEOF\n`);
});

test('exec forms, Windows bases and non-shell SHELLs are not checked; shell-form CMD and HEALTHCHECK are', () => {
  const text =
    'FROM ubuntu:24.04\nENV home=/h\nRUN ["echo", "a"]\nCMD echo "$home"\nHEALTHCHECK CMD curl -f localhost || exit 1\n' +
    'FROM mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022\nRUN dir\n' +
    'FROM ubuntu:24.04\nSHELL ["pwsh", "-c"]\nRUN Get-Item\n';
  assert.deepEqual(
    scripts(text, 'dockerfile').map((s) => [s.keyword, s.role, s.content]),
    [
      ['CMD', 'runtime', '#!/bin/dash\nexport home=1\necho "$home"\n'],
      ['HEALTHCHECK', 'runtime', '#!/bin/dash\nexport home=1\ncurl -f localhost || exit 1\n'],
    ],
  );
});

test('ARG and ENV are declared per stage; ENV carries into stages built FROM it, ARG does not', () => {
  const text = 'ARG global=1\nFROM ubuntu:24.04 AS one\nARG one_arg\nENV one_env=x\nFROM one\nRUN echo\n';
  assert.equal(scripts(text, 'dockerfile')[0].content, `#!/bin/dash\nexport ${PROXIES} one_env=1\necho\n`);
});

test('definition files: sections of one name run as one script with the last header arguments; -c drops Apptainer\'s -e', () => {
  const text =
    'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%arguments\n    v=1\n\n%environment\n    export data=/d\n\n' +
    '%post\n    echo {{ v }}\n\n%post -c /bin/bash\n    echo $data\n\n%runscript\n#!/bin/bash\n    exec app "$@"\n\n%setup\n    echo host\n';
  assert.deepEqual(scripts(text, 'apptainer'), [
    { keyword: '%environment', shell: '/bin/sh (dash on this Debian/Ubuntu base)', role: 'environment', content: '#!/bin/dash\nexport v=1\n    export data=/d\n\n' },
    { keyword: '%post', shell: 'bash', role: 'build', content: '#!/bin/bash\nexport v=1 data=1\n    echo _______\n\n    echo $data\n\n' },
    { keyword: '%runscript', shell: 'bash', role: 'runtime', content: '#!/bin/bash\n\nexport v=1 data=1\n    exec app "$@"\n\n' },
    { keyword: '%setup', shell: '/bin/sh', role: 'host', content: '#!/bin/sh -e\nexport v=1\n    echo host\n' },
  ]);
});

test('%post runs as /bin/sh -ex on the base image; a #! line there is not a shebang', () => {
  const [post] = scripts('Bootstrap: docker\nFrom: rockylinux:9\n%post\n#!/bin/bash\n# keep\nls\n', 'apptainer');
  assert.deepEqual(post, { keyword: '%post', shell: '/bin/sh (bash on this base)', role: 'build', content: '#!/bin/bash -e\n\n# keep\nls\n' });
});

test('app sections: %apprun sees %environment and its own %appenv, not another app\'s', () => {
  const text =
    'Bootstrap: docker\nFrom: alpine:3.20\n%environment\n    export g=1\n%appenv a\n    export a_home=/a\n%appenv b\n    export b_home=/b\n%apprun a\n    exec a\n';
  const apprun = scripts(text, 'apptainer').find((s) => s.keyword === '%apprun');
  assert.equal(apprun?.content, '#!/bin/sh\nexport g=1 a_home=1\n    exec a\n');
  assert.equal(apprun?.shell, '/bin/sh (BusyBox ash on this base)');
});

test('SHELL, ENV and the base follow FROM <stage> chains of any length (found in one pass, not per step)', () => {
  const lines = ['FROM alpine:3.20 AS s0', 'SHELL ["/bin/bash", "-c"]', 'ENV first=1'];
  for (let i = 1; i < 20_000; i++) {
    lines.push(`FROM s${i - 1} AS s${i}`, i === 19_998 ? 'ENV late=1' : `RUN echo ${i}`);
  }
  const found = extractScripts(parseRecipe(lines.join('\n') + '\n', 'dockerfile'));
  assert.equal(found.length, 19_998);
  const last = found[found.length - 1];
  assert.equal(last.interpreter.label, 'bash');
  assert.equal(last.script.content, `#!/bin/bash\nexport ${PROXIES} late=1 first=1\necho 19999\n`);
});

test('a stage name used twice: SHELL comes from the nearest earlier stage of that name', () => {
  const text = 'FROM debian:12 AS base\nSHELL ["/bin/bash", "-c"]\nFROM debian:12 AS base\nFROM base\nRUN echo x\n';
  assert.equal(scripts(text, 'dockerfile')[0].shell, '/bin/sh (dash on this Debian/Ubuntu base)');
});

test('an app section sees %environment and its own %appenv names in file order, not other apps\'; thousands of apps stay fast', () => {
  const text =
    'Bootstrap: docker\nFrom: ubuntu:24.04\n%environment\n    export one=1\n%appenv a\n    export mine=1\n%appenv b\n    export theirs=1\n' +
    '%environment\n    export two=2\n%apprun a\n    echo run\n';
  const run = scripts(text, 'apptainer').find((s) => s.keyword === '%apprun');
  assert.equal(run?.content.split('\n')[1], 'export one=1 mine=1 two=1');
  const apps = ['Bootstrap: docker', 'From: ubuntu:24.04'];
  for (let i = 0; i < 20_000; i++) {
    apps.push(`%appenv app${i}`, `    export v${i}=1`, `%apprun app${i}`, '    echo run');
  }
  const found = extractScripts(parseRecipe(apps.join('\n') + '\n', 'apptainer'));
  assert.equal(found.length, 40_000);
});
