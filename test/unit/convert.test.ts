// Dockerfile → definition-file conversion: exact output per instruction kind, and validity of the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversionError, convertDockerfile } from '../../server/src/convert/dockerfileToDefinition';
import { defaultDefinitionName, formatNotes } from '../../server/src/cli/convert';
import { lint } from '../../server/src/engine/lint';
import { convertDocument } from '../../server/src/lsp/features/convert';
import { parseDefinitionFile } from '../../server/src/recipe/apptainer';
import { allRules } from '../../server/src/rules/index';


/** Asserts the exact output and notes ([line, severity, message]); the output must be a valid definition file. */
function check(dockerfile: string, expected: string, notes: Array<[number, string, string]>): void {
  const result = convertDockerfile(dockerfile);
  assert.equal(result.text, expected);
  assert.deepEqual(
    result.notes.map((note) => [note.line, note.severity, note.message]),
    notes,
  );
  for (const note of result.notes) {
    assert.equal(note.code, 'HPC-BUILD-002');
  }
  assertValidDefinition(result.text);
  assertNotesAsComments(result.text, result.notes);
}

export function assertValidDefinition(text: string): void {
  assert.deepEqual(parseDefinitionFile(text).diagnostics, []);
  const problems = lint(text, { rules: allRules, format: 'apptainer' }).diagnostics.filter(
    (diagnostic) => (diagnostic.code.startsWith('HPC-DEF') && diagnostic.severity === 'error') || diagnostic.code === 'hpclint/parse',
  );
  assert.deepEqual(
    problems.map((problem) => `${problem.code}@${problem.range.start.line}: ${problem.message}`),
    [],
  );
}

/** Every note is also a `# hpclint-convert:` comment on a line above (or at) its line. */
function assertNotesAsComments(text: string, notes: ReturnType<typeof convertDockerfile>['notes']): void {
  const lines = text.split('\n');
  for (const note of notes) {
    const comment = `# hpclint-convert: ${note.message.replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }')}`;
    const found = lines.slice(0, note.line + 1).some((line) => line.trim() === comment);
    assert.ok(found, `no comment for note "${note.message}"`);
  }
}

test("RUN keeps continuation lines, drops comment lines inside them and quotes exec form", () => {
  check(
    "FROM ubuntu:24.04\nRUN apt-get update && \\\n    # dropped\n    apt-get install -y gcc\nRUN [\"echo\", \"a b\"]\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: ubuntu:24.04

%post
    apt-get update && \\
    apt-get install -y gcc
    echo 'a b'
`,
    [],
  );
});

test("RUN joins a continuation line that would start a section or sits inside single quotes", () => {
  check(
    "FROM alpine\nRUN printf '%s\\n' a \\\n%s b && echo 'x \\\ny'\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%post
    printf '%s\\n' a %s b && echo 'x y'
`,
    [],
  );
});

test("RUN heredocs: inline body, shebang body fed to its interpreter, other heredocs verbatim", () => {
  check(
    "FROM alpine\nRUN <<EOF\nset -e\necho hi\nEOF\nRUN <<PY\n#!/usr/bin/env python3\nprint(1)\nPY\nRUN cat > /etc/x <<EOF\nk=v\nEOF\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%post
    set -e
echo hi
    # hpclint-convert: RUN heredoc with #!/usr/bin/env python3: its body is fed to that interpreter
    /usr/bin/env python3 <<'PY'
print(1)
PY
    cat > /etc/x <<EOF
k=v
EOF
`,
    [[9,"info","RUN heredoc with #!/usr/bin/env python3: its body is fed to that interpreter"]],
  );
});

test("ENV goes to %environment and %post with Docker quoting", () => {
  check(
    "FROM alpine\nENV A=\"x y\" B=a\\ b C='$lit' PATH=/opt/bin:$PATH\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%environment
    export A="x y"
    export B="a b"
    export C="\\$lit"
    export PATH="/opt/bin:$PATH"

%post
    export A="x y"
    export B="a b"
    export C="\\$lit"
    export PATH="/opt/bin:$PATH"
`,
    [],
  );
});

