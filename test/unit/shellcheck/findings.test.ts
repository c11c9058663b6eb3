// ShellCheck findings with exact recipe positions, in /bin/sh and bash dialects, for every script form.
// Needs the `shellcheck` binary (Debian's package); skipped without it unless HPCLINT_REQUIRE_SHELLCHECK=1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../../server/src/engine/fixes';
import { compact, covered, haveShellCheck, shellcheckFindings } from './helpers';

const FIXTURES = join(__dirname, '../../fixtures/shellcheck');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

test('Dockerfile: RUN in shell and heredoc forms, CMD; /bin/sh is dash on Ubuntu, SHELL switches to bash', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const text = fixture('run-forms.Dockerfile');
  const found = shellcheckFindings(text, 'dockerfile');
  assert.deepEqual(compact(found), [
    '5:8-5:32 warning SC3010', // [[ ]] under dash
    '10:14-10:23 hint SC2086', // joined continuation: the position is on the original line
    '10:14-10:23 info SC2154',
    '11:5-11:12 info SC2164',
    '16:6-16:21 hint SC2086', // RUN <<EOF body, bash by its #! line: [[ ]] is fine there
    '16:6-16:21 info SC2154',
    '20:42-20:51 hint SC2086', // the command line of `cat <<'CONF'`; the quoted heredoc body is data
    '20:42-20:51 info SC2154',
    '24:52-24:60 hint SC2086', // after SHELL ["/bin/bash", …]: [[ ]] is fine
    '24:52-24:60 info SC2154',
    '25:20-25:25 info SC2154', // CMD shell form
  ]);
  assert.deepEqual(
    found.map((d) => covered(text, d)),
    ['[[ -f /etc/os-release ]]', '$packages', '$packages', 'cd /src', '$undefined_name', '$undefined_name', '$conf_dir', '$conf_dir', '$missing', '$missing', '$name'],
  );
  const first = found[0];
  assert.equal(first.code, 'shellcheck/SC3010');
  assert.equal(first.category, 'shell');
  assert.equal(first.source, 'shellcheck');
  assert.equal(first.message, 'In dash, [[ ]] is not supported. This script runs with /bin/sh (dash on this Debian/Ubuntu base).');
  assert.ok(!found.some((d) => /release|prefix/.test(d.message)), 'ARG and ENV values are declared');
});

test('definition files: every script section, indented bodies, -c /bin/bash, #! lines, %environment variables', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const text = fixture('sections.def');
  const found = shellcheckFindings(text, 'apptainer');
  assert.deepEqual(compact(found), [
    '8:11-8:30 hint SC2086', // %setup (host /bin/sh)
    '9:10-9:19 hint SC2086',
    '9:10-9:19 info SC2154',
    '16:5-16:12 info SC2164', // %post: both sections run as one bash script (the later -c /bin/bash): [[ ]] is fine
    '17:10-17:19 hint SC2086',
    '17:10-17:19 info SC2154',
    '24:14-24:16 warning SC2068', // %runscript: `exec app $@`
    '28:34-28:44 hint SC2086', // %startscript with #!/bin/bash
    '28:34-28:44 info SC2154',
    '31:5-31:23 warning SC3046', // %test: `source` under dash
    '35:10-35:19 hint SC2086', // %appinstall
    '35:10-35:19 info SC2154',
    '41:28-41:36 hint SC2086', // %apprun sees %appenv's tool_home
    '41:28-41:36 info SC2154',
    '47:10-47:21 hint SC2086', // %appstart
    '47:10-47:21 info SC2154',
  ]);
  assert.deepEqual(
    found.filter((d) => d.name === 'SC2154').map((d) => covered(text, d)),
    ['$host_var', '$post_var', '$start_var', '$tool_var', '$run_var', '$start_tool'],
  );
  assert.ok(!found.some((d) => /data_dir|tool_home|version/.test(d.message)), '%environment, %appenv and %arguments names are declared');
});

test('/bin/sh versus bash in %post: dash rejects [[ ]], bash by -c accepts it; an unknown base is only info', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const body = '\n%post\n    [[ -d /opt ]] && echo yes\n';
  assert.deepEqual(compact(shellcheckFindings(`Bootstrap: docker\nFrom: debian:12\n${body}`, 'apptainer')), ['5:5-5:18 warning SC3010']);
  assert.deepEqual(compact(shellcheckFindings(`Bootstrap: docker\nFrom: myorg/custom:1\n${body}`, 'apptainer')), ['5:5-5:18 info SC3010']);
  assert.deepEqual(compact(shellcheckFindings(`Bootstrap: docker\nFrom: debian:12\n${body.replace('%post', '%post -c /bin/bash -e')}`, 'apptainer')), []);
  assert.deepEqual(compact(shellcheckFindings(`Bootstrap: docker\nFrom: rockylinux:9\n${body}`, 'apptainer')), []);
});

