// HPC-SEC-004: TLS certificate or package signature checks switched off.
import { own } from '../../engine/own';
import { defineRule, type Finding, type Fix, type RuleContext } from '../../engine/rule';
import { removeWord, replace, unsafeFix } from '../../engine/fixBuilder';
import type { Heredoc, KeyValue, Recipe, ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { isSplitShellCCall } from '../../recipe/shell';
import { effectiveWords, isPipCommand } from '../util/commands';
import { baseName, lineIndexOf, offsetOf, rangeInWord, rangeOf, shellCScript } from '../util/source';
import docs from './no-disabled-verification.md';

interface StandaloneFlag {
  flags: string[];
  what: string;
}

const CERTIFICATE = 'TLS certificate checks';
const SIGNATURE = 'package signature checks';
const REMEDY: Record<string, string> = {
  [CERTIFICATE]: 'install the missing CA certificate instead',
  [SIGNATURE]: 'import the repository\'s signing key instead',
};

/** Flags that switch verification off on their own (removing the word is the whole fix). */
const STANDALONE: Record<string, StandaloneFlag> = {
  wget: { flags: ['--no-check-certificate'], what: CERTIFICATE },
  curl: { flags: ['--insecure', '-k', '--proxy-insecure'], what: CERTIFICATE },
  'apt-get': { flags: ['--allow-unauthenticated', '--allow-insecure-repositories', '--allow-downgrade-to-insecure-repositories'], what: SIGNATURE },
  apt: { flags: ['--allow-unauthenticated', '--allow-insecure-repositories', '--allow-downgrade-to-insecure-repositories'], what: SIGNATURE },
  aptitude: { flags: ['--allow-untrusted'], what: SIGNATURE },
  yum: { flags: ['--nogpgcheck'], what: SIGNATURE },
  dnf: { flags: ['--nogpgcheck', '--no-gpgchecks'], what: SIGNATURE },
  microdnf: { flags: ['--nogpgcheck'], what: SIGNATURE },
  tdnf: { flags: ['--nogpgcheck'], what: SIGNATURE },
  zypper: { flags: ['--no-gpg-checks'], what: SIGNATURE },
  rpm: { flags: ['--nosignature', '--nodigest'], what: SIGNATURE },
  apk: { flags: ['--allow-untrusted'], what: SIGNATURE },
};

/** curl short options that take a value: in `-ok` the `k` is the output file name, not `--insecure`. */
const CURL_VALUE_LETTERS = new Set('ACDEFHKPQTUXYbcdemortuwxyz'.split(''));

interface TextPattern {
  regex: RegExp;
  message: (match: string) => string;
}

/** Verification switched off in configuration text (echoed into files, heredocs, `--setopt=`, `-o`, `-c`). */
const TEXT_PATTERNS: readonly TextPattern[] = [
  {
    regex: /\[[^\]\n]*\btrusted=yes\b[^\]\n]*\]/g,
    message: () => 'An APT source marked `[trusted=yes]` is used without checking its signatures: anyone between the build and the mirror can serve altered packages; use `[signed-by=<keyring>]` instead.',
  },
  {
    regex: /(?:(?<=\\n)|(?<![\w.-]))gpgcheck\s*=\s*(?:0|false|no)\b/gi,
    message: (m) => `\`${m}\` makes yum/dnf install packages without checking their signatures; import the repository's key (\`rpm --import\`, \`gpgkey=\`) instead.`,
  },
  {
    regex: /(?:(?<=\\n)|(?<![\w.-]))sslverify\s*=\s*(?:0|false|no)\b/gi,
    message: (m) => `\`${m}\` makes yum/dnf accept any TLS certificate for the repository; install the missing CA certificate instead.`,
  },
  {
    regex: /(?:AllowUnauthenticated|AllowInsecureRepositories|AllowDowngradeToInsecureRepositories)\s*(?:=\s*(?:true|1|yes)\b|\s+"(?:true|1|yes)")/gi,
    message: (m) => `\`${m}\` lets APT install packages from unsigned or unauthenticated repositories; import the repository's signing key instead.`,
  },
  {
    regex: /Verify-(?:Peer|Host)\s*(?:=\s*(?:false|0|no)\b|\s+"(?:false|0|no)")/gi,
    message: (m) => `\`${m}\` makes APT accept any TLS certificate; install the missing CA certificate instead.`,
  },
  {
    regex: /(?<![\w-])http\.(?:[^\s=]+\.)?sslverify\s*=\s*(?:false|0|no|off)\b/gi,
    message: (m) => `\`${m}\` makes Git accept any TLS certificate; install the missing CA certificate instead.`,
  },
  {
    regex: /(?<![\w-])strict-ssl\s*=\s*false\b/gi,
    message: (m) => `\`${m}\` makes npm accept any TLS certificate; install the missing CA certificate (\`cafile=\`) instead.`,
  },
  {
    regex: /(?<![\w-])ssl_verify\s*:\s*(?:false|no)\b/gi,
    message: (m) => `\`${m}\` makes conda accept any TLS certificate; point \`ssl_verify\` at the site's CA bundle instead.`,
  },
  {
    regex: /(?:(?<=\\n)|(?<![\w-]))trusted-host\s*=\s*\S/g,
    message: () => 'A pip `trusted-host` setting makes pip accept plain HTTP and any TLS certificate for that host; use an HTTPS index and the site\'s CA certificate instead.',
  },
];

