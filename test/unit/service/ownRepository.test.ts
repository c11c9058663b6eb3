// The recipe's own repository: the service reads the git remotes of the checkout a recipe is in (bounded, inside the
// workspace, never through a link out of it) and HPC-MAINT-001/002 report fetches of that repository as info.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { allRules } from '../../../server/src/rules/index';
import { ownRepositoryOf, repositoryIdentity } from '../../../server/src/rules/util/own-repository';
import { InProcessLinter } from '../../../server/src/service/linter';
import { LintService } from '../../../server/src/service/lintService';
import { findOwnRepository, remoteUrls } from '../../../server/src/service/ownRepository';
import { testSettings } from '../ruleRunner';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-own-repository-')));
after(() => rmSync(temp, { recursive: true, force: true }));

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const remote = (name: string, url: string): string => `[remote "${name}"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/${name}/*\n`;

const RECIPE = ['FROM ubuntu:24.04', 'RUN git clone https://github.com/Foo/Bar.git /src', 'RUN git clone https://github.com/other/tool.git /opt/tool', ''].join('\n');

/** MAINT-001 findings (line: severity) of RECIPE linted by the service as a file in `directory`, with `workspace` open. */
async function maint001(directory: string, workspace?: string): Promise<string[]> {
  const service = new LintService(allRules, { interactive: new InProcessLinter(allRules) }, { stopAt: () => (workspace ? [workspace] : []) });
  const { config } = service.configFor(directory, {});
  const outcome = await service.run({ kind: 'lint', text: RECIPE, fileName: join(directory, 'Dockerfile'), format: 'dockerfile', config });
  await service.close();
  return outcome.diagnostics.filter((d) => d.code === 'HPC-MAINT-001').map((d) => `${d.range.start.line + 1}: ${d.severity}`);
}

describe('repository identities', () => {
  test('remote URLs of every form name the same repository; local paths name none', () => {
    for (const url of ['https://github.com/Foo/Bar.git', 'https://user:token@GitHub.com/Foo/Bar/', 'git@github.com:Foo/Bar.git', 'ssh://git@github.com:22/Foo/Bar', 'git://www.github.com/Foo/Bar', 'git+https://github.com/Foo/Bar.git']) {
      assert.equal(repositoryIdentity(url), 'github.com/Foo/Bar', url);
    }
    assert.equal(repositoryIdentity('https://gitlab.com/group/sub/name.git'), 'gitlab.com/group/sub/name');
    for (const url of ['/srv/git/bar.git', '../bar', 'file:///srv/git/bar.git', 'https://github.com/foo', 'origin']) {
      assert.equal(repositoryIdentity(url), undefined, url);
    }
  });

  test('a fetched URL belongs to an own repository by host and path prefix, without case, never by a longer name', () => {
    const settings = testSettings({ ownRepositories: ['github.com/Foo/Bar', 'gitlab.com/group/sub/name'] });
    const own = (url: string): string | undefined => ownRepositoryOf(url, settings);
    assert.equal(own('https://github.com/foo/bar'), 'github.com/Foo/Bar');
    assert.equal(own('git+https://github.com/Foo/Bar.git@main#egg=bar'), 'github.com/Foo/Bar');
    assert.equal(own('https://github.com/Foo/Bar/archive/refs/heads/main.tar.gz'), 'github.com/Foo/Bar');
    assert.equal(own('https://raw.githubusercontent.com/Foo/Bar/main/patch.diff'), 'github.com/Foo/Bar');
    assert.equal(own('https://api.github.com/repos/Foo/Bar/tarball/main'), 'github.com/Foo/Bar');
    assert.equal(own('https://codeload.github.com/Foo/Bar/tar.gz/main'), 'github.com/Foo/Bar');
    assert.equal(own('github.com/Foo/Bar/cmd/tool@latest'), 'github.com/Foo/Bar');
    assert.equal(own('https://gitlab.com/group/sub/name/-/archive/main/name-main.tar.gz'), 'gitlab.com/group/sub/name');
    assert.equal(own('https://github.com/Foo/Bar-extra.git'), undefined);
    assert.equal(own('https://github.com/Foo/Ba'), undefined);
    assert.equal(own('https://gitlab.com/Foo/Bar'), undefined, 'another host');
    assert.equal(ownRepositoryOf('https://github.com/Foo/Bar', testSettings()), undefined, 'no own repository known');
    // GitHub Actions' variables name the repository the workflow runs in.
    assert.equal(own('https://raw.githubusercontent.com/${GITHUB_REPOSITORY_OWNER}/Bar/master/x.patch'), 'github.com/Foo/Bar');
    assert.equal(own('https://github.com/$GITHUB_REPOSITORY.git'), 'github.com/Foo/Bar');
    assert.equal(own('https://github.com/${GITHUB_REPOSITORY_OWNER}/other/archive/master.zip'), undefined, 'another repository of the owner');
    assert.equal(own('https://gitlab.com/${GITHUB_REPOSITORY_OWNER}/sub/name'), undefined, 'GitHub variables name GitHub repositories');
  });

  test('git config: url and pushurl of remote sections only, quotes and comments removed', () => {
    const text = [
      '[core]',
      '\turl = https://github.com/not/a-remote',
      '[remote "origin"]',
      '\turl = "https://github.com/Foo/Bar.git" ; the project',
      '\tpushurl = git@github.com:Foo/Bar.git # push over SSH',
      '[submodule "lib"]',
      '\turl = https://github.com/dep/lib.git',
      '[url "https://mirror.example.org/"]',
      '\tinsteadOf = https://github.com/',
      '[Remote "upstream"]',
      '\tURL = https://github.com/upstream/Bar',
    ].join('\n');
    assert.deepEqual(remoteUrls(text), ['https://github.com/Foo/Bar.git', 'git@github.com:Foo/Bar.git', 'https://github.com/upstream/Bar']);
  });
});

