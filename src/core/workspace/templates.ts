/**
 * Template resolution with spec-kit's layer stack (`resolve_template_content` in
 * scripts/bash/common.sh): project override → enabled presets by priority (each with a strategy) →
 * extensions → core `.specify/templates/` → our bundled copy, which stands in for core when a
 * project has none.
 */
import * as path from 'node:path/posix';
import { parse as parseYaml } from 'yaml';
import { type FileSystemHost } from './fileSystem';
import { type Project } from './projects';
import { readStateFile } from './stateFile';

export type TemplateSource = 'override' | 'preset' | 'extension' | 'core' | 'bundled';
export type TemplateStrategy = 'replace' | 'prepend' | 'append' | 'wrap';

export interface TemplateLayer {
  readonly source: TemplateSource;
  readonly path: string;
  readonly strategy: TemplateStrategy;
  /** Preset or extension id. */
  readonly id?: string;
}

export interface ResolvedTemplate {
  readonly content: string;
  /** The file of the highest-priority layer. */
  readonly path: string;
  /** Where the highest-priority layer came from. */
  readonly source: TemplateSource;
  /** The layers that made the content, highest priority first, ending with the base. */
  readonly layers: readonly TemplateLayer[];
  /** Broken presets, registries or layers that were skipped. */
  readonly problems: readonly string[];
}

export interface RankedComponent {
  readonly id: string;
  readonly priority: number;
}

const TEMPLATE_NAME = /^[a-z0-9-]+$/;
const COMPONENT_ID = /^[a-z0-9-]+$/;
const CORE_PLACEHOLDER = '{CORE_TEMPLATE}';
const STRATEGIES: readonly string[] = ['replace', 'prepend', 'append', 'wrap'];
const ENTRY_TYPES: readonly string[] = ['template', 'command', 'script'];
/** A template layer bigger than this is no template. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

/**
 * Resolves template `name` (`spec-template`; a trailing `.md` is accepted) for a project. Undefined
 * when the name is not a template name or no layer has it.
 */
export async function resolveTemplate(
  fs: FileSystemHost,
  project: Project,
  name: string,
  bundledDir: string,
): Promise<ResolvedTemplate | undefined> {
  const templateName = name.endsWith('.md') ? name.slice(0, -3) : name;
  if (!TEMPLATE_NAME.test(templateName)) return undefined;
  const file = `${templateName}.md`;
  const problems: string[] = [];
  const templatesDir = project.specifyDir ? path.join(project.specifyDir, 'templates') : path.join(project.root, 'templates');

  const override = path.join(templatesDir, 'overrides', file);
  const overrideText = await readLayer(fs, override, problems);
  if (overrideText !== undefined) {
    return { content: overrideText, path: override, source: 'override', layers: [{ source: 'override', path: override, strategy: 'replace' }], problems };
  }

  const layers: TemplateLayer[] = [];
  let baseFound = false;

  if (project.specifyDir) {
    const presetsDir = path.join(project.specifyDir, 'presets');
    for (const { id } of await rankedPresets(fs, presetsDir, problems)) {
      const layer = await presetLayer(fs, path.join(presetsDir, id), id, templateName, problems);
      if (!layer) continue;
      layers.push(layer);
      if (layer.strategy === 'replace') {
        baseFound = true;
        break;
      }
    }
    if (!baseFound) {
      const extensionsDir = path.join(project.specifyDir, 'extensions');
      for (const { id } of await rankedExtensions(fs, extensionsDir, problems)) {
        const ext = path.join(extensionsDir, id);
        const candidate = (await isFile(fs, path.join(ext, 'templates', file))) ? path.join(ext, 'templates', file) : path.join(ext, file);
        if (await isFile(fs, candidate)) {
          layers.push({ source: 'extension', path: candidate, strategy: 'replace', id });
          baseFound = true;
          break;
        }
      }
    }
  }

  if (!baseFound) {
    const core = path.join(templatesDir, file);
    if (await isFile(fs, core)) {
      layers.push({ source: 'core', path: core, strategy: 'replace' });
      baseFound = true;
    }
  }
  if (!baseFound) {
    const bundled = path.join(bundledDir, file);
    if (await isFile(fs, bundled)) layers.push({ source: 'bundled', path: bundled, strategy: 'replace' });
  }

  return compose(fs, layers, templateName, problems);
}

/**
 * Enabled presets in resolution order, from `.specify/presets/.registry`
 * (`{"presets": {"<id>": {"priority": 10, "enabled": true, …}}}`): by priority, lower first, then
 * id. Without a readable registry, every preset directory in name order, as spec-kit falls back to.
 */