/** Environment variables that switch verification off, with the values that do so. */
const ENV_SWITCHES: Record<string, { off: (value: string) => boolean; message: string }> = {
  GIT_SSL_NO_VERIFY: { off: (v) => v !== '' && !/^(0|false|no)$/i.test(v), message: 'makes Git accept any TLS certificate' },
  PIP_TRUSTED_HOST: { off: (v) => v !== '', message: 'makes pip accept plain HTTP and any TLS certificate for those hosts' },
  NODE_TLS_REJECT_UNAUTHORIZED: { off: (v) => v === '0', message: 'makes Node.js (and npm) accept any TLS certificate' },
  NPM_CONFIG_STRICT_SSL: { off: (v) => /^(false|0)$/i.test(v), message: 'makes npm accept any TLS certificate' },
  PYTHONHTTPSVERIFY: { off: (v) => v === '0', message: 'makes Python\'s urllib accept any TLS certificate' },
  CONDA_SSL_VERIFY: { off: (v) => /^(false|no|0)$/i.test(v), message: 'makes conda accept any TLS certificate' },
};

/** `tool config set KEY false`-style switches: command → key pattern → off values. */
const CONFIG_COMMANDS: Record<string, { key: RegExp; off: RegExp; what: string }> = {
  git: { key: /^http\.(\S+\.)?sslverify$/i, off: /^(false|0|no|off)$/i, what: 'Git' },
  npm: { key: /^strict-ssl$/i, off: /^false$/i, what: 'npm' },
  yarn: { key: /^strict-ssl$/i, off: /^false$/i, what: 'yarn' },
  pnpm: { key: /^strict-ssl$/i, off: /^false$/i, what: 'pnpm' },
  conda: { key: /^ssl_verify$/i, off: /^(false|no|0)$/i, what: 'conda' },
  mamba: { key: /^ssl_verify$/i, off: /^(false|no|0)$/i, what: 'mamba' },
  micromamba: { key: /^ssl_verify$/i, off: /^(false|no|0)$/i, what: 'micromamba' },
};

/** Commands that only search or print text about flags. */
const TEXT_TOOLS = new Set(['grep', 'egrep', 'fgrep', 'rg', 'awk', 'gawk']);
const WRITERS = new Set(['echo', 'printf', 'tee', 'cat', 'sed', 'perl', 'crudini', 'dnf', 'yum', 'microdnf', 'yum-config-manager', 'dnf-config-manager', 'apt-get', 'apt', 'git', 'npm', 'yarn', 'pnpm', 'pip', 'pip3', 'conda', 'mamba', 'micromamba', 'zypper', 'add-apt-repository']);

