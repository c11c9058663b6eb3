// The one recipe model both front ends produce. Rules see only this.
// Positions are LSP-style: 0-based line and UTF-16 character; ranges end-exclusive.

export type RecipeFormat = 'dockerfile' | 'apptainer';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A piece of source text with its exact range. `text` is raw source; `value` has quotes removed. */
export interface Word {
  text: string;
  value: string;
  range: Range;
}

export interface KeyValue {
  key: Word;
  /** Absent for `ARG NAME` without a default. */
  value?: Word;
  range: Range;
}

export interface Flag {
  /** Flag name without dashes, e.g. `mount`, `from`, `checksum`, `platform`. */
  name: string;
  /** Value after `=`, if any. */
  value?: Word;
  range: Range;
}

/** Parse problem reported by a front end (becomes a diagnostic with code `HPC-DEF-000` or `dockerfile-utils/...`). */
export interface ParseProblem {
  message: string;
  range: Range;
  severity: 'error' | 'warning';
}

export interface Comment {
  text: string;
  range: Range;
}

/** `# hpclint ignore=CODE,CODE -- reason` or `# hpclint global ignore=...`. */
export interface Pragma {
  global: boolean;
  codes: string[];
  reason?: string;
  range: Range;
  /** For non-global pragmas: the line range (inclusive start line, inclusive end line) the pragma silences. */
  appliesTo?: { startLine: number; endLine: number };
}

// ---------------------------------------------------------------- shell

export type ShellSeparator = '&&' | '||' | ';' | '|' | '&' | 'newline';

export interface ShellCommand {
  /** All words of the simple command, after leading `VAR=value` assignments. */
  words: Word[];
  /** Leading `VAR=value` assignments. */
  assignments: Word[];
  /** Basename of the first word (`/usr/bin/pip3` → `pip3`), '' if no words. */
  name: string;
  range: Range;
  /** Separator that precedes this command (undefined for the first command of a script). */
  separatorBefore?: ShellSeparator;
  /** True if this command's stdout is piped into the next command. */
  pipesToNext: boolean;
  /** Depth of `$( … )` / backtick substitution, `( … )` subshell or `{ … }` group nesting; 0 at top level. */
  depth: number;
}

export interface Heredoc {
  delimiter: string;
  /** Body text (without delimiter lines). */
  body: string;
  range: Range;
}

export interface ShellScript {
  /** Exact source text of the script body. */
  text: string;
  range: Range;
  commands: ShellCommand[];
  heredocs: Heredoc[];
  /** Shell comments inside the body. */
  comments: Comment[];
}

// ---------------------------------------------------------------- steps

export interface StepBase {
  /** Original keyword as written: `RUN`, `%post`, `ENV`, `%environment`, `From` … */
  keyword: string;
  keywordRange: Range;
  /** Whole instruction / section / header line, including continuation lines. */
  range: Range;
  /** For definition-file section steps: the SCIF app name of `%app*` sections. */
  app?: string;
}

/** RUN, `%post`, `%setup`, `%appinstall`. */
export interface RunStep extends StepBase {
  kind: 'run';
  flags: Flag[];
  script: ShellScript;
  /** `%post -c /bin/bash`: the interpreter requested with `-c`, if any. */
  shell?: Word;
}

/** ENV, `%environment`, `%appenv`. For definition files `script` holds the body and `pairs` the exports/assignments found in it. */
export interface EnvStep extends StepBase {
  kind: 'env';
  pairs: KeyValue[];
  script?: ShellScript;
}

/** ARG, `%arguments`. */
export interface ArgStep extends StepBase {
  kind: 'arg';
  pairs: KeyValue[];
}

/** COPY, ADD, one `%files`/`%appfiles` line. */
export interface CopyStep extends StepBase {
  kind: 'copy';
  flags: Flag[];
  sources: Word[];
  destination?: Word;
  /** `COPY --from=x` / `%files from x`. */
  from?: Word;
}

/** LABEL, `%labels`, `%applabels`, MAINTAINER. */
export interface LabelStep extends StepBase {
  kind: 'label';
  pairs: KeyValue[];
}