test("ARG with default becomes %arguments and {{ name }}; without default a note", () => {
  check(
    "ARG BASE=alpine:3.20\nFROM $BASE\nARG VERSION=1.2\nARG TOKEN\nENV V=$VERSION\nCOPY app-${VERSION}.tar /opt/\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: {{ BASE }}

%arguments
    # %arguments needs Apptainer >= 1.2 or SingularityCE >= 4.0 (pass values with --build-arg NAME=value)
    BASE=alpine:3.20
    VERSION=1.2

%files
    app-{{ VERSION }}.tar /opt/

%environment
    export V="{{ VERSION }}"

%post
    export VERSION="{{ VERSION }}"
    # hpclint-convert: ARG TOKEN has no default: it stays empty, as in Docker without --build-arg; to set it, add TOKEN=value to %arguments and use { { TOKEN } }
    export TOKEN=""
    export V="{{ VERSION }}"
`,
    [[19,"warning","ARG TOKEN has no default: it stays empty, as in Docker without --build-arg; to set it, add TOKEN=value to %arguments and use {{ TOKEN }}"]],
  );
});

test("COPY becomes %files relative to WORKDIR; flags dropped; globs noted; /tmp staged and copied in %post", () => {
  const note = "/tmp/: Apptainer binds the build host's /tmp and /var/tmp while %post runs, so files %files put there would be hidden: they are staged in /opt/.hpclint-staging/1 and copied to /tmp by %post, which writes them into the build host's /tmp (they stay there after the build)";
  check(
    "FROM alpine\nWORKDIR /app\nCOPY --chown=1:1 --chmod=755 a.txt b/ ./\nCOPY src /opt/src\nCOPY *.py /opt/py/\nCOPY data.csv install.sh /tmp/\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%files
    # hpclint-convert: COPY --chown dropped: %files has no such option (files belong to root; the container runs as the invoking user)
    # hpclint-convert: COPY --chmod dropped: %files has no such option
    a.txt /app/
    b/. /app/
    src /opt/src
    # hpclint-convert: *.py: %files expands globs itself; check that the same files are copied
    *.py /opt/py/
    data.csv /opt/.hpclint-staging/1/
    install.sh /opt/.hpclint-staging/1/

%post
    mkdir -p /app && cd /app
    # hpclint-convert: ${note}
    mkdir -p /tmp && cp -r /opt/.hpclint-staging/1/. /tmp/ && rm -rf /opt/.hpclint-staging/1
`,
    [[8,"info","COPY --chown dropped: %files has no such option (files belong to root; the container runs as the invoking user)"],[8,"info","COPY --chmod dropped: %files has no such option"],[12,"info","*.py: %files expands globs itself; check that the same files are copied"],[19,"warning",note]],
  );
});

test("ADD: URL with and without checksum, local archive", () => {
  check(
    "FROM alpine\nADD --checksum=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa https://example.org/x-1.0.tar.gz /opt/\nADD https://example.org/tool /usr/local/bin/tool\nADD pkg.tar.gz /opt/pkg/\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%files
    pkg.tar.gz /opt/pkg/pkg.tar.gz

%post
    # hpclint-convert: ADD https://example.org/x-1.0.tar.gz becomes curl (needs curl in the image); the checksum is verified with sha256sum
    mkdir -p /opt && curl -fL --retry 3 -o /opt/x-1.0.tar.gz https://example.org/x-1.0.tar.gz
    echo 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  /opt/x-1.0.tar.gz' | sha256sum -c -
    # hpclint-convert: ADD https://example.org/tool becomes curl (needs curl in the image): add a checksum check (sha256sum -c) for reproducibility
    mkdir -p /usr/local/bin && curl -fL --retry 3 -o /usr/local/bin/tool https://example.org/tool
    # hpclint-convert: ADD of the archive pkg.tar.gz: copied with %files and unpacked in %post
    mkdir -p /opt/pkg && tar -xf /opt/pkg/pkg.tar.gz -C /opt/pkg && rm -f /opt/pkg/pkg.tar.gz
`,
    [[10,"info","ADD https://example.org/x-1.0.tar.gz becomes curl (needs curl in the image); the checksum is verified with sha256sum"],[13,"warning","ADD https://example.org/tool becomes curl (needs curl in the image): add a checksum check (sha256sum -c) for reproducibility"],[15,"info","ADD of the archive pkg.tar.gz: copied with %files and unpacked in %post"]],
  );
});

test("multi-stage: Stage names, %files from, unused stages left out", () => {
  check(
    "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM build AS test\nRUN go test ./...\nFROM debian:12\nCOPY --from=build /out/app /usr/local/bin/app\nCOPY --from=0 /etc/ssl/certs/ /etc/ssl/certs/\nENTRYPOINT [\"/usr/local/bin/app\"]\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.
# Stages not needed by the target were left out: test

Bootstrap: docker
From: golang:1.22
Stage: build

%post
    go build -o /out/app .

Bootstrap: docker
From: debian:12
Stage: stage2

%files from build
    /out/app /usr/local/bin/app
    /etc/ssl/certs/. /etc/ssl/certs/

%runscript
    exec /usr/local/bin/app "$@"
`,
    [],
  );
});