describe('the service reads the checkout the recipe is in', () => {
  test('.git/config remotes reach the rules: a clone of the own repository is info, another clone a warning', async () => {
    const workspace = join(temp, 'plain');
    write(join(workspace, '.git', 'config'), `[core]\n\tbare = false\n${remote('origin', 'https://github.com/Foo/Bar.git')}${remote('upstream', 'git@github.com:foo/bar.git')}`);
    const recipes = join(workspace, 'docker', 'gpu');
    mkdirSync(recipes, { recursive: true });
    assert.deepEqual(findOwnRepository(recipes, workspace), { root: workspace, identities: ['github.com/Foo/Bar'] });
    assert.deepEqual(await maint001(recipes, workspace), ['2: info', '3: warning']);
    assert.deepEqual(await maint001(recipes), ['2: info', '3: warning'], 'the CLI (no workspace folder) finds it too');
  });

  test('a worktree: the `.git` file names a gitdir whose commondir holds the config', async () => {
    const workspace = join(temp, 'worktrees');
    write(join(workspace, 'main', '.git', 'config'), remote('origin', 'https://github.com/Foo/Bar.git'));
    write(join(workspace, 'main', '.git', 'worktrees', 'feature', 'commondir'), '../..\n');
    write(join(workspace, 'feature', '.git'), 'gitdir: ../main/.git/worktrees/feature\n');
    assert.deepEqual(findOwnRepository(join(workspace, 'feature'), workspace)?.identities, ['github.com/Foo/Bar']);
    assert.deepEqual(await maint001(join(workspace, 'feature'), workspace), ['2: info', '3: warning']);
  });

  test('a submodule: the `.git` file names a gitdir with its own config', () => {
    const workspace = join(temp, 'submodules');
    write(join(workspace, '.git', 'config'), remote('origin', 'https://github.com/other/super.git'));
    write(join(workspace, '.git', 'modules', 'recipes', 'config'), remote('origin', 'https://github.com/Foo/Bar.git'));
    write(join(workspace, 'recipes', '.git'), 'gitdir: ../.git/modules/recipes\n');
    assert.deepEqual(findOwnRepository(join(workspace, 'recipes'), workspace)?.identities, ['github.com/Foo/Bar']);
    assert.deepEqual(findOwnRepository(join(workspace, 'recipes'))?.identities, [], 'without the workspace, the gitdir is outside the checkout: not read');
  });

  test('nothing is read through a link or a gitdir out of the workspace', async () => {
    const outside = join(temp, 'outside');
    write(join(outside, 'dotgit', 'config'), remote('origin', 'https://github.com/Foo/Bar.git'));
    write(join(outside, 'config'), remote('origin', 'https://github.com/Foo/Bar.git'));
    const workspace = join(temp, 'hostile');
    mkdirSync(join(workspace, 'linked'), { recursive: true });
    symlinkSync(join(outside, 'dotgit'), join(workspace, 'linked', '.git'));
    write(join(workspace, 'pointer', '.git'), `gitdir: ${join(outside, 'dotgit')}\n`);
    mkdirSync(join(workspace, 'config-link', '.git'), { recursive: true });
    symlinkSync(join(outside, 'config'), join(workspace, 'config-link', '.git', 'config'));
    for (const checkout of ['linked', 'pointer', 'config-link']) {
      const directory = join(workspace, checkout);
      assert.deepEqual(findOwnRepository(directory, workspace), { root: directory, identities: [] }, checkout);
      assert.deepEqual(await maint001(directory, workspace), ['2: warning', '3: warning'], checkout);
    }
  });

  test('the search stops at the workspace folder: a checkout above it is not read', async () => {
    const checkout = join(temp, 'above');
    write(join(checkout, '.git', 'config'), remote('origin', 'https://github.com/Foo/Bar.git'));
    const workspace = join(checkout, 'sub');
    mkdirSync(workspace, { recursive: true });
    assert.equal(findOwnRepository(workspace, workspace), undefined);
    assert.deepEqual(await maint001(workspace, workspace), ['2: warning', '3: warning']);
  });

  test('a `.git/config` that is not a regular file, or too large, gives no repository', () => {
    const odd = join(temp, 'odd');
    mkdirSync(join(odd, '.git', 'config'), { recursive: true });
    assert.deepEqual(findOwnRepository(odd, odd)?.identities, []);
    const large = join(temp, 'large');
    write(join(large, '.git', 'config'), remote('origin', 'https://github.com/Foo/Bar.git') + '#'.repeat(70 * 1024));
    assert.deepEqual(findOwnRepository(large, large)?.identities, []);
  });
});
