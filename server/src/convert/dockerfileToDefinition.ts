// Dockerfile → Apptainer definition file, following hpc-rules.md §a.10 (Apptainer's own OCI
// conversion for ENTRYPOINT/CMD, spython's mapping otherwise). Every loss becomes a note
// (HPC-BUILD-002) that is also written as a `# hpclint-convert:` comment above the converted line.
import type { ArgStep, CopyStep, EntrypointStep, Recipe, RunStep, Stage, Step, TestStep, Word } from '../recipe/model';
import { parseDockerfile } from '../recipe/dockerfile';
import { LineIndex } from '../recipe/text';
import { BASH_WITH_ERREXIT } from '../rules/util/section-shell';
import { INDENT, renderDefinition, StageWriter, type ConversionNote, type Entry, type NoteSeverity, type PendingNote } from './definitionWriter';
import { breaksDefinition, dockerShellLines, heredocBodies } from './shellLines';
import { dockerWordParts, dockerWordText, escapeDoubleQuotedLiteral, shellQuote, TEMPLATE, type WordPart } from './words';

export type { ConversionNote } from './definitionWriter';

export interface ConvertOptions {
  /** Build target (like `docker build --target`); default: the last stage. */
  stage?: string;
  /** Whether a COPY/ADD source in the build context is a directory (undefined = unknown); lets `dir` become `dir/.`. */
  isDirectory?: (source: string) => boolean | undefined;
}

export interface ConversionResult {
  text: string;
  notes: ConversionNote[];
}

export class ConversionError extends Error {}

/** Converts Dockerfile text. Throws `ConversionError` when the text has no FROM or `stage` does not exist. */
export function convertDockerfile(text: string, options: ConvertOptions = {}): ConversionResult {
  return new Converter(parseDockerfile(text), text, options).convert();
}