test("ENTRYPOINT + CMD: CMD is the default for missing arguments", () => {
  check(
    "FROM alpine\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"run\", \"it\"]\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%runscript
    if [ "$#" -eq 0 ]; then
        set -- run it
    fi
    exec tini -- "$@"
`,
    [],
  );
});

test("CMD only (shell form) with WORKDIR: arguments replace CMD; runscript changes directory", () => {
  check(
    "FROM alpine\nWORKDIR /srv\nCMD python3 -m http.server\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%post
    mkdir -p /srv && cd /srv

%runscript
    # hpclint-convert: Docker starts in WORKDIR /srv; Apptainer runs in the caller's directory, so the runscript changes to it
    # hpclint-convert: CMD becomes the default command: arguments to apptainer run replace it, as in Docker; an ENTRYPOINT of the base image is not included
    cd /srv
    if [ "$#" -eq 0 ]; then
        set -- /bin/sh -c 'python3 -m http.server'
    fi
    exec "$@"
`,
    [[11,"info","Docker starts in WORKDIR /srv; Apptainer runs in the caller's directory, so the runscript changes to it"],[11,"info","CMD becomes the default command: arguments to apptainer run replace it, as in Docker; an ENTRYPOINT of the base image is not included"]],
  );
});

test("shell-form ENTRYPOINT ignores arguments", () => {
  check(
    "FROM alpine\nENTRYPOINT exec app --flag\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%runscript
    # hpclint-convert: shell-form ENTRYPOINT ignores CMD and the run arguments, as in Docker
    exec /bin/sh -c 'exec app --flag'
`,
    [[7,"info","shell-form ENTRYPOINT ignores CMD and the run arguments, as in Docker"]],
  );
});

test("LABEL/MAINTAINER to %labels; USER/EXPOSE/VOLUME/STOPSIGNAL/ONBUILD comments; HEALTHCHECK to %test", () => {
  check(
    "FROM alpine\nLABEL org.opencontainers.image.title=\"My app\" version=1\nMAINTAINER Jane <jane@example.org>\nUSER app\nEXPOSE 80\nVOLUME /data\nSTOPSIGNAL SIGINT\nONBUILD RUN echo\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%labels
    org.opencontainers.image.title My app
    version 1
    maintainer Jane <jane@example.org>

%post
    # hpclint-convert: USER is ignored by Apptainer: the container runs as the invoking user, and %post runs as root (or fakeroot)
    # USER app
    # hpclint-convert: EXPOSE has no effect: Apptainer containers share the host network
    # EXPOSE 80
    # hpclint-convert: VOLUME has no effect: bind host directories at run time with --bind
    # VOLUME /data
    # hpclint-convert: STOPSIGNAL has no equivalent: instances are stopped with SIGTERM (apptainer instance stop --signal)
    # STOPSIGNAL SIGINT
    # hpclint-convert: ONBUILD has no equivalent in definition files: the trigger is dropped
    # ONBUILD RUN echo

%test
    # hpclint-convert: HEALTHCHECK becomes %test, which runs once at the end of the build (and with apptainer test), not periodically; skip it with --notest if it probes a running service
    exec curl -f http://localhost/
`,
    [[12,"info","USER is ignored by Apptainer: the container runs as the invoking user, and %post runs as root (or fakeroot)"],[14,"info","EXPOSE has no effect: Apptainer containers share the host network"],[16,"info","VOLUME has no effect: bind host directories at run time with --bind"],[18,"info","STOPSIGNAL has no equivalent: instances are stopped with SIGTERM (apptainer instance stop --signal)"],[20,"warning","ONBUILD has no equivalent in definition files: the trigger is dropped"],[24,"warning","HEALTHCHECK becomes %test, which runs once at the end of the build (and with apptainer test), not periodically; skip it with --notest if it probes a running service"]],
  );
});

