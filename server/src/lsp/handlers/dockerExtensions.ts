// `hpclint/didChangeDockerExtensions`: the user installed, enabled or removed an extension that bundles the
// Dockerfile language service; `hpclint.dockerfile.editorFeatures: "auto"` follows it (syntax findings too).
import { dockerExtensionsMessage, knownDockerExtensions } from '../features/dockerfileSwitches';
import { guardedNotification } from '../guard';
import { DOCKER_EXTENSIONS_NOTIFICATION, type DockerExtensionsParams } from '../protocol';
import type { HpclintServer } from '../server';

export function registerDockerExtensions(server: HpclintServer): void {
  server.connection.onNotification(
    DOCKER_EXTENSIONS_NOTIFICATION,
    guardedNotification(server.logger, 'didChangeDockerExtensions', (params: Partial<DockerExtensionsParams> | null) => {
      const extensions = knownDockerExtensions(params?.extensions);
      if (extensions.join() !== server.dockerExtensions.join()) {
        server.dockerExtensions = extensions;
        server.logger.info(dockerExtensionsMessage(extensions));
        server.relintAll();
        server.updateRegistrations();
      }
    }),
  );
}
