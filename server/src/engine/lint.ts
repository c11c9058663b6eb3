// The engine: detect format, guard size, parse, run rules, apply overrides and pragmas, merge syntax checks.
import type { ValidatorSettings } from 'dockerfile-utils';
import { compatKeyMatches } from '../compat/match';
import type { Range, Recipe, RecipeFormat } from '../recipe/model';
import { parseDockerfileWithSyntaxTree, type DockerfileSyntaxTree } from '../recipe/dockerfile';
import { definitionParseMemoOf, parseMemoOf, syntaxMemoOf, type LintMemo } from './memo';
import type { CopiedScript } from '../recipe/copied-scripts';
import { factsOf, type RecipeFacts } from '../recipe/facts';
import { scriptRecipe, wantedScripts } from './copiedScripts';
import { interestsMet, runRule } from './dispatch';
import { contextKey, StepLocalRun } from './stepMemo';
import { commandSubRecipe, commandUnits, stepUnits } from './commandLocality';
import { stepSubRecipe } from './stepLocality';
import { parseDefinitionFile } from '../recipe/apptainer';
import { detectFormat } from '../recipe/parse';
import { defaultConfig } from './config';
import { fixesWithLineBreak, lineBreakOf } from './lineBreaks';
import { syntaxCheckSkipReason, validateDockerfile } from './syntax';
import { syntaxFindingSeverity } from './syntaxPolicy';
import { dockerfileUtilsCode, INTERNAL_CODE, PARSE_CODE, ruleByCodeOrName, SKIPPED_CODE, type RuleLookup } from './registry';
import type { Finding, Rule, RuleContext, Severity, SeveritySetting } from './rule';
import type { HpcDiagnostic, LintOptions, LintResult, ResolvedConfig } from './types';

export { defaultConfig } from './config';
export { ruleByCodeOrName } from './registry';

/** Recipes above this size (bytes) are not parsed. */
export const MAX_RECIPE_BYTES = 2 * 1024 * 1024;
/** A NUL byte in this many leading characters marks a file as binary. */
const BINARY_SNIFF_LENGTH = 8 * 1024;

/** `LintOptions` plus the rule set to run: the engine knows no rules of its own (callers pass `allRules` or a test's). */
export interface EngineLintOptions extends LintOptions {
  rules: readonly Rule[];
  /** dockerfile-utils validator settings (used when `config.syntaxValidation`). */
  validatorSettings?: ValidatorSettings;
  /** false: run every rule on every recipe of its formats, ignoring declared interests (the equivalence test). */
  dispatch?: boolean;
  /** Asked before each rule and the syntax check: true stops the lint with `LintCancelledError` (its result is no longer wanted). */
  cancelled?: () => boolean;
  /** A model to lint instead of parsing `text` (a copied script's, made by `scriptRecipe`). */
  model?: Recipe;
  /** What the previous lint of the same document left to reuse (engine/memo.ts). */
  memo?: LintMemo;
}

/**
 * The recipe to lint and, when the syntax check will run, dockerfile-ast's tree of the Dockerfile (the check reuses
 * it: one parse instead of two). Otherwise neither the tree nor the instructions' arguments are kept: ~40 and ~53 MB
 * for 40,000 stages, which the syntax check skips, that the parse's scavenges promoted and the rules' garbage
 * collections would mark again and again.
 */
function parseForLint(
  text: string,
  format: RecipeFormat,
  model: Recipe | undefined,
  keepTree: boolean,
  memo: LintMemo | undefined,
): { recipe: Recipe; syntaxTree?: DockerfileSyntaxTree } {
  if (model) {
    return { recipe: model };
  }
  if (format === 'apptainer') {
    return { recipe: parseDefinitionFile(text, memo && definitionParseMemoOf(memo)) };
  }
  return parseDockerfileWithSyntaxTree(text, keepTree, memo && parseMemoOf(memo));
}

/** Thrown by `lint` when `options.cancelled` says stop. */
export class LintCancelledError extends Error {
  constructor() {
    super('the lint was cancelled');
    this.name = 'LintCancelledError';
  }
}

/**
 * Lints one recipe. A rule that throws does not stop the others: its partial findings are dropped and
 * one `hpclint/internal` warning (at the top of the file) names the rule and the error.
 */
