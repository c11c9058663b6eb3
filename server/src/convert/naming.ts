// Where a converted definition file goes by default.

/** `Dockerfile` → `Apptainer.def`, `Dockerfile.gpu` → `Apptainer.gpu.def`, `app.dockerfile` → `app.def`, other → `<name>.def`. */
export function defaultDefinitionName(dockerfileName: string): string {
  if (/^(docker|container)file$/i.test(dockerfileName)) {
    return 'Apptainer.def';
  }
  const suffixed = /^(?:docker|container)file[._-](.+)$/i.exec(dockerfileName);
  if (suffixed) {
    return `Apptainer.${suffixed[1]}.def`;
  }
  const prefixed = /^(.+)\.(?:docker|container)file$/i.exec(dockerfileName);
  if (prefixed) {
    return `${prefixed[1]}.def`;
  }
  return `${dockerfileName}.def`;
}
