/**
 * The dashboard webview's page: a strict Content Security Policy (no remote resources, scripts
 * only with the page's nonce, styles only from the extension), one script, one style sheet. The
 * content is rendered by the script from messages, so no repository text is ever part of this HTML.
 */

export interface DashboardHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A nonce from 16 random bytes (the caller passes `crypto.getRandomValues`'s output). */
export function nonceFrom(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function dashboardHtml(o: DashboardHtmlOptions): string {
  if (!/^[0-9a-f]{16,}$/.test(o.nonce)) throw new Error('dashboard nonce must be at least 16 hex digits');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(o.styleUri)}">
<title>Feature Dashboard</title>
</head>
<body>
<div id="root" aria-live="off"><p class="loading">Loading the feature…</p></div>
<script nonce="${o.nonce}" src="${escapeAttribute(o.scriptUri)}"></script>
</body>
</html>
`;
}