export function lint(text: string, options: EngineLintOptions): LintResult {
  const format = options.format ?? detectFormat(options.fileName, text) ?? 'dockerfile';
  const config = options.config ?? defaultConfig();
  const skip = skipReason(text);
  if (skip !== undefined) {
    return { format, recipe: emptyRecipe(format, text), diagnostics: [skippedDiagnostic(skip)], wantedScripts: [] };
  }

  const syntaxCheck = format === 'dockerfile' && config.syntaxValidation;
  const syntaxSkip = syntaxCheck ? syntaxCheckSkipReason(text) : undefined;
  const memo = options.memo?.admit(text) ? options.memo : undefined;
  const { recipe, syntaxTree } = parseForLint(text, format, options.model, syntaxCheck && syntaxSkip === undefined, memo);
  const facts = factsOf(recipe);
  facts.scriptInputs = options.scripts;
  facts.stepsReused = format === 'dockerfile' && memo !== undefined && options.model === undefined;
  facts.commandsReused = format === 'apptainer' && memo !== undefined && options.model === undefined;
  // A copied script's own model runs no scripts of its own: one level deep.
  const copied = options.model ? [] : copiedScriptsOrNone(facts);
  const overrides = new Overrides(config);
  const diagnostics: HpcDiagnostic[] = [];
  const lineBreak = lineBreakOf(text);
  const rootCauses = new Map<HpcDiagnostic, { key: string; rank: number }>();
  const dispatch = options.dispatch ?? true;

  const stopIfCancelled = (): void => {
    if (options.cancelled?.()) {
      throw new LintCancelledError();
    }
  };
  // One context for every rule: its `report` gathers into `findings`, emptied before each rule (a context, a closure
  // and an array per rule and recipe were made for 70 rules on every recipe).
  const findings: Finding[] = [];
  const context: RuleContext = { recipe, facts, settings: config.settings, report: (finding) => findings.push(finding) };
  const localRuns = memo && !options.model ? localRunsOf(context, options.rules, overrides, dispatch, memo) : undefined;
  for (const rule of options.rules) {
    stopIfCancelled();
    const { meta } = rule;
    if (!meta.formats.includes(format)) {
      continue;
    }
    const setting = overrides.forRule(meta.code, meta.name, meta.category);
    if (setting === 'off') {
      continue;
    }
    const localRun = localRuns?.of(rule);
    if (dispatch && !interestsMet(meta.interests, facts)) {
      localRun?.none(rule);
      continue;
    }
    findings.length = 0;
    try {
      if (localRun) {
        localRun.run(rule, dispatch, context.report);
      } else {
        runRule(rule, context, dispatch);
      }
    } catch (error) {
      diagnostics.push(internalDiagnostic(rule, error));
      continue;
    }
    for (const finding of findings) {
      const diagnostic: HpcDiagnostic = {
        code: meta.code,
        name: meta.name,
        category: meta.category,
        severity: setting ?? finding.severity ?? meta.severity,
        message: finding.message,
        range: finding.range,
        fixes: finding.fixes ? fixesWithLineBreak(finding.fixes, lineBreak) : [],
        source: 'hpclint',
        ...(finding.howToFix !== undefined ? { howToFix: finding.howToFix } : {}),
        ...(finding.site ? { site: finding.site } : {}),
      };
      diagnostics.push(diagnostic);
      if (finding.rootCause) {
        rootCauses.set(diagnostic, finding.rootCause);
      }
    }
  }

  const parseSetting = overrides.forRule(PARSE_CODE, 'parse', 'syntax');
  if (parseSetting !== 'off') {
    for (const problem of recipe.diagnostics) {
      diagnostics.push(syntaxDiagnostic(PARSE_CODE, parseSetting ?? problem.severity, problem.message, problem.range, 'hpclint'));
    }
  }

  if (syntaxSkip !== undefined) {
    diagnostics.push(skippedDiagnostic(syntaxSkip));
  } else if (syntaxCheck) {
    stopIfCancelled();
    for (const found of validateDockerfile(text, options.validatorSettings, syntaxTree, memo && syntaxMemoOf(memo))) {
      const code = dockerfileUtilsCode(found.code as number | string | undefined);
      const name = code.slice(code.indexOf('/') + 1);
      const setting = overrides.forRule(code, name, 'syntax');
      const message = typeof found.message === 'string' ? found.message : found.message.value;
      const policy = syntaxFindingSeverity(name, LSP_SEVERITY[found.severity ?? 1] ?? 'error', message, found.range, recipe);
      if (setting === 'off' || policy === undefined) {
        continue;
      }
      const severity = setting ?? policy;
      diagnostics.push(syntaxDiagnostic(code, severity, message, found.range, 'dockerfile-utils'));
    }
  }

  const names = (key: string) => ruleByCodeOrName(key, options.rules);
  const settled = config.compat?.length ? withCompatSettings(diagnostics, overrides, config.compat, recipe, names, rootCauses) : diagnostics;
  // One finding per root cause among what the settings keep; an ignore pragma then silences that finding and the root
  // cause with it (the user has seen its facts), while a rule turned off lets the next one report.
  const single = rootCauses.size > 0 ? onePerRootCause(settled, rootCauses) : settled;
  const inScripts = copied.flatMap((script) => (script.text === undefined ? [] : scriptFindings(recipe, { ...script, text: script.text }, options, config)));
  const found = inScripts.length > 0 ? [...single, ...inScripts] : single;
  const kept = recipe.pragmas.length > 0 ? found.filter((d) => !suppressed(d, recipe, names)) : found;
  kept.sort(compareDiagnostics);
  if (localRuns && memo) {
    memo.steps = localRuns.steps.memo();
    memo.commands = localRuns.commands?.memo();
  }
  return { format, recipe, diagnostics: kept, wantedScripts: wantedScripts(copied) };
}