test('%post runs with -e: an unchecked cd is not reported there, but is (as info) in a RUN', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  assert.deepEqual(compact(shellcheckFindings('Bootstrap: docker\nFrom: debian:12\n%post\n    cd /opt\n    make\n', 'apptainer')), []);
  assert.deepEqual(compact(shellcheckFindings('FROM debian:12\nRUN cd /opt; make\n', 'dockerfile')), ['2:5-2:12 info SC2164']);
});

test('codes hadolint disables are off by default and can be turned on; settings and pragmas apply', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const text = 'FROM debian:12\nRUN . /etc/profile.d/tools.sh && echo $undefined\n';
  assert.deepEqual(compact(shellcheckFindings(text, 'dockerfile')), ['2:39-2:49 hint SC2086', '2:39-2:49 info SC2154']);
  assert.deepEqual(compact(shellcheckFindings(text, 'dockerfile', { rules: { SC1091: 'warning' } })), [
    '2:7-2:30 warning SC1091',
    '2:39-2:49 hint SC2086',
    '2:39-2:49 info SC2154',
  ]);
  assert.deepEqual(compact(shellcheckFindings(text, 'dockerfile', { rules: { 'shellcheck/SC2154': 'error', SC2086: 'off' } })), ['2:39-2:49 error SC2154']);
  assert.deepEqual(compact(shellcheckFindings(text, 'dockerfile', { categories: { shell: 'off' } })), []);
  const silenced = 'FROM debian:12\n# hpclint ignore=SC2154,shellcheck/SC2086 -- set by the base image\nRUN echo $undefined\n';
  assert.deepEqual(compact(shellcheckFindings(silenced, 'dockerfile')), []);
});

test('ShellCheck\'s own fix is offered (unsafe) and removes the finding when applied', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const text = 'FROM debian:12\nENV dir=/opt\nRUN ls $HOME/x \\\n  && cp a $HOME\n';
  const found = shellcheckFindings(text, 'dockerfile');
  assert.deepEqual(compact(found), ['3:8-3:13 hint SC2086', '4:11-4:16 hint SC2086']);
  const fix = found[1].fixes[0];
  assert.equal(fix.safe, false);
  const fixed = applyEdits(text, fix.edits);
  assert.equal(fixed, 'FROM debian:12\nENV dir=/opt\nRUN ls $HOME/x \\\n  && cp a "$HOME"\n');
  assert.deepEqual(compact(shellcheckFindings(fixed, 'dockerfile')), ['3:8-3:13 hint SC2086']);
});

test('{{ placeholders }} are literal text for ShellCheck, and findings about them are dropped', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const text = 'Bootstrap: docker\nFrom: debian:12\n%arguments\n    cuda=0\n%post\n    if [ {{ cuda }} != "0" ]; then echo gpu; fi\n';
  assert.deepEqual(compact(shellcheckFindings(text, 'apptainer')), []);
});

test('ShellCheck levels under the severity policy, on corpus shapes: errors are warnings, info is a hint, noisy codes are info', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  // BioContainers cellpose: `torch>=1.6` redirects to a file named `=1.6` (ShellCheck error SC2261): the build goes on.
  const pip = 'FROM ubuntu:24.04\nRUN pip install --no-cache-dir torch>=1.6 pyqtgraph>=0.11.0rc0 natsort\n';
  assert.deepEqual(
    compact(shellcheckFindings(pip, 'dockerfile')).map((line) => line.replace(/^\S+ /, '')),
    ['warning SC2261', 'warning SC2261'],
  );
  // ExaChem: the quotes inside CMAKE_OPTIONS reach cmake literally (SC2089, warning); each use (SC2090) is the same cause.
  const exachem =
    'Bootstrap: docker\nFrom: ubuntu:24.04\n%post\n' +
    '    CMAKE_OPTIONS="-DCMAKE_INSTALL_PREFIX=/opt/install/exachem -DMODULES=\'CC;DFT\' "\n' +
    '    echo CMAKE_OPTIONS $CMAKE_OPTIONS\n' +
    '    cmake $CMAKE_OPTIONS ..\n' +
    '    NPROCS=`nproc`\n' +
    '    /bin/echo -e "done\\n"\n';
  assert.deepEqual(
    compact(shellcheckFindings(exachem, 'apptainer')).map((line) => line.replace(/^\S+ /, '')),
    ['warning SC2089', 'hint SC2086', 'info SC2090', 'hint SC2086', 'info SC2090', 'info SC2034', 'hint SC2006', 'info SC3036'],
  );
});

test('SC1007 after export declares an empty variable on purpose (apptainer dist/docker): info; before a command it stays a warning', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const exported = 'FROM debian:12\nRUN . /buildenv.sh && \\\n    export PKG_CONFIG_PATH= \\\n    export PKG_CONFIG_SYSROOT_DIR=/sysroot && make\n';
  assert.deepEqual(compact(shellcheckFindings(exported, 'dockerfile')).map((line) => line.replace(/^\S+ /, '')), ['info SC1007', 'info SC2316']);
  const command = 'FROM debian:12\nRUN CC= make\n';
  assert.deepEqual(compact(shellcheckFindings(command, 'dockerfile')).map((line) => line.replace(/^\S+ /, '')), ['warning SC1007']);
});
