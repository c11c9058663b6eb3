import { parseRulePage } from '../docs/rule-page';
import type { RecipeFacts, ScriptRef } from '../recipe/facts';
import type { Range, Recipe, RecipeFormat, ShellCommand, Stage, Step, StepKind } from '../recipe/model';
import { walkHandlers } from './dispatch';
import type { Site } from '../site/profile';

// The vocabularies of findings and settings, declared once here (types derived from the lists).

/** Finding severities, worst first. */
export const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** What a setting may give a rule or category (`hpclint.rules`, `.hpclint.yaml`, `--rule`). */
export const SEVERITY_SETTINGS = ['off', ...SEVERITIES] as const;
export type SeveritySetting = (typeof SEVERITY_SETTINGS)[number];

/** Rule categories (each rule has one). */
export const RULE_CATEGORIES = [
  'def',
  'portability',
  'performance',
  'networking',
  'security',
  'maintainability',
  'usability',
  'licensing',
  'build',
  'caching',
  'eol',
] as const;
export type Category = (typeof RULE_CATEGORIES)[number];
/** Categories settings may name: the rules' and those of findings made outside rules (syntax checks, ShellCheck). */
export const CATEGORIES = [...RULE_CATEGORIES, 'syntax', 'shell'] as const;
export type SettingCategory = (typeof CATEGORIES)[number];

export function isSeveritySetting(value: string): value is SeveritySetting {
  return (SEVERITY_SETTINGS as readonly string[]).includes(value);
}

export function isSettingCategory(value: string): value is SettingCategory {
  return (CATEGORIES as readonly string[]).includes(value);
}

/** `off, error, warning, info or hint`: a list as messages name the accepted values. */
export function oneOfText(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  /** Safe fixes are preferred quick fixes and applied by "Fix all" / `--fix`; unsafe ones are only offered. */
  safe: boolean;
  edits: TextEdit[];
}

export interface RuleExample {
  format: RecipeFormat;
  code: string;
  /** Project settings (`.hpclint.yaml`) the example assumes, for rules that depend on them. */
  settings?: Partial<Omit<RuleSettings, 'today'>>;
}

export interface RuleDocs {
  /** One line; also the README table summary. */
  summary: string;
  whatItDoes: string;
  /** Why the pitfall bites on HPC systems: the concrete error or slowdown a user sees. */
  whyHpc: string;
  howToFix: string;
  /** Examples that must trigger the rule (checked by tests). */
  bad: RuleExample[];
  /** Examples that must stay clean (checked by tests). */
  good: RuleExample[];
  /** When not to use the rule / known exceptions. */
  exceptions?: string;
  references: string[];
}

/**
 * What a rule looks at, declared so that the engine can skip it on recipes that have none of it (engine/dispatch.ts).
 * A recipe interests the rule when it has a step of one of `steps`, a command named one of `commands`, or mentions
 * one of `keywords`; a rule that declares nothing runs on every recipe of its formats. Each list must be a necessary
 * condition of every finding, whatever the settings: the rule tests and the corpus equivalence test check it.
 */
export interface RuleInterests {
  readonly steps?: readonly StepKind[];
  /** Effective command names (after `sudo`, `env A=1`, `exec` …) of the recipe's scripts (`RecipeFacts.commands`; not `sh -c` strings). */
  readonly commands?: readonly string[];
  /** Lower-case text the recipe must mention: its text, word values after quote removal, `sh -c` scripts. */
  readonly keywords?: readonly string[];
}

export interface RuleMeta {
  /** `HPC-PORT-001`. */
  code: string;
  /** Codes the rule had before (a code is never reused): configs, `--rule`, pragmas and `--explain` still accept them. */
  formerCodes?: string[];
  /** kebab-case, `no-march-native`. */
  name: string;
  category: Category;
  severity: Severity;
  formats: RecipeFormat[];
  /** Which fix kinds the rule can offer. */
  fix: 'safe' | 'unsafe' | 'both' | 'none';
  /** What the rule looks at (absent: everything). */
  interests?: RuleInterests;
  /**
   * `step`: every finding on a step depends only on that step and the skeleton (FROM or header lines, global ARGs,
   * settings), and every finding outside the steps only on the skeleton. A lint with a memo then runs the rule only on
   * the steps that changed since the document's previous lint (engine/stepMemo.ts); test/unit/engine/locality.test.ts
   * holds every rule that says so to it over the corpus and the rule fixtures.
   * `command`: step-local, and more: in a definition file's run step (`%post`, `%setup`, `%appinstall`) every finding
   * on a unit of the script (engine/commandLocality.ts: the lines between two clean points of its top level) depends
   * only on that unit and the section's header lines, and every finding on those header lines only on them. A lint
   * with a memo then runs the rule only on the units that changed; the same test holds the rule to it.
   */
  locality?: 'step' | 'command';
  docs: RuleDocs;
}

