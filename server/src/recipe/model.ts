// The one recipe model both front ends produce. Rules see only this.
// Positions are LSP-style: 0-based line and UTF-16 character; ranges end-exclusive.
// Read only: once a front end returns a recipe nothing changes it or stores anything on it (derived facts live in
// RecipeFacts, recipe/facts.ts). Only the front ends build it, through `Draft`.

export type RecipeFormat = 'dockerfile' | 'apptainer';

/** A model object while its front end builds it: its own fields writable, its lists growable. Front ends only. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] extends ReadonlyArray<infer U> ? U[] : T[K] };

/**
 * The model's one empty list: most lists of a step are empty (flags, assignments, heredocs, comments), and an
 * array per empty field was a sixth of the model. Typed `never[]`: nothing can be added to it. Not frozen: a
 * frozen array at a `for … of` makes V8's optimized loop take the generic iterator for every array it meets
 * there (an allocation per element, ~4x slower), and nearly every loop over words, flags or heredocs meets it.
 */
export const EMPTY_LIST: never[] = [];

/**
 * A finished list of the model at its exact size: `EMPTY_LIST` when empty, else a copy (an array grown by
 * `push` keeps room for 16 more elements, 128 bytes each time, in a model of hundreds of thousands of lists).
 */
export function finishedList<T>(list: T[]): T[] {
  return list.length === 0 ? EMPTY_LIST : list.slice();
}

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A piece of source text with its exact range. `text` is raw source; `value` has quotes removed. */
export interface Word {
  readonly text: string;
  readonly value: string;
  readonly range: Range;
}

export interface KeyValue {
  readonly key: Word;
  /** Absent for `ARG NAME` without a default. */
  readonly value?: Word;
  readonly range: Range;
}

export interface Flag {
  /** Flag name without dashes, e.g. `mount`, `from`, `checksum`, `platform`. */
  readonly name: string;
  /** Value after `=`, if any. */
  readonly value?: Word;
  readonly range: Range;
}

/** Parse problem reported by a front end (becomes a diagnostic with code `HPC-DEF-000` or `dockerfile-utils/...`). */
export interface ParseProblem {
  readonly message: string;
  readonly range: Range;
  readonly severity: 'error' | 'warning';
}

export interface Comment {
  readonly text: string;
  readonly range: Range;
}

/** `# hpclint ignore=CODE,CODE -- reason` or `# hpclint global ignore=...`. */
export interface Pragma {
  readonly global: boolean;
  readonly codes: readonly string[];
  readonly reason?: string;
  readonly range: Range;
  /** For non-global pragmas: the line range (inclusive start line, inclusive end line) the pragma silences. */
  readonly appliesTo?: { startLine: number; endLine: number };
}

// ---------------------------------------------------------------- shell

export type ShellSeparator = '&&' | '||' | ';' | '|' | '&' | 'newline';

export interface ShellCommand {
  /** All words of the simple command, after leading `VAR=value` assignments. */
  readonly words: readonly Word[];
  /** Leading `VAR=value` assignments. */
  readonly assignments: readonly Word[];
  /** Basename of the first word (`/usr/bin/pip3` → `pip3`), '' if no words. */
  readonly name: string;
  readonly range: Range;
  /** Separator that precedes this command (undefined for the first command of a script). */
  readonly separatorBefore?: ShellSeparator;
  /** True if this command's stdout is piped into the next command. */
  readonly pipesToNext: boolean;
  /** Depth of `$( … )` / backtick substitution, `( … )` subshell or `{ … }` group nesting; 0 at top level. */
  readonly depth: number;
}

export interface Heredoc {
  readonly delimiter: string;
  /** Body text (without delimiter lines). */
  readonly body: string;
  readonly range: Range;
}

export interface ShellScript {
  /** Exact source text of the script body. */
  readonly text: string;
  readonly range: Range;
  readonly commands: readonly ShellCommand[];
  readonly heredocs: readonly Heredoc[];
  /** Shell comments inside the body. */
  readonly comments: readonly Comment[];
}

// ---------------------------------------------------------------- steps

export interface StepBase {
  /** Original keyword as written: `RUN`, `%post`, `ENV`, `%environment`, `From` … */
  readonly keyword: string;
  readonly keywordRange: Range;
  /** Whole instruction / section / header line, including continuation lines. */
  readonly range: Range;
  /** For definition-file section steps: the SCIF app name of `%app*` sections. */
  readonly app?: string;
}

/** RUN, `%post`, `%setup`, `%appinstall`. */
export interface RunStep extends StepBase {
  readonly kind: 'run';
  readonly flags: readonly Flag[];
  readonly script: ShellScript;
  /** `%post -c /bin/bash`: the interpreter requested with `-c`, if any. */
  readonly shell?: Word;
}

