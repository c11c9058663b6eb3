// `hpclint/convertDockerfile`: Dockerfile text → definition-file text and HPC-BUILD-002 notes.
import { convertDocument } from '../features/convert';
import { guarded } from '../guard';
import { CONVERT_DOCKERFILE_REQUEST, type ConvertDockerfileParams, type ConvertDockerfileResult } from '../protocol';
import type { HpclintServer } from '../server';

const FAILED: ConvertDockerfileResult = { error: 'conversion failed (see the hpclint output)' };

export function registerConvertDockerfile(server: HpclintServer): void {
  server.connection.onRequest(
    CONVERT_DOCKERFILE_REQUEST,
    guarded(server.logger, 'convertDockerfile', FAILED, (params: ConvertDockerfileParams) => convertDocument(params)),
  );
}
