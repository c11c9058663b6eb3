// Custom request `hpclint/convertDockerfile`: Dockerfile text → definition-file text and HPC-BUILD-002 notes.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Connection } from 'vscode-languageserver';
import { ConversionError, convertDockerfile, type ConversionNote } from '../convert/dockerfileToDefinition';
import { defaultDefinitionName } from '../convert/naming';
import { guarded, type Logger } from './guard';
import { baseNameOf, filePathOf } from './uri';

export const CONVERT_DOCKERFILE_REQUEST = 'hpclint/convertDockerfile';
export const CONVERT_COMMAND = 'hpclint.convertToApptainer';

export interface ConvertDockerfileParams {
  uri: string;
  text: string;
  /** Build target; default: the last stage. */
  stage?: string;
}

export type ConvertDockerfileResult =
  | { text: string; notes: ConversionNote[]; /** Suggested file name next to the Dockerfile. */ fileName: string }
  | { error: string };

export function convertDocument(params: ConvertDockerfileParams): ConvertDockerfileResult {
  if (typeof params?.uri !== 'string' || typeof params.text !== 'string') {
    return { error: 'hpclint/convertDockerfile needs { uri, text }' };
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

export function registerConvertRequest(connection: Connection, logger: Logger): void {
  connection.onRequest(
    CONVERT_DOCKERFILE_REQUEST,
    guarded(logger, 'convertDockerfile', { error: 'conversion failed (see the hpclint output)' } as ConvertDockerfileResult, (params: ConvertDockerfileParams) =>
      convertDocument(params),
    ),
  );
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
