import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectFormat, isRecipeFileName } from '../../../server/src/recipe/parse';

const DOCKER = 'FROM ubuntu:22.04\nRUN true\n';
const DEF = 'Bootstrap: docker\nFrom: ubuntu:22.04\n%post\n  true\n';

test('Dockerfile and Containerfile names', () => {
  for (const name of [
    'Dockerfile',
    'dockerfile',
    'Containerfile',
    'app.dockerfile',
    'app.Containerfile',
    'Dockerfile.cuda',
    'Containerfile.rocky9',
    'foo__Dockerfile',
    '/abs/path/to/Dockerfile',
    'C:\\work\\Dockerfile.dev',
  ]) {
    assert.equal(detectFormat(name, ''), 'dockerfile', name);
  }
});

test('Singularity and Apptainer names', () => {
  for (const name of ['Singularity', 'Singularity.gpu', 'Apptainer', 'apptainer.def.old', 'dir/Apptainer.mpi']) {
    assert.equal(detectFormat(name, ''), 'apptainer', name);
  }
});

test('the name wins over content', () => {
  assert.equal(detectFormat('Dockerfile', DEF), 'dockerfile');
  assert.equal(detectFormat('Singularity', DOCKER), 'apptainer');
});

test('*.def and unknown names are sniffed', () => {
  assert.equal(detectFormat('recipe.def', DEF), 'apptainer');
  assert.equal(detectFormat('recipe.def', DOCKER), 'dockerfile');
  assert.equal(detectFormat('recipe.def', 'LIBRARY mylib\nEXPORTS\n  foo\n'), undefined);
  assert.equal(detectFormat(undefined, '# comment\n\n  bootstrap : docker\nfrom: x\n'), 'apptainer');
  assert.equal(detectFormat('notes.txt', 'From: ubuntu\n'), 'apptainer');
  assert.equal(detectFormat('build', '# syntax=docker/dockerfile:1\nARG BASE=ubuntu\nFROM ${BASE}\n'), 'dockerfile');
  assert.equal(detectFormat('x', '\n%post\n  make\n'), 'apptainer');
  assert.equal(detectFormat('x', 'echo hi\n%environment\n  export A=1\n'), 'apptainer');
  assert.equal(detectFormat('x', 'echo hi\nFROM ubuntu\n'), undefined);
  assert.equal(detectFormat('x', ''), undefined);
  assert.equal(detectFormat('x', 'FROM\n'), undefined);
});

test('recipe names for directory walking', () => {
  assert.ok(isRecipeFileName('Dockerfile'));
  assert.ok(isRecipeFileName('x.def'));
  assert.ok(isRecipeFileName('Singularity.def'));
  assert.ok(!isRecipeFileName('README.md'));
  assert.ok(!isRecipeFileName('docker-compose.yml'));
});

test('names that contain Singularity or Apptainer are sniffed and default to apptainer', () => {
  assert.equal(detectFormat('examples__mpi__Apptainer', 'Bootstrap: docker\n'), 'apptainer');
  assert.equal(detectFormat('recipes__Singularity_gpu', '%post\n  make\n'), 'apptainer');
  assert.equal(detectFormat('my-singularity-recipe', 'echo\n'), 'apptainer');
  assert.equal(detectFormat('docker__Apptainer', 'FROM ubuntu\n'), 'dockerfile');
  assert.ok(isRecipeFileName('examples__mpi__Apptainer'));
});

test('a name with both Dockerfile and Singularity in it is decided by content', () => {
  assert.equal(detectFormat('dockerfiles__guppy__Singularity.v5.0.11', 'BootStrap: docker\nFrom: ubuntu:24.04\n'), 'apptainer');
  assert.equal(detectFormat('singularity-tests.Dockerfile', 'FROM ubuntu:24.04\n'), 'dockerfile');
  assert.equal(detectFormat('Dockerfile.singularity', 'Bootstrap: docker\nFrom: ubuntu:24.04\n'), 'apptainer');
});
