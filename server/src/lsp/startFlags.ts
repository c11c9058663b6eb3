// Imported first by dist/server.js's entry (server.ts), so it runs before the server's other modules load: their
// loading grew the main thread's young generation to 4 MB semi-spaces (see keepYoungGenerationSmall).
import { keepYoungGenerationSmall } from './memory';

keepYoungGenerationSmall();