/** The step-local rules' side of a lint with a memo, and the command-local rules' in a definition file. */
interface LocalRuns {
  readonly steps: StepLocalRun;
  readonly commands?: StepLocalRun;
  /** The run a rule of this lint goes through, or undefined: it runs on the whole recipe. */
  of(rule: Rule): StepLocalRun | undefined;
}

/**
 * The local rules' runs of a lint with a memo, over the rules of the recipe's format that are not turned off: in a
 * Dockerfile command-local rules are step-local ones, in a definition file they run per unit of its run steps
 * (engine/commandLocality.ts) with the clean points of the parse's scripts.
 */
function localRunsOf(context: RuleContext, rules: readonly Rule[], overrides: Overrides, dispatch: boolean, memo: LintMemo): LocalRuns {
  const { recipe, facts } = context;
  const local = rules.filter(
    ({ meta }) => meta.locality !== undefined && meta.formats.includes(recipe.format) && overrides.forRule(meta.code, meta.name, meta.category) !== 'off',
  );
  const points = recipe.format === 'apptainer' ? memo.definitionParse : undefined;
  const byUnit = points ? local.filter((rule) => rule.meta.locality === 'command') : [];
  const byStep = local.filter((rule) => !byUnit.includes(rule));
  const keyOf = (of: readonly Rule[]) => contextKey(recipe, facts.lineIndex, context.settings, of.map((rule) => rule.meta.code), dispatch);
  const steps = stepUnits(recipe, facts.lineIndex);
  const stepRun = new StepLocalRun(context, byStep, keyOf(byStep), memo.steps, steps, (keep) => stepSubRecipe(recipe, new Set([...keep].map((unit) => unit.step))));
  if (points === undefined || byUnit.length === 0) {
    return { steps: stepRun, of: (rule) => (rule.meta.locality !== undefined ? stepRun : undefined) };
  }
  const units = commandUnits(recipe, facts.lineIndex, (script) => points.cleanPoints(script, facts.lineIndex.offsetAt(script.range.start)));
  const commandRun = new StepLocalRun(context, byUnit, keyOf(byUnit), memo.commands, units, (keep) => commandSubRecipe(recipe, units, keep));
  return { steps: stepRun, commands: commandRun, of: (rule) => (rule.meta.locality === 'command' ? commandRun : rule.meta.locality === 'step' ? stepRun : undefined) };
}

/** The copied scripts the recipe runs; none if finding them fails (HPC-USE-010 then reports the crash as `hpclint/internal`). */
function copiedScriptsOrNone(facts: RecipeFacts): readonly CopiedScript[] {
  try {
    return facts.copiedScripts;
  } catch {
    return [];
  }
}

/**
 * The findings of every rule inside a copied script, linted as the body of the step that runs it, each
 * reported on the command that runs the script with the script's own line as related information.
 * Only findings that start on one of the script's commands count: the rest concern the recipe (its
 * base, its labels), which the recipe's own lint reports.
 */