export default defineRule({
  meta: {
    code: 'HPC-SEC-004',
    name: 'no-disabled-verification',
    category: 'security',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const gathering = gatheringFor(context);
    for (const { script, step } of allScripts(recipe)) {
      if (step.kind === 'env') {
        continue; // %environment: its assignments are checked as pairs below
      }
      for (const command of expandShellC(recipe, script.commands)) {
        reportOnce(context, gathering, checkCommand, command);
      }
      for (const heredoc of script.heredocs) {
        reportOnce(context, gathering, scanHeredoc, heredoc);
      }
    }
    for (const stage of [undefined, ...recipe.stages]) {
      const steps = stage ? stage.steps : recipe.globalArgs;
      for (const step of steps) {
        if (step.kind === 'env' || step.kind === 'arg') {
          for (const pair of step.pairs) {
            checkEnvPair(context, pair, step.keyword);
          }
        }
      }
    }
  },
});

/**
 * Reports what one command's check found as one finding: `wget --no-check-certificate --no-hsts …` or an `echo` that
 * writes `gpgcheck=0` and `sslverify=0` is one insecure command. The finding sits on the first switch, names the
 * others, and its fix removes them all when each has a fix (safe only when every one is).
 */
function reportOnce<T>(context: RuleContext, gathering: Gathering, check: (collecting: RuleContext, subject: T) => void, subject: T): void {
  const findings = gathering.findings;
  findings.length = 0;
  check(gathering.context, subject);
  if (findings.length <= 1) {
    if (findings.length === 1) {
      context.report(findings[0]);
    }
    return;
  }
  const first = findings[0];
  const more = findings.slice(1);
  const text = (finding: Finding): string => context.recipe.text.slice(offsetOf(context.recipe, finding.range.start), offsetOf(context.recipe, finding.range.end));
  const fixable = findings.every((finding) => finding.fixes?.[0] !== undefined);
  context.report({
    ...first,
    message: `${first.message} The same command also switches off verification with ${more.map((finding) => `\`${text(finding)}\``).join(', ')}.`,
    fixes: fixable
      ? [
          {
            title: findings.map((finding) => finding.fixes?.[0]?.title).join('; '),
            safe: findings.every((finding) => finding.fixes?.[0]?.safe === true),
            edits: findings.flatMap((finding) => finding.fixes?.[0]?.edits ?? []),
          },
        ]
      : first.fixes,
  });
}

/** A context whose `report` gathers into `findings`: one per lint, emptied for each command (`reportOnce`). */
interface Gathering {
  readonly context: RuleContext;
  readonly findings: Finding[];
}

function gatheringFor(context: RuleContext): Gathering {
  const findings: Finding[] = [];
  return { context: { ...context, report: (finding) => findings.push(finding) }, findings };
}

function checkCommand(context: RuleContext, command: ShellCommand): void {
  const { recipe } = context;
  for (const assignment of command.assignments) {
    checkAssignment(context, assignment, () => [removeWordFix(recipe, assignment, `Remove \`${assignment.text}\``)]);
  }
  const words = effectiveWords(command);
  if (words.length === 0) {
    return;
  }
  const name = baseName(words[0].value);
  if (name === 'export' || name === 'declare' || name === 'env' || name === 'typeset') {
    for (const word of command.words.slice(1)) {
      checkAssignment(context, word, noFixes);
    }
  } else if (command.words.length > words.length && baseName(command.words[0].value) === 'env') {
    for (const word of command.words.slice(1, command.words.length - words.length)) {
      checkAssignment(context, word, noFixes);
    }
  }
  if (TEXT_TOOLS.has(name)) {
    return;
  }
  const standalone = own(STANDALONE, name);
  if (standalone) {
    for (let i = 1; i < words.length; i++) {
      const word = words[i];
      if (word.value === '--') {
        break;
      }
      if (standalone.flags.includes(word.value)) {
        context.report({
          range: word.range,
          message: `\`${name} ${word.value}\` switches off ${standalone.what}; ${REMEDY[standalone.what]}.`,
          fixes: [removeWordFix(recipe, word, `Remove \`${word.value}\``)],
        });
      } else if (name === 'curl' && word.text === word.value && /^-[A-Za-z0-9]{2,}$/.test(word.value)) {
        checkCurlCluster(context, word);
      }
    }
  }
  if (isPipCommand(command)) {
    checkPip(context, words);
  }
  const config = own(CONFIG_COMMANDS, name);
  if (config) {
    for (let i = 1; i + 1 < words.length; i++) {
      if (config.key.test(words[i].value) && config.off.test(words[i + 1].value)) {
        context.report({
          range: { start: words[i].range.start, end: words[i + 1].range.end },
          message: `\`${words[i].value} ${words[i + 1].value}\` makes ${config.what} accept any TLS certificate; install the site's CA certificate instead.`,
        });
      }
    }
  }
  if (WRITERS.has(name) || /^pip[\d.]*$/.test(name)) {
    for (let i = 1; i < words.length; i++) {
      const word = words[i];
      if (name === 'sed') {
        const replacement = sedReplacement(word);
        if (replacement) {
          scanText(context, replacement.text, offsetOf(recipe, word.range.start) + replacement.offset);
        }
      } else if (mayHoldSetting(word.text)) {
        scanText(context, word.text, offsetOf(recipe, word.range.start));
      }
    }
  }
}

