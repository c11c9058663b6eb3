// didOpen / didChange / didClose: lint on open at once, on change after the debounce; forget on close.
import type { HpclintServer } from '../server';

export function registerTextDocumentSync(server: HpclintServer): void {
  const { documents, publisher, analyzer, settings } = server;
  // didOpen also fires onDidChangeContent: the open already scheduled its lint.
  const justOpened = new Set<string>();
  documents.onDidOpen((event) => {
    justOpened.add(event.document.uri);
    publisher.schedule(event.document.uri, 0);
  });
  documents.onDidChangeContent((event) => {
    if (justOpened.delete(event.document.uri)) {
      return;
    }
    publisher.schedule(event.document.uri);
  });
  documents.onDidClose((event) => {
    justOpened.delete(event.document.uri);
    publisher.clear(event.document.uri);
    analyzer.forget(event.document.uri);
    settings.forget(event.document.uri);
  });
}
