// The dashboard webview's entry: renders the view model the extension posts. Every piece of
// repository text reaches the DOM as a text node through Preact, never as markup.
import { render } from 'preact';
import { App, type Host } from './app';
import './dashboard.css';

declare function acquireVsCodeApi(): Host;

const root = document.getElementById('root');
if (root) {
  root.textContent = '';
  render(<App host={acquireVsCodeApi()} />, root);
}