function scriptFindings(recipe: Recipe, script: CopiedScript & { text: string }, options: EngineLintOptions, config: ResolvedConfig): HpcDiagnostic[] {
  const source = script.source ?? script.path.value;
  const model = scriptRecipe(recipe, script);
  const result = lint(script.text, { ...options, model, scripts: undefined, memo: undefined, config: { ...config, syntaxValidation: false } });
  const commands = model.stages.flatMap((stage) => stage.steps.flatMap((step) => (step.kind === 'run' ? step.script.commands : [])));
  return result.diagnostics
    .filter((d) => commands.some((command) => startsIn(command.range, d.range)))
    .map((d) => ({
      ...d,
      range: script.command.range,
      message: `${source} line ${d.range.start.line + 1} (run here): ${d.message}`,
      fixes: [],
      related: [{ path: source, range: d.range, message: d.message }],
    }));
}

/** True when `inner` starts inside `outer` (a finding on a pipeline runs from one command into the next). */
function startsIn(outer: Range, inner: Range): boolean {
  const notAfter = (a: Range['start'], b: Range['start']): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return notAfter(outer.start, inner.start) && notAfter(inner.start, outer.end);
}

/** Of the findings that share a root cause, keeps those of the best (lowest) rank; findings without one are kept. */
function onePerRootCause(diagnostics: HpcDiagnostic[], rootCauses: ReadonlyMap<HpcDiagnostic, { key: string; rank: number }>): HpcDiagnostic[] {
  const best = new Map<string, number>();
  for (const diagnostic of diagnostics) {
    const cause = rootCauses.get(diagnostic);
    if (cause && cause.rank < (best.get(cause.key) ?? Infinity)) {
      best.set(cause.key, cause.rank);
    }
  }
  return diagnostics.filter((diagnostic) => {
    const cause = rootCauses.get(diagnostic);
    return !cause || cause.rank === best.get(cause.key);
  });
}

/** A finding made outside the rule loop (ShellCheck) with its default setting (`off` = only when a setting turns it on). */
export interface ExternalFinding {
  diagnostic: HpcDiagnostic;
  defaultSetting: SeveritySetting;
}

/** What `lint` does to its own findings, for findings made elsewhere: severity settings, then pragmas. */
export function settleFindings(found: readonly ExternalFinding[], recipe: Recipe, config: ResolvedConfig): HpcDiagnostic[] {
  const overrides = new Overrides(config);
  const kept: HpcDiagnostic[] = [];
  for (const { diagnostic, defaultSetting } of found) {
    const setting = overrides.forRule(diagnostic.code, diagnostic.name, diagnostic.category) ?? defaultSetting;
    if (setting === 'off') {
      continue;
    }
    kept.push({ ...diagnostic, severity: setting });
  }
  // Findings made outside rules carry no rule's code: pragmas and compat keys name them by their own code.
  const settled = config.compat?.length ? withCompatSettings(kept, overrides, config.compat, recipe, noRules) : kept;
  return settled.filter((d) => !suppressed(d, recipe, noRules)).sort(compareDiagnostics);
}

/**
 * `.hadolint.yaml` severities (the first matching entry wins) for findings whose rule hpclint's own settings do not
 * name: a setting for the rule wins, and a category turned off stays off, but a hadolint entry for one check is
 * more specific than a category severity.
 */
function withCompatSettings(
  diagnostics: readonly HpcDiagnostic[],
  overrides: Overrides,
  compat: NonNullable<ResolvedConfig['compat']>,
  recipe: Recipe,
  names: RuleLookup,
  rootCauses?: Map<HpcDiagnostic, { key: string; rank: number }>,
): HpcDiagnostic[] {
  const result: HpcDiagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const own = overrides.ruleOnly(diagnostic.code, diagnostic.name);
    const entry = own === undefined ? compat.find(({ key }) => matchesCode(key, diagnostic, recipe, names)) : undefined;
    if (!entry) {
      result.push(diagnostic);
    } else if (entry.setting !== 'off') {
      const settled = { ...diagnostic, severity: entry.setting };
      const cause = rootCauses?.get(diagnostic);
      if (cause) {
        rootCauses?.set(settled, cause);
      }
      result.push(settled);
    }
  }
  return result;
}

