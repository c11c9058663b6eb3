// Reads on behalf of a checkout stay inside its repository: the nearest directory with `.git` above the
// file that names them, else that file's own directory.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repositoryEscape, repositoryRoot } from '../../../server/src/io/boundedRead';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'hpclint-repository-'));
}

test('repositoryRoot: the nearest directory with .git from a directory upwards, else the directory', () => {
  const top = scratch();
  try {
    mkdirSync(join(top, 'repo/.git'), { recursive: true });
    mkdirSync(join(top, 'repo/a/b'), { recursive: true });
    mkdirSync(join(top, 'loose'));
    assert.equal(repositoryRoot(join(top, 'repo/a/b')), join(top, 'repo'));
    assert.equal(repositoryRoot(join(top, 'repo')), join(top, 'repo'));
    assert.equal(repositoryRoot(join(top, 'loose')), join(top, 'loose'));
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('repositoryEscape: a file anchors its directory when there is no repository, and its repository otherwise', () => {
  const top = scratch();
  try {
    mkdirSync(join(top, 'loose/sub'), { recursive: true });
    const config = join(top, 'loose/.hpclint.yaml');
    writeFileSync(config, 'site: ./campus.hpclint-site.yaml\n');
    assert.equal(repositoryEscape(join(top, 'loose/campus.hpclint-site.yaml'), config), undefined);
    assert.equal(repositoryEscape(join(top, 'loose/sub/x.yaml'), config), undefined);
    assert.match(repositoryEscape(join(top, 'elsewhere.yaml'), config) ?? '', /elsewhere\.yaml is outside .*loose; not read$/);

    mkdirSync(join(top, 'repo/.git'), { recursive: true });
    mkdirSync(join(top, 'repo/deep/er'), { recursive: true });
    const nested = join(top, 'repo/deep/er/.hpclint.yaml');
    writeFileSync(nested, '');
    assert.equal(repositoryEscape(join(top, 'repo/profiles/site.yaml'), nested), undefined);
    assert.match(repositoryEscape(join(top, 'loose/campus.hpclint-site.yaml'), nested) ?? '', /is outside .*repo; not read$/);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});
