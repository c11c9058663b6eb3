// Formatting providers registered per language, for clients that take dynamic registrations (VS Code): the
// Dockerfile formatter exists only while `hpclint.dockerfile.formatting` is on. Next to Docker DX or Container
// Tools, VS Code then sees one Dockerfile formatter and never asks which one to use (an answer of "no edits"
// from a registered formatter would not spare the user that question).
import {
  DocumentFormattingRequest,
  DocumentOnTypeFormattingRequest,
  DocumentRangeFormattingRequest,
  type Connection,
  type Disposable,
  type DocumentSelector,
} from 'vscode-languageserver';
import { ON_TYPE_FORMATTING_TRIGGERS } from '../capabilities';
import { describeError, type Logger } from '../guard';

const APPTAINER: DocumentSelector = [{ language: 'apptainer' }];
const DOCKERFILE: DocumentSelector = [{ language: 'dockerfile' }];

export class FormattingRegistrations {
  private apptainerRegistered = false;
  private dockerfile: Disposable[] | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
  ) {}

  /** Registers the definition-file formatters once and the Dockerfile ones while `dockerfileOn()` says so. */
  update(dockerfileOn: () => Promise<boolean>): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        if (!this.apptainerRegistered) {
          this.apptainerRegistered = true;
          await Promise.all([
            this.connection.client.register(DocumentFormattingRequest.type, { documentSelector: APPTAINER }),
            this.connection.client.register(DocumentRangeFormattingRequest.type, { documentSelector: APPTAINER }),
          ]);
        }
        const wanted = await dockerfileOn();
        if (wanted && !this.dockerfile) {
          this.dockerfile = await Promise.all([
            this.connection.client.register(DocumentFormattingRequest.type, { documentSelector: DOCKERFILE }),
            this.connection.client.register(DocumentRangeFormattingRequest.type, { documentSelector: DOCKERFILE }),
            this.connection.client.register(DocumentOnTypeFormattingRequest.type, { documentSelector: DOCKERFILE, ...ON_TYPE_FORMATTING_TRIGGERS }),
          ]);
        } else if (!wanted && this.dockerfile) {
          const registered = this.dockerfile;
          this.dockerfile = undefined;
          for (const registration of registered) {
            registration.dispose();
          }
        }
      } catch (error) {
        this.logger.warn(`hpclint: the client did not take the formatting registrations (${describeError(error)})`);
      }
    });
    return this.queue;
  }
}
