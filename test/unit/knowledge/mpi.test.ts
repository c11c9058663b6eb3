// knowledge/mpi.ts: the cheap test of a word before its file name is matched against the MPI source archives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayNameMpiTarball, tarballMpiFamily } from '../../../server/src/knowledge/mpi';
import { Random } from '../../fuzz/fuzzer';

test('every file name tarballMpiFamily knows passes mayNameMpiTarball', () => {
  for (const name of ['openmpi-4.1.6.tar.bz2', 'mpich-4.2.0.tar.gz', 'mvapich2-2.3.7.tgz', 'mvapich-3.0.tar.xz', 'openmpi_${V}.txz']) {
    assert.ok(tarballMpiFamily(name) !== undefined && mayNameMpiTarball(name), name);
  }
  const random = new Random(5);
  const pieces = ['open', 'mpi', 'mp', 'ich', 'mvap', 'mvapich', 'ch2', '-', '_', '.', '4.1', '${V}', '.tar', '.gz', '.tgz', '.tbz2', '.txz', 'x'];
  let known = 0;
  for (let i = 0; i < 20000; i++) {
    const name = Array.from({ length: 1 + random.int(7) }, () => pieces[random.int(pieces.length)]).join('');
    if (tarballMpiFamily(name) !== undefined) {
      known++;
      assert.ok(mayNameMpiTarball(name), name);
    }
  }
  assert.ok(known > 50, `${known} generated names were MPI archives`);
});