/** ENV, `%environment`, `%appenv`. For definition files `script` holds the body and `pairs` the exports/assignments found in it. */
export interface EnvStep extends StepBase {
  readonly kind: 'env';
  readonly pairs: readonly KeyValue[];
  readonly script?: ShellScript;
}

/** ARG, `%arguments`. */
export interface ArgStep extends StepBase {
  readonly kind: 'arg';
  readonly pairs: readonly KeyValue[];
}

/** COPY, ADD, one `%files`/`%appfiles` line. */
export interface CopyStep extends StepBase {
  readonly kind: 'copy';
  readonly flags: readonly Flag[];
  readonly sources: readonly Word[];
  readonly destination?: Word;
  /** `COPY --from=x` / `%files from x`. */
  readonly from?: Word;
}

/** LABEL, `%labels`, `%applabels`, MAINTAINER. */
export interface LabelStep extends StepBase {
  readonly kind: 'label';
  readonly pairs: readonly KeyValue[];
}

/** ENTRYPOINT, CMD, `%runscript`, `%startscript`, `%apprun`, `%appstart`. */
export interface EntrypointStep extends StepBase {
  readonly kind: 'entrypoint';
  /** `exec` = JSON array form; `shell` = Dockerfile shell form; `script` = a definition-file script section. */
  readonly form: 'exec' | 'shell' | 'script';
  /** JSON-form arguments (exec form only). */
  readonly args: readonly Word[];
  /** Shell form / script section body split into commands (for exec form: the argv as one command). */
  readonly script: ShellScript;
}

/** HEALTHCHECK, `%test`, `%apptest`. */
export interface TestStep extends StepBase {
  readonly kind: 'test';
  readonly script?: ShellScript;
}

export interface UserStep extends StepBase {
  readonly kind: 'user';
  readonly value?: Word;
}

export interface WorkdirStep extends StepBase {
  readonly kind: 'workdir';
  readonly value?: Word;
}

export interface ExposeStep extends StepBase {
  readonly kind: 'expose';
  readonly ports: readonly Word[];
}

/** A definition-file header line `Key: value` (also `From:` and `Bootstrap:`). */
export interface HeaderStep extends StepBase {
  readonly kind: 'header';
  /** Lower-cased key. */
  readonly key: string;
  readonly value: Word;
}

/** FROM in Dockerfiles (the stage's base is also in `Stage.base`). */
export interface FromStep extends StepBase {
  readonly kind: 'from';
  readonly flags: readonly Flag[];
}

/** Anything else: SHELL, VOLUME, STOPSIGNAL, ONBUILD, `%help`, `%apphelp`, `%pre` … */
export interface OtherStep extends StepBase {
  readonly kind: 'other';
  readonly args: readonly Word[];
  /** Raw body text for definition-file sections. */
  readonly body?: Word;
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
  readonly registry?: string;
  /** e.g. `library/ubuntu`, `nvidia/cuda`, `ubuntu` (as written, without registry). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** Whole reference as written (may contain `${VAR}`). */
  readonly raw: string;
  readonly range: Range;
}

export interface BaseImage {
  /** `docker` for Dockerfile FROM; the bootstrap agent (lower case) for definition files. */
  readonly agent: string;
  /** Parsed image reference for registry-based agents; absent for `scratch`, yum, debootstrap … */
  readonly image?: ImageRef;
  /** The `From:` / FROM value as written. */
  readonly raw: string;
  readonly range: Range;
  /** FROM refers to an earlier stage by name. */
  readonly stageRef?: string;
  /** `OSVersion:` for yum/debootstrap/zypper agents. */
  readonly osVersion?: Word;
}

/** A definition-file section as written (`%post -c /bin/bash`). */
export interface Section {
  /** Lower-cased name without `%`: `post`, `environment`, `appinstall` … */
  readonly name: string;
  /** The section header word as written, e.g. `%Post`. */
  readonly header: Word;
  /** Words after the section name on the header line. */
  readonly args: readonly Word[];
  /** Whole section including header line. */
  readonly range: Range;
  /** Body only (lines after the header). */
  readonly bodyRange: Range;
  readonly body: string;
}

export interface Stage {
  readonly index: number;
  /** `AS name` / `Stage: name`. */
  readonly name?: Word;
  readonly base: BaseImage;
  readonly steps: readonly Step[];
  readonly range: Range;
  /** Definition files only: sections of this stage in file order. */
  readonly sections: readonly Section[];
}

export interface Recipe {
  readonly format: RecipeFormat;
  readonly text: string;
  readonly stages: readonly Stage[];
  /** Dockerfile `ARG`s before the first FROM (global build args). */
  readonly globalArgs: readonly ArgStep[];
  readonly comments: readonly Comment[];
  readonly pragmas: readonly Pragma[];
  /** Parse problems (the recipe may still be partially modelled). */
  readonly diagnostics: readonly ParseProblem[];
  /** Dockerfile escape character (`\\` or `` ` ``). */
  readonly escapeChar: string;
}