test("SHELL bash becomes %post -c /bin/bash -e (fail-fast kept) plus set options", () => {
  check(
    "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | tar x\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: debian

%post -c /bin/bash -e
    # hpclint-convert: SHELL bash: %post runs with -c /bin/bash -e for the whole stage (also for RUN steps before SHELL); -e keeps a failing command stopping the build
    # SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    set -o pipefail
    curl x | tar x
`,
    [[7,"info","SHELL bash: %post runs with -c /bin/bash -e for the whole stage (also for RUN steps before SHELL); -e keeps a failing command stopping the build"]],
  );
});

test("installs into home directories are noted", () => {
  check(
    "FROM python:3\nRUN pip install --user numpy\nCOPY cfg /root/.config/app/\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: python:3

%files
    # hpclint-convert: /root/.config/app/ is in a home directory: Apptainer binds the host $HOME over it at run time; copy to /opt or /usr/local
    # hpclint-convert: if cfg is a directory, Docker copies its contents but %files copies the directory itself: write cfg/. instead
    # hpclint-convert: %files are copied before %post runs: files copied after a RUN in the Dockerfile already exist when the first RUN step runs
    cfg /root/.config/app/

%post
    # hpclint-convert: pip install --user installs into $HOME/.local, which Apptainer hides by binding the host home directory
    pip install --user numpy
`,
    [[9,"warning","/root/.config/app/ is in a home directory: Apptainer binds the host $HOME over it at run time; copy to /opt or /usr/local"],[9,"info","if cfg is a directory, Docker copies its contents but %files copies the directory itself: write cfg/. instead"],[9,"info","%files are copied before %post runs: files copied after a RUN in the Dockerfile already exist when the first RUN step runs"],[13,"warning","pip install --user installs into $HOME/.local, which Apptainer hides by binding the host home directory"]],
  );
});

test("FROM scratch", () => {
  check(
    "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: scratch
# hpclint-convert: FROM scratch: the image has no shell, so %post and %runscript cannot run in it

%files
    app /app

%runscript
    exec /app "$@"
`,
    [[3,"warning","FROM scratch: the image has no shell, so %post and %runscript cannot run in it"]],
  );
});

test("a RUN that changes directory is followed by cd back to WORKDIR", () => {
  check(
    "FROM alpine\nWORKDIR /w\nRUN cd /tmp && make\nRUN ls\n",
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: alpine

%post
    mkdir -p /w && cd /w
    cd /tmp && make
    cd /w
    ls
`,
    [],
  );
});

