import assert from 'node:assert/strict';
import { contentSecurityPolicy, dashboardHtml, nonceFrom } from '../../../../src/core/dashboard/html';
import { parseFromWebview } from '../../../../src/core/dashboard/protocol';

describe('dashboard webview page', () => {
  const nonce = nonceFrom(new Uint8Array([...Array(16).keys()]));
  const html = dashboardHtml({ cspSource: 'https://webview.test', nonce, scriptUri: 'https://webview.test/dist/webview/dashboard.js', styleUri: 'https://webview.test/dist/webview/dashboard.css' });

  it('has a strict Content Security Policy: nothing by default, scripts only with the nonce, no remote hosts', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.equal(csp, contentSecurityPolicy('https://webview.test', nonce));
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|http:/);
    assert.equal(nonce, '000102030405060708090a0b0c0d0e0f');
  });

  it('loads exactly one script, with the nonce, and no inline script or handler', () => {
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="${nonce}" src="https://webview.test/dist/webview/dashboard.js">`]);
    assert.doesNotMatch(html, /\bon[a-z]+=/i);
    assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/);
  });

  it('escapes the URIs it is given and refuses a weak nonce', () => {
    const odd = dashboardHtml({ cspSource: 'x', nonce, scriptUri: 'https://w/"><img src=x onerror=alert(1)>', styleUri: 's' });
    assert.doesNotMatch(odd, /<img/);
    assert.match(odd, /&quot;&gt;&lt;img/);
    assert.throws(() => dashboardHtml({ cspSource: 'x', nonce: 'abc', scriptUri: 's', styleUri: 's' }), /nonce/);
  });
});

describe('dashboard messages from the webview', () => {
  it('accepts the known messages with valid fields only', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'setTask', taskId: 'T006', done: true }), { type: 'setTask', taskId: 'T006', done: true });
    assert.deepEqual(parseFromWebview({ type: 'open', artifact: 'tasks', line: 12 }), { type: 'open', artifact: 'tasks', line: 12 });
    assert.deepEqual(parseFromWebview({ type: 'open', artifact: 'checklist', name: 'requirements' }), { type: 'open', artifact: 'checklist', name: 'requirements' });
    assert.deepEqual(parseFromWebview({ type: 'run', command: 'analyze' }), { type: 'run', command: 'analyze' });
    assert.deepEqual(parseFromWebview({ type: 'verifyTask', taskId: 't004a' }), { type: 'verifyTask', taskId: 't004a' });
    // A numbered task list without T-IDs (issue #17).
    assert.deepEqual(parseFromWebview({ type: 'setTask', taskId: '2.3', done: false }), { type: 'setTask', taskId: '2.3', done: false });
  });

  it('drops anything else: unknown types, paths, bad IDs, negative lines, unknown commands', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'exec', command: 'rm -rf /' },
      { type: 'open', artifact: '../../etc/passwd' },
      { type: 'setTask', taskId: 'T006; rm', done: true },
      { type: 'setTask', taskId: '2.3.', done: true },
      { type: 'setTask', taskId: '1', done: true },
      { type: 'setTask', taskId: 'T006', done: 'yes' },
      { type: 'run', command: 'speckit.analyze' },
      { type: 'implementTask' },
    ]) assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
    assert.deepEqual(parseFromWebview({ type: 'open', artifact: 'spec', line: -3 }), { type: 'open', artifact: 'spec' });
  });
});
