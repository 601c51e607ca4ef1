// `policy lsp` spoken to by vscode-languageserver-protocol, the JSON-RPC
// library inside VS Code's language client, with the initialization
// options the extension sends: the diagnostic of a broken example policy
// arrives with its code, and a hover answers. Needs the `policy` binary:
// $POLICY_BIN, else the repository's target/debug/policy (`cargo build`).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const assert = require('assert');
const cp = require('child_process');
const { pathToFileURL } = require('url');
const rpc = require('vscode-languageserver-protocol/node');

const root = path.join(__dirname, '..', '..', '..');
const bin = process.env.POLICY_BIN || path.join(root, 'target', 'debug', 'policy');

(async () => {
  if (!fs.existsSync(bin)) {
    console.error(`server test: no policy binary at ${bin}; run \`cargo build\` or set POLICY_BIN`);
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-vscode-'));
  fs.cpSync(path.join(root, 'policies', 'templates', 'fr'), path.join(dir, 'templates', 'fr'), {
    recursive: true,
  });
  const file = path.join(dir, 'fr-b2b.policy');
  const text = fs
    .readFileSync(path.join(root, 'policies', 'fr-b2b.policy'), 'utf8')
    .replace('route tribunal_de_commerce', 'route tribunal_de_comerce');
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;

  const server = cp.spawn(bin, ['lsp'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  const published = new Promise((resolve) => {
    connection.onNotification(rpc.PublishDiagnosticsNotification.type, (params) => {
      if (params.uri === uri) resolve(params);
    });
  });
  connection.listen();
  const timeout = setTimeout(() => {
    console.error('server test: no answer within 20 s');
    process.exit(1);
  }, 20000);

  const init = await connection.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
    initializationOptions: { debounceMs: 150 },
  });
  assert.strictEqual(init.serverInfo.name, 'policy');
  await connection.sendNotification(rpc.InitializedNotification.type, {});
  await connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'policy', version: 1, text },
  });
  const params = await published;
  assert.strictEqual(params.diagnostics.length, 1, JSON.stringify(params));
  const [d] = params.diagnostics;
  assert.strictEqual(d.code, 'policy::unknown_destination');
  assert.strictEqual(d.severity, rpc.DiagnosticSeverity.Error);
  const line = text.split('\n').findIndex((l) => l.includes('tribunal_de_comerce'));
  assert.strictEqual(d.range.start.line, line);
  assert.match(d.message, /did you mean `tribunal_de_commerce`\?/);

  const hover = await connection.sendRequest(rpc.HoverRequest.type, {
    textDocument: { uri },
    position: { line: text.split('\n').findIndex((l) => l.startsWith('after 40 days')), character: 2 },
  });
  assert.match(hover.contents.value, /\*\*action\*\*: `send mise_en_demeure`/);

  await connection.sendRequest(rpc.ShutdownRequest.type);
  await connection.sendNotification(rpc.ExitNotification.type);
  const code = await new Promise((resolve) => server.on('exit', resolve));
  clearTimeout(timeout);
  assert.strictEqual(code, 0);
  fs.rmSync(dir, { recursive: true, force: true });
  console.log('server: diagnostics, hover and shutdown through vscode-languageserver-protocol');
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