/** Project/site settings rules may read (from `.hpclint.yaml`). */
export interface RuleSettings {
  /** Where the image goes: `public` raises licensing/portability rules; undefined = unknown. */
  publish?: 'public' | 'private';
  /** Registries considered trusted (e.g. `docker.io/library`, `ghcr.io/myorg`). */
  trustedRegistries: string[];
  /** The site's pull-through cache for Docker Hub, e.g. `registry.example.org/dockerhub`; undefined = none known. */
  registryMirror?: string;
  /** Evaluation date for date-dependent rules (EOL); ISO `YYYY-MM-DD`. */
  today: string;
  /** Target sites from a site profile (`--site`, `site:`, `hpclint.site`); absent or empty = no profile, generic answers. */
  sites?: readonly Site[];
  /**
   * The recipe's own repositories as `host/owner/name` (`github.com/foo/bar`, compared without case): the git remotes
   * of the checkout it lives in, read by the service (service/ownRepository.ts), never from a config file.
   */
  ownRepositories?: readonly string[];
}

export interface Finding {
  range: Range;
  message: string;
  /** Overrides the rule's default severity for this finding (e.g. EOL: error past EOL, warning when near). */
  severity?: Severity;
  fixes?: Fix[];
  /** How to fix this finding, when the rule page's general advice does not fit it (the CLI's `fix:` line). */
  howToFix?: string;
  /** Set when the finding comes from a site profile: the site it is about and the profile fact it used. */
  site?: SiteFact;
  /**
   * Findings of several rules about one root cause (an end-of-life base: HPC-EOL-001, HPC-PORT-007, HPC-EOL-003) share
   * a key; of those the settings keep, only the lowest rank is reported, so turning the best one off brings the others
   * back (an ignore pragma on it silences the root cause). The best one carries the others' facts in its message.
   */
  rootCause?: { key: string; rank: number };
}

/** The site a finding is about and the fact of its profile that decided it (shown in hovers, JSON and SARIF). */
export interface SiteFact {
  /** Site name as shown to users (`lumi`, or `lumi (lumi-g)` when narrowed to partitions). */
  name: string;
  /** The fact used, e.g. `partition lumi-c: znver3 (x86-64-v3)`. */
  fact: string;
  /** Where the fact comes from (URL or probe), if the profile says. */
  source?: string;
}

export interface RuleContext {
  readonly recipe: Recipe;
  /** What is derived from the recipe and shared between rules (computed on first use, once per lint). */
  readonly facts: RecipeFacts;
  readonly settings: RuleSettings;
  report(finding: Finding): void;
}

/** A part of a rule called once per command (in recipe order) whose effective name is one of `names`. */
export interface CommandHandler {
  readonly names: readonly string[];
  check(command: ShellCommand, where: ScriptRef, context: RuleContext): void;
}

/** A part of a rule called once per step (in recipe order) of one of `kinds`. */
export interface StepHandler<K extends StepKind = StepKind> {
  readonly kinds: readonly K[];
  check(step: Extract<Step, { kind: K }>, stage: Stage, context: RuleContext): void;
}

/**
 * What a rule looks at the recipe with: its own `check`, and handlers the engine calls on the commands and steps they
 * name, found in RecipeFacts' indexes (one walk each, shared by every rule). The engine runs `check`, then `onStep`,
 * then `onCommand` (engine/dispatch.ts).
 */
export interface RuleParts<K extends StepKind = StepKind> {
  check?(context: RuleContext): void;
  onStep?: StepHandler<K>;
  onCommand?: CommandHandler;
}

export interface Rule {
  meta: RuleMeta;
  /** The whole rule on one recipe: its parts, the handlers on the commands and steps found by a walk of their own. */
  check(context: RuleContext): void;
  /** Its parts, when it has handlers: the engine dispatches them (`runRule`), and `check` is their undispatched twin. */
  parts?: RuleParts;
}

/** What a rule file exports through `defineRule`: metadata without docs, its page, its check and handlers. */
export interface RuleDefinition<K extends StepKind = StepKind> extends RuleParts<K> {
  meta: Omit<RuleMeta, 'docs'>;
  /** The rule's page, `<name>.md` beside the rule file (imported as text); parsed into `meta.docs`. */
  docs: string;
}

/**
 * A rule from its definition; throws when the page does not parse or its title is not `# <code> <name>`. A rule made
 * of handlers only is interested in what they name (`meta.interests`, unless it declares its own).
 */
export function defineRule<K extends StepKind>(definition: RuleDefinition<K>): Rule {
  const { meta, docs, check, onStep, onCommand } = definition;
  let page;
  try {
    page = parseRulePage(docs);
  } catch (error) {
    throw new Error(`${meta.code} ${meta.name}: ${meta.name}.md: ${(error as Error).message}`);
  }
  if (page.code !== meta.code || page.name !== meta.name) {
    throw new Error(`${meta.code} ${meta.name}: ${meta.name}.md is titled \`# ${page.code} ${page.name}\``);
  }
  if (!onStep && !onCommand) {
    if (!check) {
      throw new Error(`${meta.code} ${meta.name}: the rule has neither a check nor a handler`);
    }
    return { meta: { ...meta, docs: page.docs }, check };
  }
  const parts = { check, onStep, onCommand } as RuleParts;
  const interests = meta.interests ?? (check ? undefined : { ...(onStep ? { steps: onStep.kinds } : {}), ...(onCommand ? { commands: onCommand.names } : {}) });
  return {
    meta: { ...meta, ...(interests ? { interests } : {}), docs: page.docs },
    check: (context) => walkHandlers(parts, context),
    parts,
  };
}