const PLATFORM_ARGS: Record<string, string> = {
  TARGETARCH: '$(uname -m | sed -e s/x86_64/amd64/ -e s/aarch64/arm64/)',
  BUILDARCH: '$(uname -m | sed -e s/x86_64/amd64/ -e s/aarch64/arm64/)',
  TARGETOS: 'linux',
  BUILDOS: 'linux',
  TARGETPLATFORM: 'linux/$(uname -m | sed -e s/x86_64/amd64/ -e s/aarch64/arm64/)',
  BUILDPLATFORM: 'linux/$(uname -m | sed -e s/x86_64/amd64/ -e s/aarch64/arm64/)',
  TARGETVARIANT: '',
  BUILDVARIANT: '',
};

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const URL = /^(https?|ftp):\/\//i;
const GIT_URL = /^(git@|git:\/\/)|\.git(#.*)?$/i;
const HOME_PATH = /^(\/root(\/|$)|\/home\/|~(\/|$)|\$\{?HOME\}?(\/|$))/;
const TMP_PATH = /^\/(var\/)?tmp(\/|$)/;
/** Directories every base image has: a copy to one of them lands inside it (Docker and cp agree). */
export const EXISTING_DIRECTORIES = new Set([
  '/', '/bin', '/etc', '/home', '/lib', '/mnt', '/opt', '/root', '/sbin', '/srv', '/tmp', '/usr', '/usr/bin', '/usr/include', '/usr/lib',
  '/usr/local', '/usr/local/bin', '/usr/local/etc', '/usr/local/include', '/usr/local/lib', '/usr/local/sbin', '/usr/local/share',
  '/usr/local/src', '/usr/sbin', '/usr/share', '/usr/src', '/var', '/var/lib', '/var/tmp',
]);
const STAGING = '/opt/.hpclint-staging';
/** A longer ENV value is not substituted into later steps: `ENV X=$X$X`, repeated, doubles it on every line. */
const MAX_SUBSTITUTED_LENGTH = 65_536;
const VERSION_COMMENT = '# %arguments needs Apptainer >= 1.2 or SingularityCE >= 4.0 (pass values with --build-arg NAME=value)';

type Binding = { kind: 'arg'; template: boolean; literal: string } | { kind: 'env'; literal: string; tooLong?: true };

interface StageState {
  writer: StageWriter;
  scope: Map<string, Binding>;
  /** Names already in this stage's `%arguments`. */
  argumentNames: Map<string, string>;
  workdir: string;
  /** Shell used for RUN (Dockerfile SHELL), as argv. */
  shell: string[];
  sawRun: boolean;
  cmdInherited: boolean;
  notedFilesOrder: boolean;
  entrypoint?: EntrypointStep;
  cmd?: EntrypointStep;
  healthcheck?: TestStep;
}

interface OutputStage {
  /** `Stage:` name, when the output has several stages or the Dockerfile named it. */
  name?: string;
  stage: Stage;
}

class Converter {
  private readonly index: LineIndex;
  private readonly imageStages: { image: string; name: string }[] = [];
  private outputNames = new Map<Stage, string>();
  /** The first stage of each name, lower case (a scan per lookup made long `FROM` chains quadratic). */
  private readonly stagesByName = new Map<string, Stage>();
  /** Numbers the staging directories of copies into /tmp and /var/tmp. */
  private stagingCount = 0;

  constructor(
    private readonly recipe: Recipe,
    private readonly text: string,
    private readonly options: ConvertOptions,
  ) {
    this.index = new LineIndex(text);
    for (const stage of recipe.stages) {
      const name = stage.name?.value.toLowerCase();
      if (name !== undefined && !this.stagesByName.has(name)) {
        this.stagesByName.set(name, stage);
      }
    }
  }

  convert(): ConversionResult {
    const { options } = this;
    const stages = this.recipe.stages;
    if (stages.length === 0) {
      throw new ConversionError('no FROM instruction: nothing to convert');
    }
    const target = options.stage === undefined ? stages[stages.length - 1] : this.stageByName(options.stage);
    if (!target) {
      throw new ConversionError(`no stage named "${options.stage}" (stages: ${stages.map((s) => s.name?.value ?? String(s.index)).join(', ')})`);
    }
    const needed = this.neededStages(target);
    const multi = needed.length > 1 || this.usesImageCopies(needed);
    const output: OutputStage[] = needed.map((stage) => ({ stage, name: stage.name?.value ?? (multi ? `stage${stage.index}` : undefined) }));
    for (const item of output) {
      if (item.name) {
        this.outputNames.set(item.stage, item.name);
      }
    }
    const writers = output.map((item) => this.convertStage(item, item.stage === target));
    const imageWriters = this.imageStages.map(({ image, name }) => {
      const writer = new StageWriter();
      writer.header.push(entry(['Bootstrap: docker']));
      writer.header.push(
        entry([`From: ${image}`, `Stage: ${name}`], [
          { message: `COPY --from=${image} copies from an image: Apptainer needs it as a stage of its own`, severity: 'info' },
        ]),
      );
      return writer;
    });
    const kept = new Set(needed);
    const skipped = stages.filter((stage) => !kept.has(stage));
    const preamble = ['# Converted from a Dockerfile by hpclint convert. Review the hpclint-convert notes below.'];
    if (skipped.length > 0) {
      preamble.push(`# Stages not needed by the target were left out: ${skipped.map((s) => s.name?.value ?? `#${s.index}`).join(', ')}`);
    }
    return renderDefinition(preamble, [...imageWriters, ...writers]);
  }

  // ------------------------------------------------------------ stages

  private stageByName(name: string): Stage | undefined {
    return this.stagesByName.get(name.toLowerCase()) ?? (/^\d+$/.test(name) ? this.recipe.stages[Number(name)] : undefined);
  }

  /** `FROM earlier` chains are replayed: the root base and every step from the root down. */
  private lineage(stage: Stage): Stage[] {
    const chain: Stage[] = [stage];
    let current = stage;
    while (current.base.stageRef !== undefined) {
      const parent = this.stageByName(current.base.stageRef);
      // Parents come earlier in the file, so the chain cannot loop.
      if (!parent || parent.index >= current.index) {
        break;
      }
      chain.push(parent);
      current = parent;
    }
    return chain.reverse();
  }

  private copySourceStage(step: CopyStep, before: number): Stage | undefined {
    if (!step.from) {
      return undefined;
    }
    const value = step.from.value;
    const stage = this.stageByName(value);
    return stage && stage.index < before ? stage : undefined;
  }

  private neededStages(target: Stage): Stage[] {
    const needed = new Set<Stage>();
    const visit = (stage: Stage): void => {
      if (needed.has(stage)) {
        return;
      }
      needed.add(stage);
      for (const link of this.lineage(stage)) {
        for (const step of link.steps) {
          const source = step.kind === 'copy' ? this.copySourceStage(step, link.index) : undefined;
          if (source) {
            visit(source);
          }
        }
      }
    };
    visit(target);
    return this.recipe.stages.filter((stage) => needed.has(stage));
  }

  private usesImageCopies(stages: readonly Stage[]): boolean {
    return stages.some((stage) =>
      this.lineage(stage).some((link) => link.steps.some((step) => step.kind === 'copy' && step.from !== undefined && !this.copySourceStage(step, link.index))),
    );
  }

  private convertStage(item: OutputStage, isTarget: boolean): StageWriter {
    const chain = this.lineage(item.stage);
    const root = chain[0];
    const state: StageState = {
      writer: new StageWriter(),
      scope: new Map(),
      argumentNames: new Map(),
      workdir: '/',
      shell: ['/bin/sh', '-c'],
      sawRun: false,
      cmdInherited: false,
      notedFilesOrder: false,
    };
    this.header(state, item, root, chain);
    chain.forEach((link, position) => {
      if (position > 0) {
        // ARGs end with their stage; ENV, WORKDIR, CMD and the rest carry over through FROM.
        for (const [name, binding] of [...state.scope]) {
          if (binding.kind === 'arg') {
            state.scope.delete(name);
          }
        }
        state.cmdInherited = true;
      }
      for (const step of link.steps) {
        this.step(state, step, link);
      }
    });
    if (isTarget) {
      this.runscript(state);
      this.healthcheck(state);
    }
    return state.writer;
  }

  private header(state: StageState, item: OutputStage, root: Stage, chain: readonly Stage[]): void {
    const notes: PendingNote[] = [];
    const lines: string[] = [];
    const fromStep = root.steps.find((step) => step.kind === 'from');
    const platform = fromStep?.kind === 'from' ? fromStep.flags.find((flag) => flag.name === 'platform') : undefined;
    if (platform) {
      notes.push({ message: `FROM --platform=${platform.value?.value ?? ''} dropped: Apptainer pulls the image for the build host's architecture`, severity: 'info' });
    }
    if (chain.length > 1) {
      const names = chain.slice(0, -1).map((stage) => stage.name?.value ?? `#${stage.index}`);
      notes.push({
        message: `Apptainer cannot bootstrap from another stage: the steps of ${names.join(' → ')} are repeated here on its base image`,
        severity: 'info',
      });
    }
    const raw = root.base.raw;
    // Notes go below `Bootstrap:`: a comment above it would end up in the previous stage.
    if (raw.toLowerCase() === 'scratch' || (!root.base.image && !root.base.stageRef && dockerWordText(raw).toLowerCase() === 'scratch')) {
      state.writer.header.push(entry(['Bootstrap: scratch']));
      notes.push({ message: 'FROM scratch: the image has no shell, so %post and %runscript cannot run in it', severity: 'warning' });
    } else {
      state.writer.header.push(entry(['Bootstrap: docker']));
      lines.push(`From: ${this.fromValue(state, raw, notes)}`);
    }
    if (item.name) {
      lines.push(`Stage: ${item.name}`);
    }
    state.writer.header.push(entry(lines, notes));
  }

  /** The FROM image with global ARG references turned into `{{ NAME }}` build variables. */
  private fromValue(state: StageState, raw: string, notes: PendingNote[]): string {
    const parts = dockerWordParts(raw, this.recipe.escapeChar);
    return parts
      .map((part) => {
        if ('literal' in part) {
          return part.literal;
        }
        const value = this.globalArgDefault(part.variable);
        if (value !== undefined && value !== '' && /^\w+$/.test(part.variable)) {
          this.addArgument(state, part.variable, value);
          return `{{ ${part.variable} }}`;
        }
        notes.push({ message: `FROM uses ${part.raw} without a default: replace it with an image name or add it to %arguments`, severity: 'warning' });
        return part.raw;
      })
      .join('');
  }

  private globalArgDefault(name: string): string | undefined {
    let value: string | undefined;
    for (const step of this.recipe.globalArgs) {
      for (const pair of step.pairs) {
        if (pair.key.value === name && pair.value) {
          value = dockerWordText(pair.value.text, this.recipe.escapeChar);
        }
      }
    }
    return value;
  }

  private addArgument(state: StageState, name: string, value: string): void {
    if (state.argumentNames.has(name)) {
      return;
    }
    const lines = state.writer.has('arguments') ? [] : [INDENT + VERSION_COMMENT];
    lines.push(`${INDENT}${name}=${value.replace(/\n/g, ' ')}`);
    state.argumentNames.set(name, value);
    state.writer.add('arguments', entry(lines));
  }

  // ------------------------------------------------------------ steps

  private step(state: StageState, step: Step, stage: Stage): void {
    switch (step.kind) {
      case 'from':
        return;
      case 'run':
        return this.run(state, step);
      case 'env':
        return this.env(state, step.pairs.filter((pair) => pair.value).map((pair) => [pair.key.value, pair.value as Word]));
      case 'arg':
        return this.arg(state, step);
      case 'copy':
        return this.copy(state, step, stage);
      case 'label':
        return this.label(state, step.pairs.map((pair) => [pair.key.value, pair.value]));
      case 'workdir':
        return this.workdir(state, step.value);
      case 'entrypoint':
        if (step.keyword.toUpperCase() === 'ENTRYPOINT') {
          state.entrypoint = step;
          if (state.cmdInherited) {
            // Docker: an ENTRYPOINT resets a CMD that came from the base image.
            state.cmd = undefined;
          }
        } else {
          state.cmd = step;
          state.cmdInherited = false;
        }
        return;
      case 'test':
        state.healthcheck = step;
        return;
      case 'user':
        return this.comment(state, step, 'USER is ignored by Apptainer: the container runs as the invoking user, and %post runs as root (or fakeroot)', 'info');
      case 'expose':
        return this.comment(state, step, 'EXPOSE has no effect: Apptainer containers share the host network', 'info');
      default:
        return this.other(state, step);
    }
  }

  private other(state: StageState, step: Step): void {
    const keyword = step.keyword.toUpperCase();
    if (keyword === 'SHELL') {
      return this.shell(state, step);
    }
    const messages: Record<string, string> = {
      VOLUME: 'VOLUME has no effect: bind host directories at run time with --bind',
      STOPSIGNAL: 'STOPSIGNAL has no equivalent: instances are stopped with SIGTERM (apptainer instance stop --signal)',
      ONBUILD: 'ONBUILD has no equivalent in definition files: the trigger is dropped',
      MAINTAINER: 'MAINTAINER',
    };
    this.comment(state, step, messages[keyword] ?? `${keyword} has no equivalent in definition files`, keyword === 'ONBUILD' ? 'warning' : 'info');
  }

  /** The instruction as a `%post` comment line with a note above it. */
  private comment(state: StageState, step: Step, message: string, severity: NoteSeverity): void {
    const original = this.slice(step.range).replace(/\s*\\?\r?\n\s*/g, ' ');
    state.writer.add('post', entry([`${INDENT}# ${original}`], [{ message, severity }]));
  }

  private shell(state: StageState, step: Step): void {
    const args = step.kind === 'other' ? step.args : [];
    let argv: string[] | undefined;
    try {
      const parsed: unknown = JSON.parse(args.map((word) => word.text).join(' '));
      argv = Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? (parsed as string[]) : undefined;
    } catch {
      argv = undefined;
    }
    const program = argv?.[0]?.split('/').pop() ?? '';
    if (!argv || argv[argv.length - 1] !== '-c' || !['bash', 'sh', 'dash', 'ash'].includes(program)) {
      return this.comment(state, step, 'SHELL with a non-POSIX shell cannot be mapped: %post runs /bin/sh; rewrite the following RUN steps', 'warning');
    }
    state.shell = argv;
    const options = argv.slice(1, -1);
    const lines = [`${INDENT}# ${this.slice(step.range)}`];
    if (program === 'bash') {
      // Apptainer runs `/bin/sh -ex -c "<-c words> <script>"`: without `-e` here a failing RUN would no longer stop the build.
      state.writer.postShell = BASH_WITH_ERREXIT;
    }
    if (options.length > 0) {
      lines.push(`${INDENT}set ${options.map(shellQuote).join(' ')}`);
    }
    const message =
      program === 'bash'
        ? `SHELL bash: %post runs with -c ${BASH_WITH_ERREXIT} for the whole stage (also for RUN steps before SHELL); -e keeps a failing command stopping the build`
        : 'SHELL: options applied with set from here on';
    state.writer.add('post', entry(lines, [{ message, severity: 'info' }]));
  }

  private run(state: StageState, step: RunStep): void {
    state.sawRun = true;
    const notes: PendingNote[] = [];
    for (const flag of step.flags) {
      const value = flag.value?.value ?? '';
      if (flag.name === 'mount') {
        const secret = /type=(secret|ssh)/.test(value);
        notes.push({
          message: secret
            ? `RUN --mount=${value} dropped: secrets and SSH agents are not available in %post; provide them another way, never in the image`
            : `RUN --mount=${value} dropped: build caches and bind mounts of RUN have no equivalent in %post`,
          severity: secret ? 'warning' : 'info',
        });
      } else {
        notes.push({ message: `RUN --${flag.name}${value ? `=${value}` : ''} dropped: no equivalent in %post`, severity: 'info' });
      }
    }
    const raw = this.text.slice(this.index.offsetAt(step.script.range.start), this.index.offsetAt(step.range.end));
    const lines = this.runLines(raw, state, notes);
    if (TEMPLATE.test(raw)) {
      notes.push({ message: 'this RUN contains {{ name }}: Apptainer substitutes it as a build variable; rewrite it', severity: 'warning' });
    }
    this.homeInstallNotes(step, notes);
    if (lines.slice(1).some(breaksDefinition)) {
      notes.push({ message: 'a heredoc line starts with % or Bootstrap: and would end %post; rewrite it by hand', severity: 'warning' });
    }
    const changesDirectory = step.script.commands.some((command) => command.depth === 0 && (command.name === 'cd' || command.name === 'pushd'));
    if (changesDirectory) {
      lines.push(`${INDENT}cd ${shellQuote(state.workdir)}`);
    }
    state.writer.add('post', entry(lines, notes));
  }

  private runLines(raw: string, state: StageState, notes: PendingNote[]): string[] {
    const exec = execForm(raw);
    if (exec) {
      return [INDENT + exec.map(shellQuote).join(' ')];
    }
    const shell = dockerShellLines(raw, this.recipe.escapeChar);
    const commandText = shell.command.join('\n').trim();
    if (shell.heredocs.length === 1 && /^<<-?\s*(["']?)[A-Za-z0-9_.-]+\1$/.test(commandText)) {
      const body = heredocBodies(shell)[0];
      if (body.length > 0 && body[0].startsWith('#!')) {
        const delimiter = shell.heredocs[0].delimiter;
        notes.push({ message: `RUN heredoc with ${body[0]}: its body is fed to that interpreter`, severity: 'info' });
        return [`${INDENT}${body[0].slice(2).trim()} <<'${delimiter}'`, ...body.slice(1), delimiter];
      }
      return body.length > 0 ? body.map((line, i) => (i === 0 ? INDENT + line.trimStart() : line)) : [`${INDENT}:`];
    }
    if (state.shell[0] !== '/bin/sh' && state.shell[0] !== 'sh' && state.writer.postShell === undefined) {
      notes.push({ message: `RUN used SHELL ${state.shell.join(' ')}`, severity: 'info' });
    }
    return [...shell.command.map((line, i) => (i === 0 ? INDENT + line.trimStart() : line)), ...shell.bodies];
  }

  private homeInstallNotes(step: RunStep, notes: PendingNote[]): void {
    for (const command of step.script.commands) {
      const args = command.words.slice(1).map((word) => word.value);
      if (/^pip[\d.]*$/.test(command.name) && args.includes('install') && args.includes('--user')) {
        notes.push({ message: 'pip install --user installs into $HOME/.local, which Apptainer hides by binding the host home directory', severity: 'warning' });
        return;
      }
      const target = args.find((arg) => HOME_PATH.test(arg.replace(/^--?[a-z-]+=/, '')));
      if (target && ['cp', 'mv', 'mkdir', 'git', 'tar', 'ln', 'install', 'curl', 'wget', 'unzip', 'make', 'cmake', 'bash', 'sh'].includes(command.name)) {
        notes.push({ message: `${target} is in a home directory: Apptainer binds the host $HOME over it at run time; install under /opt or /usr/local`, severity: 'warning' });
        return;
      }
    }
  }

  private env(state: StageState, pairs: Array<[string, Word]>): void {
    if (pairs.length === 0) {
      return;
    }
    const exports = pairs.map(([name, value]) => {
      const parts = dockerWordParts(value.text, this.recipe.escapeChar);
      const line = `${INDENT}export ${name}="${this.shellValue(state, parts)}"`;
      const literal = this.literal(state, parts, []);
      const tooLong = literal.length > MAX_SUBSTITUTED_LENGTH || parts.some((part) => 'variable' in part && this.isTooLong(state, part.variable));
      state.scope.set(name, tooLong ? { kind: 'env', literal: '', tooLong } : { kind: 'env', literal });
      return line;
    });
    state.writer.add('environment', entry(exports));
    state.writer.add('post', entry(exports));
  }

  private arg(state: StageState, step: ArgStep): void {
    for (const pair of step.pairs) {
      const name = pair.key.value;
      const notes: PendingNote[] = [];
      const value = pair.value ? this.literal(state, dockerWordParts(pair.value.text, this.recipe.escapeChar), notes) : this.globalArgDefault(name);
      if (value === undefined && name in PLATFORM_ARGS) {
        state.scope.set(name, { kind: 'arg', template: false, literal: '' });
        state.writer.add('post', entry([`${INDENT}export ${name}="${PLATFORM_ARGS[name]}"`], [{ message: `ARG ${name} is computed from the build host`, severity: 'info' }]));
        continue;
      }
      if (value === undefined || value === '') {
        state.scope.set(name, { kind: 'arg', template: false, literal: '' });
        notes.push({
          message: `ARG ${name} has no default: it stays empty, as in Docker without --build-arg; to set it, add ${name}=value to %arguments and use {{ ${name} }}`,
          severity: 'warning',
        });
        state.writer.add('post', entry([`${INDENT}export ${name}=""`], notes));
        continue;
      }
      if (!/^\w+$/.test(name)) {
        state.scope.set(name, { kind: 'arg', template: false, literal: value });
        notes.push({ message: `ARG ${name} is not a valid build-variable name: its default is used as a fixed value`, severity: 'info' });
        state.writer.add('post', entry([`${INDENT}export ${name}="${escapeDoubleQuotedLiteral(value)}"`], notes));
        continue;
      }
      const earlier = state.argumentNames.get(name);
      if (earlier !== undefined && earlier !== value) {
        notes.push({ message: `ARG ${name} is declared again with another default (${value}); %arguments keeps the first (${earlier})`, severity: 'warning' });
      }
      this.addArgument(state, name, value);
      state.scope.set(name, { kind: 'arg', template: true, literal: value });
      state.writer.add('post', entry([`${INDENT}export ${name}="{{ ${name} }}"`], notes));
    }
  }

  private copy(state: StageState, step: CopyStep, stage: Stage): void {
    const add = step.keyword.toUpperCase() === 'ADD';
    const notes: PendingNote[] = [];
    for (const flag of step.flags) {
      if (flag.name === 'from' || (add && flag.name === 'checksum')) {
        continue;
      }
      notes.push({ message: `${step.keyword.toUpperCase()} --${flag.name} dropped: %files has no such option${flag.name === 'chown' ? ' (files belong to root; the container runs as the invoking user)' : ''}`, severity: 'info' });
    }
    if (step.sources.some((source) => source.value.startsWith('<<'))) {
      return this.copyHeredoc(state, step, notes);
    }
    if (!step.destination || step.sources.length === 0) {
      this.comment(state, step, `${step.keyword.toUpperCase()} without source and destination is skipped`, 'warning');
      return;
    }
    const destination = this.resolvePath(state, this.literal(state, dockerWordParts(step.destination.text, this.recipe.escapeChar), notes));
    // A destination that already exists as a directory receives the sources (cp semantics).
    // Several sources, or a wildcard that matches several files, also make Docker copy into a directory.
    const wildcard = step.sources.some((source) => /[*?[]/.test(source.value));
    const intoDirectory = destination.endsWith('/') || step.sources.length > 1 || wildcard || EXISTING_DIRECTORIES.has(destination) || destination === state.workdir;
    if (HOME_PATH.test(destination)) {
      notes.push({ message: `${destination} is in a home directory: Apptainer binds the host $HOME over it at run time; copy to /opt or /usr/local`, severity: 'warning' });
    }
    // Apptainer binds the build host's /tmp and /var/tmp while %post runs: files %files put there are hidden from it.
    const hostTmp = TMP_PATH.test(destination) ? (destination.startsWith('/var/tmp') ? '/var/tmp' : '/tmp') : undefined;
    let staging: string | undefined;
    const stagingDirectory = (): string => (staging ??= `${STAGING}/${++this.stagingCount}`);
    // The directory the staging tree stands for: the destination itself, or the parent of a single exact target.
    const stagedRoot = intoDirectory ? destination.replace(/\/+$/, '') || '/' : parentOf(destination);
    const fromStage = this.copySourceStage(step, stage.index);
    let fromName: string | undefined;
    if (step.from && fromStage) {
      fromName = this.outputNames.get(fromStage) ?? fromStage.name?.value;
    } else if (step.from) {
      fromName = this.imageStage(step.from.value);
    }
    const fileLines: string[] = [];
    const postLines: string[] = [];
    for (const source of step.sources) {
      const src = this.literal(state, dockerWordParts(source.text, this.recipe.escapeChar), notes);
      if (add && !step.from && URL.test(src)) {
        postLines.push(...this.download(src, destination, step, notes));
        continue;
      }
      if (/[*?[]/.test(src)) {
        notes.push({ message: `${src}: %files expands globs itself; check that the same files are copied`, severity: 'info' });
      }
      // Docker reads `/x` from the root of the build context; %files would read the host's /x.
      const source$ = fromName ? (src.startsWith('/') ? src : `/${src}`) : src.replace(/^\/+/, '') || '.';
      const baseName = source$.replace(/\/+$/, '').split('/').pop() ?? source$;
      const known = fromName ? undefined : this.options.isDirectory?.(src);
      const isDirectory = src === '.' || src.endsWith('/') || src.endsWith('/.') || known === true;
      // %files runs `cp -fLr src dst`: `dir/.` copies a directory's contents, as Docker does.
      const copied = isDirectory && src !== '.' && !src.endsWith('/.') ? `${source$.replace(/\/+$/, '')}/.` : source$;
      const target = intoDirectory ? destination.replace(/\/*$/, '/') : destination;
      if (intoDirectory && !isDirectory && known === undefined && !/[*?[]/.test(src) && !/\.[^/]+$/.test(baseName)) {
        notes.push({ message: `if ${src} is a directory, Docker copies its contents but %files copies the directory itself: write ${copied}/. instead`, severity: 'info' });
      }
      if (add && !fromName && ARCHIVE.test(src)) {
        const directory = destination.replace(/\/+$/, '') || '/';
        const archiveStaging = hostTmp ? `${STAGING}/${++this.stagingCount}` : undefined;
        const archive = archiveStaging ? `${archiveStaging}/${baseName}` : `${directory === '/' ? '' : directory}/${baseName}`;
        fileLines.push(`${INDENT}${filesWord(source$)} ${filesWord(archive)}`);
        const cleanUp = archiveStaging ? `rm -rf ${shellQuote(archiveStaging)}` : `rm -f ${shellQuote(archive)}`;
        postLines.push(`${INDENT}mkdir -p ${shellQuote(directory)} && tar -xf ${shellQuote(archive)} -C ${shellQuote(directory)} && ${cleanUp}`);
        notes.push(
          hostTmp
            ? { message: `ADD of the archive ${src}: copied with %files and unpacked by %post into ${directory}, which is the build host's ${hostTmp} while %post runs (the files stay there after the build)`, severity: 'warning' }
            : { message: `ADD of the archive ${src}: copied with %files and unpacked in %post`, severity: 'info' },
        );
        continue;
      }
      if (hostTmp) {
        const directory = stagingDirectory();
        // The staging directory mirrors `stagedRoot`: `cp -r staging/. root/` then puts every file where Docker would.
        const stagedTarget = intoDirectory ? `${directory}/` : `${directory}/${destination.replace(/\/+$/, '').split('/').pop() ?? ''}`;
        fileLines.push(`${INDENT}${filesWord(copied)} ${filesWord(stagedTarget)}`);
        continue;
      }
      fileLines.push(`${INDENT}${filesWord(copied)} ${filesWord(target)}`);
    }
    if (staging) {
      notes.push({
        message:
          `${destination}: Apptainer binds the build host's /tmp and /var/tmp while %post runs, so files %files put there would be hidden: they are staged in ` +
          `${staging} and copied to ${stagedRoot} by %post, which writes them into the build host's ${hostTmp} (they stay there after the build)`,
        severity: 'warning',
      });
      // cp -r (not -a): an existing directory such as /tmp keeps its own mode (the sticky bit).
      postLines.push(`${INDENT}mkdir -p ${shellQuote(stagedRoot)} && cp -r ${shellQuote(`${staging}/.`)} ${shellQuote(stagedRoot === '/' ? '/' : `${stagedRoot}/`)} && rm -rf ${shellQuote(staging)}`);
    }
    if (fileLines.length > 0 && state.sawRun && !state.notedFilesOrder) {
      state.notedFilesOrder = true;
      notes.push({ message: '%files are copied before %post runs: files copied after a RUN in the Dockerfile already exist when the first RUN step runs', severity: 'info' });
    }
    if (fileLines.length > 0) {
      state.writer.add('files', entry(fileLines, postLines.length > 0 ? [] : notes), fromName ? `from ${fromName}` : '');
    }
    if (postLines.length > 0) {
      state.writer.add('post', entry(postLines, notes));
    }
  }

  private download(url: string, destination: string, step: CopyStep, notes: PendingNote[]): string[] {
    if (GIT_URL.test(url)) {
      notes.push({ message: `ADD of the Git repository ${url} becomes git clone (needs git in the image)`, severity: 'info' });
      return [`${INDENT}git clone ${shellQuote(url.replace(/#.*$/, ''))} ${shellQuote(destination)}`];
    }
    const name = decodeURIComponent(url.replace(/[?#].*$/, '').split('/').pop() ?? 'download') || 'download';
    const file = destination.endsWith('/') ? `${destination}${name}` : destination;
    const directory = file.slice(0, file.lastIndexOf('/')) || '/';
    const lines = [`${INDENT}mkdir -p ${shellQuote(directory)} && curl -fL --retry 3 -o ${shellQuote(file)} ${shellQuote(url)}`];
    const checksum = step.flags.find((flag) => flag.name === 'checksum')?.value?.value;
    const match = checksum ? /^sha256:([0-9a-f]{64})$/i.exec(checksum) : null;
    if (match) {
      lines.push(`${INDENT}echo ${shellQuote(`${match[1]}  ${file}`)} | sha256sum -c -`);
      notes.push({ message: `ADD ${url} becomes curl (needs curl in the image); the checksum is verified with sha256sum`, severity: 'info' });
    } else {
      notes.push({ message: `ADD ${url} becomes curl (needs curl in the image): add a checksum check (sha256sum -c) for reproducibility`, severity: 'warning' });
    }
    return lines;
  }

  /** `COPY <<EOF /path` → a `cat > /path <<'EOF'` in %post. */
  private copyHeredoc(state: StageState, step: CopyStep, notes: PendingNote[]): void {
    const raw = this.slice(step.range);
    const shell = dockerShellLines(raw, this.recipe.escapeChar);
    const bodies = heredocBodies(shell);
    const destination = step.destination ? this.resolvePath(state, this.literal(state, dockerWordParts(step.destination.text, this.recipe.escapeChar), notes)) : '/';
    const lines: string[] = [];
    shell.heredocs.forEach((heredoc, i) => {
      const file = shell.heredocs.length > 1 || destination.endsWith('/') ? `${destination.replace(/\/+$/, '')}/${heredoc.delimiter}` : destination;
      const delimiter = heredoc.delimiter;
      lines.push(`${INDENT}mkdir -p ${shellQuote(file.slice(0, file.lastIndexOf('/')) || '/')} && cat > ${shellQuote(file)} <<'${delimiter}'`, ...(bodies[i] ?? []), delimiter);
    });
    notes.push({ message: `${step.keyword.toUpperCase()} with a heredoc becomes cat in %post`, severity: 'info' });
    state.writer.add('post', entry(lines, notes));
  }

  private imageStage(image: string): string {
    const known = this.imageStages.find((stage) => stage.image === image);
    if (known) {
      return known.name;
    }
    const name = `image${this.imageStages.length}`;
    this.imageStages.push({ image, name });
    return name;
  }

  private label(state: StageState, pairs: Array<[string, Word | undefined]>): void {
    const notes: PendingNote[] = [];
    const lines = pairs.map(([key, value]) => {
      const name = key.replace(/\s+/g, '_');
      if (name !== key) {
        notes.push({ message: `label name "${key}" has spaces: %labels names end at the first space`, severity: 'info' });
      }
      const text = value ? this.literal(state, dockerWordParts(value.text, this.recipe.escapeChar), notes).replace(/\s*\n\s*/g, ' ') : '';
      return `${INDENT}${name}${text ? ` ${text}` : ''}`;
    });
    state.writer.add('labels', entry(lines, notes));
  }

  private workdir(state: StageState, value: Word | undefined): void {
    if (!value) {
      return;
    }
    const notes: PendingNote[] = [];
    const parts = dockerWordParts(value.text, this.recipe.escapeChar);
    const literal = this.resolvePath(state, this.literal(state, parts, notes));
    state.workdir = literal;
    if (HOME_PATH.test(literal)) {
      notes.push({ message: `WORKDIR ${literal} is in a home directory: Apptainer binds the host $HOME over it at run time`, severity: 'warning' });
    } else if (TMP_PATH.test(literal)) {
      notes.push({ message: `WORKDIR ${literal}: /tmp is bind-mounted from the host at run time; files left there are hidden`, severity: 'info' });
    }
    const quoted = shellQuote(literal);
    state.writer.add('post', entry([`${INDENT}mkdir -p ${quoted} && cd ${quoted}`], notes));
  }

  // ------------------------------------------------------------ runscript and test

  private runscript(state: StageState): void {
    const { entrypoint, cmd } = state;
    if (!entrypoint && !cmd) {
      return;
    }
    const notes: PendingNote[] = [];
    const lines: string[] = [];
    if (state.workdir !== '/') {
      lines.push(`${INDENT}cd ${shellQuote(state.workdir)}`);
      notes.push({ message: `Docker starts in WORKDIR ${state.workdir}; Apptainer runs in the caller's directory, so the runscript changes to it`, severity: 'info' });
    }
    const cmdArgv = cmd ? this.argv(state, cmd) : undefined;
    if (entrypoint) {
      const entryArgv = this.argv(state, entrypoint);
      if (entrypoint.form !== 'exec') {
        notes.push({ message: 'shell-form ENTRYPOINT ignores CMD and the run arguments, as in Docker', severity: 'info' });
        lines.push(`${INDENT}exec ${entryArgv.map(shellQuote).join(' ')}`);
      } else {
        if (cmdArgv && cmdArgv.length > 0) {
          lines.push(`${INDENT}if [ "$#" -eq 0 ]; then`, `${INDENT}${INDENT}set -- ${cmdArgv.map(shellQuote).join(' ')}`, `${INDENT}fi`);
        }
        lines.push(`${INDENT}exec ${entryArgv.map(shellQuote).join(' ')} "$@"`);
      }
    } else if (cmdArgv) {
      notes.push({ message: 'CMD becomes the default command: arguments to apptainer run replace it, as in Docker; an ENTRYPOINT of the base image is not included', severity: 'info' });
      lines.push(`${INDENT}if [ "$#" -eq 0 ]; then`, `${INDENT}${INDENT}set -- ${cmdArgv.map(shellQuote).join(' ')}`, `${INDENT}fi`, `${INDENT}exec "$@"`);
    }
    state.writer.add('runscript', entry(lines, notes));
  }

  /** ENTRYPOINT/CMD as argv: the JSON array, or the shell form wrapped in the Dockerfile's SHELL. */
  private argv(state: StageState, step: EntrypointStep | TestStep): string[] {
    const raw = step.script ? this.text.slice(this.index.offsetAt(step.script.range.start), this.index.offsetAt(step.script.range.end)) : '';
    const exec = execForm(raw);
    if (exec) {
      return exec;
    }
    const joined = dockerShellLines(raw, this.recipe.escapeChar, { joinAll: true }).command.join('').trim();
    return [...state.shell, joined];
  }

  private healthcheck(state: StageState): void {
    const step = state.healthcheck;
    if (!step) {
      return;
    }
    if (!step.script) {
      this.comment(state, step, 'HEALTHCHECK NONE has no equivalent', 'info');
      return;
    }
    const lines: string[] = [];
    if (state.workdir !== '/') {
      lines.push(`${INDENT}cd ${shellQuote(state.workdir)}`);
    }
    lines.push(`${INDENT}exec ${this.argv(state, step).map(shellQuote).join(' ')}`);
    const notes: PendingNote[] = [
      {
        message: 'HEALTHCHECK becomes %test, which runs once at the end of the build (and with apptainer test), not periodically; skip it with --notest if it probes a running service',
        severity: 'warning',
      },
    ];
    state.writer.add('test', entry(lines, notes));
  }

  // ------------------------------------------------------------ values

  /** Text for a double-quoted shell string: ARG references become `{{ NAME }}`, ENV references stay `${NAME}`. */
  private shellValue(state: StageState, parts: readonly WordPart[]): string {
    return parts
      .map((part) => {
        if ('literal' in part) {
          return escapeDoubleQuotedLiteral(part.literal);
        }
        const binding = state.scope.get(part.variable);
        if (binding?.kind === 'arg') {
          return binding.template ? `{{ ${part.variable} }}` : escapeDoubleQuotedLiteral(binding.literal);
        }
        return part.raw;
      })
      .join('');
  }

  /** Text with references substituted as Docker does at build time (ARG → `{{ NAME }}`, ENV → its value). */
  private literal(state: StageState, parts: readonly WordPart[], notes: PendingNote[]): string {
    return parts
      .map((part) => {
        if ('literal' in part) {
          return part.literal;
        }
        const binding = state.scope.get(part.variable);
        if (binding?.kind === 'arg' && binding.template) {
          return `{{ ${part.variable} }}`;
        }
        if (binding?.kind === 'env' && binding.tooLong) {
          notes.push({ message: `${part.raw} is longer than ${MAX_SUBSTITUTED_LENGTH} characters here: left as written`, severity: 'warning' });
          return part.raw;
        }
        if (binding) {
          return binding.literal;
        }
        notes.push({ message: `${part.raw} is not set in this Dockerfile (it may come from the base image): left as written`, severity: 'info' });
        return part.raw;
      })
      .join('');
  }

  private isTooLong(state: StageState, variable: string): boolean {
    const binding = state.scope.get(variable);
    return binding?.kind === 'env' && binding.tooLong === true;
  }

  private resolvePath(state: StageState, path: string): string {
    if (path.startsWith('/') || path.startsWith('$') || path.startsWith('{{') || path.startsWith('~')) {
      return path;
    }
    const base = state.workdir.endsWith('/') ? state.workdir : `${state.workdir}/`;
    if (path === '.' || path === './') {
      return base;
    }
    return base + path.replace(/^\.\//, '');
  }

  private slice(range: Step['range']): string {
    return this.text.slice(this.index.offsetAt(range.start), this.index.offsetAt(range.end));
  }
}

function entry(lines: string[], notes: PendingNote[] = []): Entry {
  return { lines, notes };
}

/** The argv of a JSON-array (exec form) instruction, or undefined for the shell form. */
function execForm(raw: string): string[] | undefined {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('[')) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(0, trimmed.lastIndexOf('/')) || '/';
}

/** A `%files` path: double-quoted when it has spaces (Apptainer trims the quotes). */
function filesWord(path: string): string {
  return /\s/.test(path.replace(/\{\{\s*\w+\s*\}\}/g, '')) ? `"${path}"` : path;
}
