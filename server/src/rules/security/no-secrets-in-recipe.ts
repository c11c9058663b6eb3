// HPC-SEC-005: credentials written into the recipe or copied into the image.
import { defineRule } from '../../engine/rule';
import type { KeyValue, Word } from '../../recipe/model';
import { baseName } from '../util/source';
import docs from './no-secrets-in-recipe.md';

/** Name tokens (split at `_`, `-`, `.`) that mark a secret; BuildKit's SecretsUsedInArgOrEnv list without the bare `key` and `auth`. */
const SECRET_TOKENS = new Set(['password', 'passwd', 'pword', 'secret', 'token', 'apikey', 'credential', 'credentials', 'regcode']);
/** Two-token secrets: `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `SECRET_KEY`, `AUTH_TOKEN`… */
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'client secret', 'ssh key', 'signing key', 'encryption key']);
/** Tokens that make the name metadata about a secret rather than the secret (BuildKit allows `public`). */
const ALLOWED_TOKENS = new Set(['public', 'file', 'path', 'dir', 'url', 'id', 'name', 'type', 'length', 'env', 'endpoint', 'host']);

interface SecretFile {
  test: (path: string, base: string) => boolean;
  what: string;
}

const SECRET_FILES: readonly SecretFile[] = [
  { test: (_, base) => /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(base), what: 'an SSH private key' },
  { test: (path, base) => base === '.ssh' || /(^|\/)\.ssh\//.test(path), what: 'an SSH directory with private keys' },
  { test: (_, base) => base === '.netrc' || base === '_netrc', what: 'login passwords' },
  { test: (_, base) => base === '.git-credentials', what: 'stored Git credentials' },
  { test: (path, base) => /(^|\/)\.aws\/credentials$/.test(path) || (base === '.aws'), what: 'AWS credentials' },
  { test: (path) => /(^|\/)\.docker\/config\.json$/.test(path), what: 'Docker registry credentials' },
  { test: (_, base) => base === '.pypirc', what: 'PyPI upload credentials' },
  { test: (_, base) => base === '.npmrc', what: 'npm registry tokens' },
  { test: (_, base) => /\.(ppk|p12|pfx)$/i.test(base), what: 'a private key store' },
  { test: (_, base) => /(^|[-_.])(priv|private)?key\.pem$/i.test(base) || /priv(ate)?[-_.]?key/i.test(base), what: 'a private key' },
];

export default defineRule({
  meta: {
    code: 'HPC-SEC-005',
    name: 'no-secrets-in-recipe',
    category: 'security',
    severity: 'error',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const pairSteps = [...recipe.globalArgs, ...recipe.stages.flatMap((stage) => stage.steps)];
    for (const step of pairSteps) {
      if (step.kind === 'env' || step.kind === 'arg') {
        for (const pair of step.pairs) {
          if (!isSecretName(pair.key.value) || !carriesSecret(pair, step.kind, recipe.format)) {
            continue;
          }
          const where =
            step.kind === 'arg'
              ? recipe.format === 'dockerfile'
                ? 'build arguments are recorded in the image history'
                : '%arguments defaults are embedded with the definition file'
              : recipe.format === 'dockerfile'
                ? 'ENV values are stored in the image config'
                : `${step.keyword} values are stored in the image`;
          const placeholder = step.kind === 'env' && isPlaceholder(pair);
          // A well-known default (`RABBITMQ_PASSWORD=user`) leaks nothing, but everyone who pulls the image knows it:
          // a weakness (like HPC-SEC-009's build passwords), not a leaked secret.
          context.report({
            range: pair.key.range,
            severity: placeholder ? 'warning' : undefined,
            message: placeholder
              ? `\`${pair.key.value}\` is set to a default anyone can guess, and ${where}: whatever it protects (a broker, a database, a notebook) opens to everyone who knows the image; let the job set it at run time.`
              : `\`${pair.key.value}\` looks like a secret, and ${where}; use a build secret mount or a runtime variable instead.`,
          });
        }
      } else if (step.kind === 'header' && step.key === 'regcode') {
        context.report({
          range: step.keywordRange,
          message: '`Regcode:` is a SUSE registration code; the definition file, and with it this code, is embedded in the image (`apptainer inspect --deffile`).',
        });
      } else if (step.kind === 'copy') {
        for (const source of step.sources) {
          const what = secretFile(source);
          if (what) {
            context.report({
              range: source.range,
              message: `${step.keyword} copies \`${baseName(source.value)}\` (${what}) into the image, where everyone who can run or pull the image can read it.`,
            });
          }
        }
      }
    }
  },
});

export function isSecretName(name: string): boolean {
  const tokens = name.toLowerCase().split(/[_.-]+/).filter((token) => token.length > 0);
  if (tokens.some((token) => ALLOWED_TOKENS.has(token))) {
    return false;
  }
  if (tokens.some((token) => SECRET_TOKENS.has(token))) {
    return true;
  }
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (SECRET_PAIRS.has(`${tokens[i]} ${tokens[i + 1]}`)) {
      return true;
    }
  }
  return false;
}

function carriesSecret(pair: KeyValue, kind: 'env' | 'arg', format: string): boolean {
  if (kind === 'arg') {
    return true; // a build argument's value comes from the build command and is recorded
  }
  const value = pair.value?.value.trim() ?? '';
  if (value === '') {
    return false;
  }
  if (format === 'apptainer' && /^\$\{?\w+(:?-[^}]*)?\}?$/.test(value)) {
    return false; // %environment forwarding a host variable at run time
  }
  return true;
}

/** Values that are defaults or placeholders, not someone's secret. */
const PLACEHOLDERS = /^(user|guest|admin|root|password|passwd|pass|changeme|change_me|changeit|secret|test|demo|example|default|dummy|none|null|xxx+|\*+|<[^>]*>)$/i;

function isPlaceholder(pair: KeyValue): boolean {
  return PLACEHOLDERS.test(pair.value?.value.trim() ?? '');
}

function secretFile(source: Word): string | undefined {
  const path = source.value.replace(/\\/g, '/');
  if (/^[a-z]+:\/\//i.test(path)) {
    return undefined;
  }
  const base = baseName(path);
  if (base.endsWith('.pub')) {
    return undefined;
  }
  return SECRET_FILES.find((file) => file.test(path, base))?.what;
}