const noRules: RuleLookup = () => undefined;

const LSP_SEVERITY: Record<number, Severity> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

/** Effective severity settings: rule-level (code or name, any case) beats category. */
class Overrides {
  private readonly rules = new Map<string, SeveritySetting>();
  private readonly categories = new Map<string, SeveritySetting>();

  constructor(config: ResolvedConfig) {
    for (const [key, value] of Object.entries(config.rules)) {
      this.rules.set(key.trim().toLowerCase(), value);
    }
    for (const [key, value] of Object.entries(config.categories)) {
      this.categories.set(key.trim().toLowerCase(), value);
    }
  }

  /** The configured setting, or undefined to keep the finding's / rule's own severity. */
  forRule(code: string, name: string, category: string): SeveritySetting | undefined {
    return this.ruleOnly(code, name) ?? this.categories.get(category);
  }

  /** The setting for the rule itself (code or name), ignoring its category. */
  ruleOnly(code: string, name: string): SeveritySetting | undefined {
    return this.rules.size > 0 ? (this.rules.get(code.toLowerCase()) ?? this.rules.get(name.toLowerCase())) : undefined;
  }
}

/** Why a text is not parsed (too big, binary), or undefined. */
export function skipReason(text: string): string | undefined {
  if (text.length > MAX_RECIPE_BYTES / 3) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_RECIPE_BYTES) {
      return tooLargeMessage(bytes);
    }
  }
  if (text.slice(0, BINARY_SNIFF_LENGTH).includes('\0')) {
    return 'File skipped: looks binary (contains NUL bytes)';
  }
  return undefined;
}

export function tooLargeMessage(bytes: number): string {
  return `File skipped: ${formatMegabytes(bytes)} exceeds hpclint's ${formatMegabytes(MAX_RECIPE_BYTES, 0)} limit`;
}

function formatMegabytes(bytes: number, digits = 1): string {
  return `${(bytes / (1024 * 1024)).toFixed(digits)} MB`;
}

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The one diagnostic reported for a file that is not analysed. */
export function skippedDiagnostic(message: string): HpcDiagnostic {
  return syntaxDiagnostic(SKIPPED_CODE, 'info', message, FILE_START, 'hpclint');
}

function internalDiagnostic(rule: Rule, error: unknown): HpcDiagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    code: INTERNAL_CODE,
    name: 'internal',
    category: rule.meta.category,
    severity: 'warning',
    message: `Rule ${rule.meta.code} (${rule.meta.name}) crashed and was skipped: ${reason}. This is a bug in hpclint.`,
    range: FILE_START,
    fixes: [],
    source: 'hpclint',
  };
}

function syntaxDiagnostic(
  code: string,
  severity: Severity,
  message: string,
  range: Range,
  source: HpcDiagnostic['source'],
): HpcDiagnostic {
  return { code, name: code.slice(code.indexOf('/') + 1), category: 'syntax', severity, message, range, fixes: [], source };
}

function emptyRecipe(format: RecipeFormat, text: string): Recipe {
  return { format, text, stages: [], globalArgs: [], comments: [], pragmas: [], diagnostics: [], escapeChar: '\\' };
}

function suppressed(diagnostic: HpcDiagnostic, recipe: Recipe, names: RuleLookup): boolean {
  const line = diagnostic.range.start.line;
  for (const pragma of recipe.pragmas) {
    if (!pragma.global) {
      const target = pragma.appliesTo;
      if (!target || line < target.startLine || line > target.endLine) {
        continue;
      }
    }
    if (pragma.codes.some((code) => matchesCode(code, diagnostic, recipe, names))) {
      return true;
    }
  }
  return false;
}

/** A pragma or compat key names the finding: its code or name, or a hadolint/BuildKit check it reports (compat/). */
function matchesCode(key: string, diagnostic: HpcDiagnostic, recipe: Recipe, names: RuleLookup): boolean {
  const lower = key.toLowerCase();
  return (
    lower === diagnostic.code.toLowerCase() ||
    lower === diagnostic.name.toLowerCase() ||
    names(key)?.meta.code === diagnostic.code ||
    compatKeyMatches(key, diagnostic, recipe)
  );
}

export function compareDiagnostics(a: HpcDiagnostic, b: HpcDiagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.range.end.line - b.range.end.line ||
    a.range.end.character - b.range.end.character ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  );
}
