// HPC-SEC-005: credentials written into the recipe or copied into the image.
import { defineRule } from '../../engine/rule';
import type { KeyValue, Word } from '../../recipe/model';
import { baseName } from '../util/source';

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
    fix: 'none',
    docs: {
      summary: 'Passwords, tokens, registration codes and private keys in ENV/ARG/`%arguments`, headers or copied files end up in the image.',
      whatItDoes:
        'Reports `ENV`, `ARG`, `%environment` and `%arguments` entries whose name marks a secret (tokens `PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `APIKEY`, `CREDENTIALS`, ' +
        'pairs `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `SECRET_KEY`…, split at `_` like BuildKit\'s SecretsUsedInArgOrEnv), the SUSE `Regcode:` header, and ' +
        '`COPY`/`ADD`/`%files` of credential files: `.ssh/`, `id_rsa`/`id_ed25519`…, `.netrc`, `.git-credentials`, `.aws/credentials`, `.docker/config.json`, `.pypirc`, ' +
        '`.npmrc`, `*.p12`/`*.pfx`/`*.ppk` and private-key PEM files. The message never repeats the value.',
      whyHpc:
        'Images are copied to shared parallel file systems and registries where every user of the project (or the world) can read them. `ENV` values are stored in the image ' +
        'config, `ARG` values in the build history, copied files in a layer even if a later step deletes them, and Apptainer embeds the whole definition file in the SIF ' +
        '(`apptainer inspect --deffile`), so a `Regcode:` or `%arguments` token is readable by anyone who can run the image.',
      howToFix:
        'Pass secrets only for the step that needs them: `RUN --mount=type=secret,id=token TOKEN=$(cat /run/secrets/token) …` (Dockerfile) or read them from a file on the ' +
        'build host in `%setup`/`%post` without writing them into the image; give runtime credentials with `--env`/`APPTAINERENV_*` or a bind-mounted file. Rotate any ' +
        'secret that was already built into an image. No automatic fix: moving a secret out of the recipe changes how the build is run.',
      bad: [
        { format: 'dockerfile', code: 'FROM python:3.12-slim\nARG GITHUB_TOKEN\nRUN pip install git+https://${GITHUB_TOKEN}@github.com/org/private.git\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%files\n    ~/.ssh/id_ed25519 /root/.ssh/id_ed25519\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM python:3.12-slim\nENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305\nRUN --mount=type=secret,id=github_token pip install git+https://$(cat /run/secrets/github_token)@github.com/org/private.git\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%files\n    ca-bundle.pem /etc/ssl/certs/site-ca.pem\n' },
      ],
      exceptions:
        'Names with a bare `KEY` (`GPG_KEY`, `KEY_ID`, `SSH_KEY_FINGERPRINT`) are public key material or identifiers and are not reported, nor are names that describe where ' +
        'a secret lives (`*_FILE`, `*_PATH`, `*_URL`, `*_ID`, `PUBLIC_*`). `ENV` entries with an empty value and `%environment` entries that only pass on a host variable ' +
        '(`export TOKEN=${TOKEN:-}`) are not reported. Generic `*.pem` and `*.key` files are usually CA bundles or public repository keys and are only reported when the ' +
        'name says private key (`key.pem`, `privkey.pem`, `*private*key*`). Sources copied as a directory (`COPY . /src`) cannot be inspected.',
      references: [
        'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/',
        'https://docs.docker.com/build/building/secrets/',
        'https://apptainer.org/docs/user/main/environment_and_metadata.html',
      ],
    },
  },
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
          context.report({
            range: pair.key.range,
            message: `\`${pair.key.value}\` looks like a secret, and ${where}; use a build secret mount or a runtime variable instead.`,
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