function checkCurlCluster(context: RuleContext, word: Word): void {
  for (let i = 1; i < word.value.length; i++) {
    const letter = word.value[i];
    if (letter === 'k') {
      const without = word.value.length === 2 ? '' : word.value.slice(0, i) + word.value.slice(i + 1);
      context.report({
        range: rangeInWord(context.recipe, word, i, i + 1),
        message: `\`curl ${word.value}\` includes \`-k\` (\`--insecure\`), which switches off TLS certificate checks; install the missing CA certificate instead.`,
        fixes: [unsafeFix(`Remove \`k\` from \`${word.value}\``, replace(word.range, without))],
      });
      return;
    }
    if (CURL_VALUE_LETTERS.has(letter)) {
      return; // the rest of the cluster is this option's value
    }
  }
}

function checkPip(context: RuleContext, words: readonly Word[]): void {
  const { recipe } = context;
  const plainHttpIndex = words.some((word) => /(^|=)http:\/\//i.test(word.value));
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (word.value === '--trusted-host' || word.value.startsWith('--trusted-host=')) {
      const attached = word.value.startsWith('--trusted-host=');
      const host = attached ? word.value.slice('--trusted-host='.length) : (words[i + 1]?.value ?? '');
      const last = attached || !words[i + 1] ? word : words[i + 1];
      const title = `Remove \`--trusted-host ${host}\`${plainHttpIndex ? ' (pip then refuses the `http://` index: switch it to HTTPS)' : ''}`;
      const fixes: Fix[] = [removeSpanFix(recipe, word.range.start, last.range.end, title)];
      context.report({
        range: word.range,
        message: `\`--trusted-host ${host}\` makes pip accept plain HTTP and any TLS certificate from \`${host}\`; use an HTTPS index and install the site's CA certificate instead.`,
        fixes,
      });
    } else if (/^(global|install|download)\.trusted-host$/.test(word.value) && words[i - 1]?.value === 'set') {
      context.report({
        range: word.range,
        message: `\`pip config set ${word.value}\` makes pip accept plain HTTP and any TLS certificate for that host; use an HTTPS index instead.`,
      });
    }
  }
}

