// didOpen / didChange / didSave / didClose. Every version is linted off the main thread (see
// linting/documentLinter.ts); closing forgets everything about the document.
import type { HpclintServer } from '../server';

export function registerTextDocumentSync(server: HpclintServer): void {
  const { documents } = server;
  // Clients that cannot watch files: config files are re-checked when a recipe is opened or saved (never per keystroke).
  const recheckConfigFiles = (): void => {
    if (!server.client.registersFileWatchers && server.service.configs.recheck()) {
      server.relintAll();
    }
  };
  documents.onDidOpen(() => recheckConfigFiles());
  documents.onDidSave(() => recheckConfigFiles());
  // Fires for didOpen too.
  documents.onDidChangeContent((event) => server.linter.request(event.document.uri));
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    server.linter.forget(uri);
    server.extraDiagnostics.forget(uri);
    server.publisher.clear(uri);
    server.recipes.forget(uri);
    server.settings.forget(uri);
  });
}
