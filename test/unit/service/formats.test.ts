// Format detection shared by the CLI and the language server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFor } from '../../../server/src/service/formats';

const DEF = 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    make\n';
const DOCKERFILE = 'FROM ubuntu:24.04\nRUN make\n';

test('the language id decides when the content does not', () => {
  assert.equal(formatFor({ languageId: 'apptainer', fileName: 'Dockerfile', text: '' }), 'apptainer');
  assert.equal(formatFor({ languageId: 'dockerfile', fileName: 'notes.txt', text: '# empty so far\n' }), 'dockerfile');
  assert.equal(formatFor({ languageId: 'plaintext', fileName: 'readme.txt', text: 'hello\n' }), undefined);
});

test('decisive content beats a language id that every file gets (eglot with one server entry)', () => {
  assert.equal(formatFor({ languageId: 'dockerfile', fileName: 'Singularity', text: DEF }), 'apptainer');
  assert.equal(formatFor({ languageId: 'apptainer', fileName: 'Dockerfile', text: DOCKERFILE }), 'dockerfile');
});

test('without a language id: the name, then the content', () => {
  assert.equal(formatFor({ fileName: 'Singularity.gpu', text: '' }), 'apptainer');
  assert.equal(formatFor({ fileName: 'Containerfile', text: '' }), 'dockerfile');
  assert.equal(formatFor({ fileName: 'recipe.def', text: DEF }), 'apptainer');
  assert.equal(formatFor({ fileName: 'recipe.def', text: 'EXPORTS\n  f\n' }), undefined);
});