const noFixes = (): Fix[] => [];

/** `fixes` is only called for a reported assignment (building a fix costs offset lookups). */
function checkAssignment(context: RuleContext, word: Word, fixes: () => Fix[]): void {
  const eq = word.value.indexOf('=');
  if (eq <= 0) {
    return;
  }
  const name = word.value.slice(0, eq);
  const value = word.value.slice(eq + 1).replace(/^["']|["']$/g, '');
  const switchOff = own(ENV_SWITCHES, name);
  if (switchOff && switchOff.off(value)) {
    context.report({ range: word.range, message: `\`${name}=${value}\` ${switchOff.message}; install the site's CA certificate instead.`, fixes: fixes() });
  }
}

function checkEnvPair(context: RuleContext, pair: KeyValue, keyword: string): void {
  const switchOff = own(ENV_SWITCHES, pair.key.value);
  const value = pair.value?.value.trim() ?? '';
  if (switchOff && switchOff.off(value)) {
    context.report({
      range: pair.range,
      message: `${keyword} \`${pair.key.value}=${value}\` ${switchOff.message} for every later step${keyword.toUpperCase() === 'ENV' || keyword.startsWith('%') ? ' and at run time' : ''}; install the site's CA certificate instead.`,
    });
  }
}

function scanHeredoc(context: RuleContext, heredoc: Heredoc): void {
  const start = offsetOf(context.recipe, heredoc.range.start);
  scanText(context, context.recipe.text.slice(start, offsetOf(context.recipe, heredoc.range.end)), start);
}

function scanText(context: RuleContext, text: string, start: number): void {
  if (!mayHoldSetting(text)) {
    return;
  }
  for (const pattern of TEXT_PATTERNS) {
    pattern.regex.lastIndex = 0;
    for (let match = pattern.regex.exec(text); match; match = pattern.regex.exec(text)) {
      context.report({
        range: rangeOf(context.recipe, start + match.index, start + match.index + match[0].length),
        message: pattern.message(match[0]),
      });
    }
  }
}

/**
 * Cheap necessary condition for a match of `TEXT_PATTERNS`: each pattern needs a `=`, a `:` or a `"` (`key = value`,
 * `ssl_verify: false`, `Verify-Peer "false"`). Most words scanned (package names, paths, options) have none of them.
 */
function mayHoldSetting(text: string): boolean {
  return text.includes('=') || text.includes(':') || text.includes('"');
}

/** The replacement part of a `s/…/…/` sed expression word, with its offset in the raw text. */
function sedReplacement(word: Word): { text: string; offset: number } | undefined {
  const quote = /^['"]/.test(word.text) ? 1 : 0;
  const body = word.text.slice(quote);
  const match = /^s(.)((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)/.exec(body);
  if (!match) {
    return undefined;
  }
  return { text: match[3], offset: quote + 2 + match[2].length + 1 };
}

function expandShellC(recipe: Recipe, commands: readonly ShellCommand[]): ShellCommand[] {
  const result: ShellCommand[] = [];
  for (const command of commands) {
    if (isSplitShellCCall(command)) {
      continue; // the model lists the script's commands after the call
    }
    const inner = shellCScript(recipe, command.words);
    if (inner && inner.commands.length > 0) {
      result.push(...expandShellC(recipe, inner.commands));
    } else {
      result.push(command);
    }
  }
  return result;
}

/** Removes `word` and one adjacent space (the following one, else the preceding one). */
function removeWordFix(recipe: Recipe, word: Word, title: string): Fix {
  return removeSpanFix(recipe, word.range.start, word.range.end, title);
}

function removeSpanFix(recipe: Recipe, startPosition: Word['range']['start'], endPosition: Word['range']['end'], title: string): Fix {
  return unsafeFix(title, removeWord(lineIndexOf(recipe), { start: startPosition, end: endPosition }));
}