/** ENTRYPOINT, CMD, `%runscript`, `%startscript`, `%apprun`, `%appstart`. */
export interface EntrypointStep extends StepBase {
  kind: 'entrypoint';
  /** `exec` = JSON array form; `shell` = Dockerfile shell form; `script` = a definition-file script section. */
  form: 'exec' | 'shell' | 'script';
  /** JSON-form arguments (exec form only). */
  args: Word[];
  /** Shell form / script section body split into commands (for exec form: the argv as one command). */
  script: ShellScript;
}

/** HEALTHCHECK, `%test`, `%apptest`. */
export interface TestStep extends StepBase {
  kind: 'test';
  script?: ShellScript;
}

export interface UserStep extends StepBase {
  kind: 'user';
  value?: Word;
}

export interface WorkdirStep extends StepBase {
  kind: 'workdir';
  value?: Word;
}

export interface ExposeStep extends StepBase {
  kind: 'expose';
  ports: Word[];
}

/** A definition-file header line `Key: value` (also `From:` and `Bootstrap:`). */
export interface HeaderStep extends StepBase {
  kind: 'header';
  /** Lower-cased key. */
  key: string;
  value: Word;
}

/** FROM in Dockerfiles (the stage's base is also in `Stage.base`). */
export interface FromStep extends StepBase {
  kind: 'from';
  flags: Flag[];
}

/** Anything else: SHELL, VOLUME, STOPSIGNAL, ONBUILD, `%help`, `%apphelp`, `%pre` … */
export interface OtherStep extends StepBase {
  kind: 'other';
  args: Word[];
  /** Raw body text for definition-file sections. */
  body?: Word;
}

export type Step =
  | RunStep
  | EnvStep
  | ArgStep
  | CopyStep
  | LabelStep
  | EntrypointStep
  | TestStep
  | UserStep
  | WorkdirStep
  | ExposeStep
  | HeaderStep
  | FromStep
  | OtherStep;

export type StepKind = Step['kind'];

// ---------------------------------------------------------------- stages

export interface ImageRef {
  /** e.g. `docker.io`, `ghcr.io`, `nvcr.io`; undefined when implicit (Docker Hub). */
  registry?: string;
  /** e.g. `library/ubuntu`, `nvidia/cuda`, `ubuntu` (as written, without registry). */
  repository: string;
  tag?: string;
  digest?: string;
  /** Whole reference as written (may contain `${VAR}`). */
  raw: string;
  range: Range;
}

export interface BaseImage {
  /** `docker` for Dockerfile FROM; the bootstrap agent (lower case) for definition files. */
  agent: string;
  /** Parsed image reference for registry-based agents; absent for `scratch`, yum, debootstrap … */
  image?: ImageRef;
  /** The `From:` / FROM value as written. */
  raw: string;
  range: Range;
  /** FROM refers to an earlier stage by name. */
  stageRef?: string;
  /** `OSVersion:` for yum/debootstrap/zypper agents. */
  osVersion?: Word;
}

/** A definition-file section as written (`%post -c /bin/bash`). */
export interface Section {
  /** Lower-cased name without `%`: `post`, `environment`, `appinstall` … */
  name: string;
  /** The section header word as written, e.g. `%Post`. */
  header: Word;
  /** Words after the section name on the header line. */
  args: Word[];
  /** Whole section including header line. */
  range: Range;
  /** Body only (lines after the header). */
  bodyRange: Range;
  body: string;
}

export interface Stage {
  index: number;
  /** `AS name` / `Stage: name`. */
  name?: Word;
  base: BaseImage;
  steps: Step[];
  range: Range;
  /** Definition files only: sections of this stage in file order. */
  sections: Section[];
}

export interface Recipe {
  format: RecipeFormat;
  text: string;
  stages: Stage[];
  /** Dockerfile `ARG`s before the first FROM (global build args). */
  globalArgs: ArgStep[];
  comments: Comment[];
  pragmas: Pragma[];
  /** Parse problems (the recipe may still be partially modelled). */
  diagnostics: ParseProblem[];
  /** Dockerfile escape character (`\\` or `` ` ``). */
  escapeChar: string;
}
