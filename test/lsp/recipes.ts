// Realistic recipes shared by the LSP tests.

/** A two-stage definition file with build arguments, %files sources, a URL and a stage reference (line numbers noted). */
export const EDITING_DEF = [
  'Bootstrap:docker', // 0
  'From:  nvcr.io/nvidia/cuda:{{ CUDA }}-devel-ubuntu22.04', // 1
  'Stage: build', // 2
  '%arguments', // 3
  '  CUDA=12.4.1', // 4
  '  JOBS=8', // 5
  '%files', // 6
  '  src/app.c /opt/src/app.c', // 7
  '%post', // 8
  '  # Sources: https://example.org/app/releases.', // 9
  '  make -C /opt/src -j {{ JOBS }}', // 10
  '', // 11
  '', // 12
  'Bootstrap: docker', // 13
  'From: ubuntu:22.04', // 14
  '%files from build', // 15
  '  /opt/src/app /usr/local/bin/app', // 16
  '%runscript', // 17
  '  exec app "$@"', // 18
  '',
].join('\n');
