// Recipes of pathological shape, about 2 MB each: the engine's cost must be linear in stages, sections
// and lines (#11: any 2 MB recipe analysed in under 2 s). Linted in-process with the default settings.

/** `stages` one-step stages, each built on the previous one (`FROM s<n-1>`), as a Dockerfile. */
export function manyStages(stages = 40_000) {
  const lines = ['FROM ubuntu:22.04 AS s0'];
  for (let i = 1; i < stages; i++) {
    lines.push(`FROM s${i - 1} AS s${i}`, 'RUN make -j4 install');
  }
  return lines.join('\n') + '\n';
}

/** A definition file with `sections` `%post` sections of a few typical build lines each. */
export function manySections(sections = 8_000) {
  const body = [
    '    apt-get update && apt-get install -y --no-install-recommends build-essential wget',
    '    cd /opt && wget -q https://example.org/src/tool-1.2.tar.gz && tar xf tool-1.2.tar.gz',
    '    cd tool-1.2 && ./configure --prefix=/opt/tool && make -j4 && make install',
  ].join('\n');
  const parts = ['Bootstrap: docker', 'From: ubuntu:22.04', ''];
  for (let i = 0; i < sections; i++) {
    parts.push('%post', body, '');
  }
  return parts.join('\n');
}

export const SHAPES = [
  { name: '40,000 stages (dockerfile)', format: 'dockerfile', fileName: 'Dockerfile', text: () => manyStages() },
  { name: '8,000 %post sections (apptainer)', format: 'apptainer', fileName: 'app.def', text: () => manySections() },
];

/** Median of `runs` lints of each shape (ms) and its size. */
export function measureShapes(engine, runs) {
  return SHAPES.map((shape) => {
    const text = shape.text();
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      engine.lint(text, { fileName: shape.fileName, format: shape.format, config: engine.defaultConfig(), rules: engine.allRules });
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    return { name: shape.name, megabytes: Buffer.byteLength(text) / (1024 * 1024), ms: samples[Math.floor(samples.length / 2)] };
  });
}