export async function rankedPresets(fs: FileSystemHost, presetsDir: string, problems: string[] = []): Promise<RankedComponent[]> {
  if ((await fs.stat(presetsDir))?.type !== 'directory') return [];
  const registryText = await readConfig(fs, path.join(presetsDir, '.registry'), problems);
  if (registryText !== undefined) {
    const registry = parseJsonObject(registryText);
    const presets = registry?.presets ?? (registry ? {} : undefined);
    if (isPlainObject(presets)) {
      const ranked: RankedComponent[] = [];
      for (const [id, meta] of Object.entries(presets)) {
        if (!isPlainObject(meta) || !truthy(meta.enabled ?? true) || !COMPONENT_ID.test(id)) continue;
        ranked.push({ id, priority: normalizePriority(meta.priority) });
      }
      return ranked.sort(byPriorityThenId);
    }
    problems.push(`${path.join(presetsDir, '.registry')} is not a valid registry; presets are taken in name order`);
  }
  return (await subdirectories(fs, presetsDir)).filter((id) => COMPONENT_ID.test(id)).map((id) => ({ id, priority: 10 }));
}

/**
 * Enabled extensions in resolution order: those in `.specify/extensions/.registry`
 * (`{"extensions": {"<id>": {"priority", "enabled"}}}`) plus unregistered extension directories at
 * priority 10, by priority then id.
 */
export async function rankedExtensions(fs: FileSystemHost, extensionsDir: string, problems: string[] = []): Promise<RankedComponent[]> {
  if ((await fs.stat(extensionsDir))?.type !== 'directory') return [];
  let registered: Record<string, unknown> = {};
  const registryPath = path.join(extensionsDir, '.registry');
  const registryText = await readConfig(fs, registryPath, problems);
  if (registryText !== undefined) {
    const registry = parseJsonObject(registryText);
    const extensions = registry ? (registry.extensions ?? {}) : undefined;
    if (isPlainObject(extensions)) registered = extensions;
    else problems.push(`${registryPath} is not a valid registry; it was ignored`);
  }
  const ranked: RankedComponent[] = [];
  for (const [id, meta] of Object.entries(registered)) {
    if (COMPONENT_ID.test(id) && isPlainObject(meta) && truthy(meta.enabled ?? true)) ranked.push({ id, priority: normalizePriority(meta.priority) });
  }
  for (const id of await subdirectories(fs, extensionsDir)) {
    if (COMPONENT_ID.test(id) && !Object.hasOwn(registered, id)) ranked.push({ id, priority: 10 });
  }
  return ranked.sort(byPriorityThenId);
}

async function presetLayer(
  fs: FileSystemHost,
  presetDir: string,
  id: string,
  templateName: string,
  problems: string[],
): Promise<TemplateLayer | undefined> {
  let strategy: TemplateStrategy = 'replace';
  let declaredFile: string | undefined;
  let declared = false;
  const manifestPath = path.join(presetDir, 'preset.yml');
  const manifestText = await readConfig(fs, manifestPath, problems);
  if (manifestText !== undefined) {
    const manifest = parsePresetManifest(manifestText, templateName);
    if ('error' in manifest) {
      problems.push(`preset ${id}: ${manifestPath} is invalid (${manifest.error}); skipped`);
      return undefined;
    }
    if (manifest.entry) {
      declared = true;
      strategy = manifest.entry.strategy;
      declaredFile = manifest.entry.file;
    }
  }
  // spec-kit ignores a declared file that is absolute or climbs out of the preset.
  if (declaredFile !== undefined && (declaredFile.startsWith('/') || declaredFile.includes('../') || declaredFile === '..')) declaredFile = undefined;
  let candidate: string | undefined;
  if (declaredFile) {
    const p = path.join(presetDir, declaredFile);
    if (await isFile(fs, p)) candidate = p;
  }
  if (!candidate && !declared) {
    for (const p of [path.join(presetDir, 'templates', `${templateName}.md`), path.join(presetDir, `${templateName}.md`)]) {
      if (await isFile(fs, p)) {
        candidate = p;
        break;
      }
    }
  }
  return candidate ? { source: 'preset', path: candidate, strategy, id } : undefined;
}