test('stage option converts for that build target only', () => {
  const dockerfile = 'FROM alpine AS base\nRUN echo base\nFROM base AS dev\nRUN echo dev\nFROM alpine AS prod\nRUN echo prod\n';
  const result = convertDockerfile(dockerfile, { stage: 'DEV' });
  assert.equal(
    result.text,
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.
# Stages not needed by the target were left out: base, prod

Bootstrap: docker
# hpclint-convert: Apptainer cannot bootstrap from another stage: the steps of base are repeated here on its base image
From: alpine
Stage: dev

%post
    echo base
    echo dev
`,
  );
  assert.deepEqual(result.notes, [
    { message: 'Apptainer cannot bootstrap from another stage: the steps of base are repeated here on its base image', line: 5, severity: 'info', code: 'HPC-BUILD-002' },
  ]);
  assertValidDefinition(result.text);
});

test('COPY --from an image adds a stage for that image', () => {
  const result = convertDockerfile('FROM alpine\nCOPY --from=busybox:1.36 /bin/busybox /bin/\n');
  assert.match(result.text, /^Bootstrap: docker\n# hpclint-convert: COPY --from=busybox:1\.36 copies from an image: Apptainer needs it as a stage of its own\nFrom: busybox:1\.36\nStage: image0\n$/m);
  assert.match(result.text, /%files from image0\n {4}# hpclint-convert: if \/bin\/busybox is a directory, .*\n {4}\/bin\/busybox \/bin\/\n/);
  assertValidDefinition(result.text);
});

test('isDirectory lets a context directory copy its contents', () => {
  const result = convertDockerfile('FROM alpine\nCOPY conf /etc/app/\nCOPY run.sh /usr/local/bin/\n', { isDirectory: (source) => source === 'conf' });
  assert.match(result.text, /%files\n {4}conf\/\. \/etc\/app\/\n {4}run\.sh \/usr\/local\/bin\/\n/);
  assert.deepEqual(result.notes, []);
});

test('errors: no FROM, unknown stage', () => {
  assert.throws(() => convertDockerfile('# nothing\n'), ConversionError);
  assert.throws(() => convertDockerfile('FROM alpine AS a\n', { stage: 'b' }), /no stage named "b"/);
});

test('default output names and note lines', () => {
  assert.equal(defaultDefinitionName('Dockerfile'), 'Apptainer.def');
  assert.equal(defaultDefinitionName('Containerfile'), 'Apptainer.def');
  assert.equal(defaultDefinitionName('Dockerfile.gpu'), 'Apptainer.gpu.def');
  assert.equal(defaultDefinitionName('app.dockerfile'), 'app.def');
  assert.equal(defaultDefinitionName('recipe'), 'recipe.def');
  assert.equal(
    formatNotes('out.def', [{ message: 'm', line: 4, severity: 'info', code: 'HPC-BUILD-002' }]),
    'out.def:5:1 info HPC-BUILD-002 m\n',
  );
});

test('language-server request handler: result with suggested file name, or an error', () => {
  const result = convertDocument({ uri: 'file:///nonexistent-dir/Dockerfile.gpu', text: 'FROM alpine\nRUN echo hi\n' });
  assert.ok('text' in result);
  assert.equal(result.fileName, 'Apptainer.gpu.def');
  assert.match(result.text, /\n%post\n {4}echo hi\n$/);
  assert.deepEqual(convertDocument({ uri: 'untitled:Untitled-1', text: '# empty\n' }), { error: 'no FROM instruction: nothing to convert' });
  assert.deepEqual(convertDocument({ uri: 1, text: 'FROM alpine' } as never), { error: 'hpclint/convertDockerfile needs { uri, text }' });
});

test('an ENV value that doubles on every line stops being substituted past 64 KiB, with a note (fuzz 609429364:119)', () => {
  const exports = ['    export X="ab"', ...Array.from({ length: 16 }, () => '    export X="$X$X"')].join('\n');
  check(
    `FROM ubuntu:24.04\nENV X=ab\n${'ENV X=$X$X\n'.repeat(16)}WORKDIR /opt/$X\n`,
    `# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.

Bootstrap: docker
From: ubuntu:24.04

%environment
${exports}

%post
${exports}
    # hpclint-convert: $X is longer than 65536 characters here: left as written
    mkdir -p '/opt/$X' && cd '/opt/$X'
`,
    [[43, 'warning', '$X is longer than 65536 characters here: left as written']],
  );
});

test('an ENV value just under 64 KiB is still substituted', () => {
  const result = convertDockerfile(`FROM ubuntu:24.04\nENV X=ab\n${'ENV X=$X$X\n'.repeat(14)}WORKDIR /opt/$X\n`);
  const path = `/opt/${'ab'.repeat(2 ** 14)}`;
  assert.ok(result.text.includes(`    mkdir -p ${path} && cd ${path}\n`));
  assert.deepEqual(result.notes, []);
});
