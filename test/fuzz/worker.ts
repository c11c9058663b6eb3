// The fuzzer's child process: analyses each case the parent sends and answers with the CPU time it took.
// A crash of the whole process (stack overflow in native code, out of memory) is seen by the parent.
import { analyse } from './target';

export interface CaseMessage {
  id: number;
  bytes: Uint8Array;
  fileName: string;
  position: { line: number; character: number };
}

export interface ResultMessage {
  id: number;
  cpuMs: number;
  error?: { name: string; message: string; stack: string };
}

/** Inputs that make the worker itself fail, so that the fuzzer's own test can prove it notices each kind. */
const SELF_TEST = process.env.HPCLINT_FUZZ_SELF_TEST === '1' ? /FUZZ-SELF-TEST-(THROW|HANG|EXIT)/ : undefined;

function selfTest(bytes: Uint8Array): void {
  const kind = SELF_TEST?.exec(Buffer.from(bytes).toString('latin1'))?.[1];
  if (kind === 'THROW') {
    throw new Error('planted crash');
  }
  if (kind === 'HANG') {
    for (;;) {
      // a planted endless loop
    }
  }
  if (kind === 'EXIT') {
    process.exit(3);
  }
}

process.on('disconnect', () => process.exit(0));

process.on('message', (message: CaseMessage) => {
  const started = process.cpuUsage();
  let error: ResultMessage['error'];
  try {
    selfTest(message.bytes);
    analyse(message.bytes, message.fileName, message.position);
  } catch (caught) {
    const failure = caught instanceof Error ? caught : new Error(String(caught));
    error = { name: failure.name, message: failure.message, stack: failure.stack ?? failure.message };
  }
  const used = process.cpuUsage(started);
  const reply: ResultMessage = { id: message.id, cpuMs: (used.user + used.system) / 1000, error };
  process.send!(reply);
});