/** The `provides.templates` entry for a template, validated as strictly as spec-kit validates a manifest. */
export function parsePresetManifest(
  text: string,
  templateName: string,
): { entry?: { strategy: TemplateStrategy; file: string } } | { error: string } {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    return { error: e instanceof Error ? e.message.split('\n')[0]! : 'unreadable YAML' };
  }
  if (!isPlainObject(data)) return { error: 'manifest root must be a mapping' };
  const provides = data.provides;
  if (!isPlainObject(provides)) return { error: 'manifest provides must be a mapping' };
  const templates = provides.templates;
  if (!Array.isArray(templates) || templates.length === 0) return { error: 'manifest must provide a non-empty templates list' };
  for (const t of templates as unknown[]) {
    if (!isPlainObject(t)) return { error: 'template entries must be mappings' };
    if (typeof t.type !== 'string' || typeof t.name !== 'string' || typeof t.file !== 'string') return { error: 'template entry needs string type, name and file' };
    if (!ENTRY_TYPES.includes(t.type)) return { error: `invalid template type ${t.type}` };
    const strategy = t.strategy ?? 'replace';
    if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy.toLowerCase())) return { error: 'invalid template strategy' };
    if (t.type === 'script' && !['replace', 'wrap'].includes(strategy.toLowerCase())) return { error: 'invalid script strategy' };
  }
  for (const t of templates as Array<Record<string, unknown>>) {
    if (t.name === templateName && t.type === 'template') {
      const strategy = (typeof t.strategy === 'string' ? t.strategy : 'replace').toLowerCase() as TemplateStrategy;
      return { entry: { strategy, file: t.file as string } };
    }
  }
  return {};
}

async function compose(fs: FileSystemHost, layers: TemplateLayer[], templateName: string, problems: string[]): Promise<ResolvedTemplate | undefined> {
  const top = layers[0];
  if (!top) return undefined;
  const texts: string[] = [];
  for (const layer of layers) {
    const reported = problems.length;
    const text = await readLayer(fs, layer.path, problems);
    if (text === undefined) {
      if (problems.length === reported) problems.push(`could not read template layer ${layer.path}`);
      return undefined;
    }
    texts.push(text);
  }
  // The nearest replace layer is the base; only layers above it compose.
  let baseIdx = layers.findIndex((l) => l.strategy === 'replace');
  let content: string;
  if (baseIdx < 0) {
    problems.push(`template ${templateName} has composing layers but no base; composed over an empty template`);
    baseIdx = layers.length;
    content = '';
  } else {
    content = texts[baseIdx]!;
  }
  const used: TemplateLayer[] = [];
  if (baseIdx < layers.length) used.push(layers[baseIdx]!);
  for (let i = baseIdx - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const text = texts[i]!;
    switch (layer.strategy) {
      case 'replace':
        content = text;
        break;
      case 'prepend':
        content = `${text}\n\n${content}`;
        break;
      case 'append':
        content = `${content}\n\n${text}`;
        break;
      case 'wrap':
        if (!text.includes(CORE_PLACEHOLDER)) {
          problems.push(`${layer.path}: wrap strategy without ${CORE_PLACEHOLDER}; layer skipped`);
          continue;
        }
        content = text.split(CORE_PLACEHOLDER).join(content);
        break;
    }
    used.unshift(layer);
  }
  const first = used[0] ?? top;
  return { content, path: first.path, source: first.source, layers: used, problems };
}

/** A registry or manifest: a small regular file; one that is there but unreadable is a problem, not an absence. */
async function readConfig(fs: FileSystemHost, p: string, problems: string[]): Promise<string | undefined> {
  const file = await readStateFile(fs, p);
  if (file.kind === 'unreadable') problems.push(`${p} was not read: ${file.error.message}`);
  return file.kind === 'text' ? file.text : undefined;
}

/** A template file (links followed: a preset may link its templates), up to {@link MAX_TEMPLATE_BYTES}. */
async function readLayer(fs: FileSystemHost, p: string, problems: string[]): Promise<string | undefined> {
  const file = await readStateFile(fs, p, { followSymlinks: true, maxBytes: MAX_TEMPLATE_BYTES });
  if (file.kind === 'unreadable') problems.push(`${p} was not read: ${file.error.message}`);
  return file.kind === 'text' ? file.text : undefined;
}

async function isFile(fs: FileSystemHost, p: string): Promise<boolean> {
  return (await fs.stat(p))?.type === 'file';
}

async function subdirectories(fs: FileSystemHost, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, type] of await fs.readDirectory(dir)) {
    if (name.startsWith('.')) continue;
    if (type === 'directory' || (type === 'symlink' && (await fs.stat(path.join(dir, name)))?.type === 'directory')) out.push(name);
  }
  return out.sort();
}

/** spec-kit: an integer ≥ 1, else 10 (booleans, junk and values below 1 included). */
function normalizePriority(value: unknown): number {
  if (typeof value === 'boolean') return 10;
  let n: number;
  if (typeof value === 'number') n = Math.trunc(value);
  else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) n = Number.parseInt(value, 10);
  else if (value === undefined) return 10;
  else return 10;
  return Number.isFinite(n) && n >= 1 ? n : 10;
}

/** Python truthiness, which spec-kit applies to `enabled`. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

function byPriorityThenId(a: RankedComponent, b: RankedComponent): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = JSON.parse(text);
    return isPlainObject(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
