// Entry of the language server bundle (dist/server.js): started by the extension over IPC, or by
// tests and the benchmark with --stdio. Started as a worker thread (by its own SymbolPool), the
// same bundle parses files for workspace symbols instead.
import { isMainThread, parentPort } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { serveSymbolParses } from '../core/lint/symbolPool';
import { SpecLanguageServer } from './specLanguageServer';

if (isMainThread) new SpecLanguageServer(createConnection(ProposedFeatures.all), { symbolWorker: __filename }).listen();
else if (parentPort) serveSymbolParses(parentPort);
