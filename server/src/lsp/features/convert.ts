// `hpclint/convertDockerfile`: Dockerfile text → definition-file text and HPC-BUILD-002 notes.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConversionError, convertDockerfile } from '../../convert/dockerfileToDefinition';
import { defaultDefinitionName } from '../../convert/naming';
import { CONVERT_DOCKERFILE_REQUEST, type ConvertDockerfileParams, type ConvertDockerfileResult } from '../protocol';
import { baseNameOf, filePathOf } from '../uri';

export function convertDocument(params: ConvertDockerfileParams): ConvertDockerfileResult {
  if (typeof params?.uri !== 'string' || typeof params.text !== 'string') {
    return { error: `${CONVERT_DOCKERFILE_REQUEST} needs { uri, text }` };
  }
  const path = filePathOf(params.uri);
  const context = path ? dirname(path) : undefined;
  try {
    const result = convertDockerfile(params.text, {
      stage: typeof params.stage === 'string' ? params.stage : undefined,
      isDirectory: context ? (source) => isDirectoryIn(context, source) : undefined,
    });
    return { ...result, fileName: defaultDefinitionName(baseNameOf(params.uri)) };
  } catch (error) {
    if (error instanceof ConversionError) {
      return { error: error.message };
    }
    throw error;
  }
}

function isDirectoryIn(context: string, source: string): boolean | undefined {
  if (/[*?[$]|\{\{/.test(source)) {
    return undefined;
  }
  try {
    return statSync(resolve(context, source.replace(/^\/+/, ''))).isDirectory();
  } catch {
    return undefined;
  }
}
