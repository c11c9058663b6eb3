// `initialize`'s `initializationOptions`, read like any client input: known keys with the right types are
// used, everything else is ignored with one warning naming the key.
import { DOCKER_LANGUAGE_EXTENSIONS, INITIALIZATION_OPTION_KEYS } from '../protocol';
import { knownDockerExtensions } from '../features/dockerfileSwitches';

export interface ReadInitializationOptions {
  workspaceTrusted: boolean;
  dockerExtensions: string[];
  /** The `hpclint` settings section, when the client sent one (validated by the SettingsStore). */
  settings?: Record<string, unknown>;
  problems: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readInitializationOptions(raw: unknown): ReadInitializationOptions {
  const read: ReadInitializationOptions = { workspaceTrusted: false, dockerExtensions: [], problems: [] };
  if (raw === undefined || raw === null) {
    return read;
  }
  if (!isRecord(raw)) {
    read.problems.push(`initializationOptions: expected an object, got ${JSON.stringify(raw)}; ignored.`);
    return read;
  }
  for (const key of Object.keys(raw)) {
    if (!(INITIALIZATION_OPTION_KEYS as readonly string[]).includes(key)) {
      read.problems.push(`initializationOptions.${key}: unknown option is ignored (expected one of: ${INITIALIZATION_OPTION_KEYS.join(', ')}).`);
    }
  }
  const { workspaceTrusted, dockerExtensions, settings } = raw;
  if (typeof workspaceTrusted === 'boolean') {
    read.workspaceTrusted = workspaceTrusted;
  } else if (workspaceTrusted !== undefined) {
    read.problems.push(`initializationOptions.workspaceTrusted: expected true or false, got ${JSON.stringify(workspaceTrusted)}; the workspace is treated as untrusted.`);
  }
  if (dockerExtensions !== undefined) {
    read.dockerExtensions = knownDockerExtensions(dockerExtensions);
    const given = Array.isArray(dockerExtensions) ? dockerExtensions : [dockerExtensions];
    for (const id of given.filter((id) => !read.dockerExtensions.includes(id as string))) {
      read.problems.push(
        `initializationOptions.dockerExtensions: unknown extension ${JSON.stringify(id)} is ignored (known: ${Object.keys(DOCKER_LANGUAGE_EXTENSIONS).join(', ')}).`,
      );
    }
  }
  if (isRecord(settings)) {
    read.settings = settings;
  } else if (settings !== undefined) {
    read.problems.push('initializationOptions.settings: expected the hpclint settings as an object; ignored.');
  }
  return read;
}
