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

/**
 * A manifest or command file, bounded and regular-only like the rest (links followed); undefined when
 * absent, and when unreadable, with a line in `problems` if the caller keeps them.
 */
async function readText(fs: FileSystemHost, p: string, problems?: string[]): Promise<string | undefined> {
  const file = await readStateFile(fs, p, { followSymlinks: true, maxBytes: MAX_TEMPLATE_BYTES });
  if (file.kind === 'unreadable') problems?.push(`${p} was not read: ${file.error.message}`);
  return file.kind === 'text' ? file.text : undefined;
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

export type CommandSource = 'override' | 'preset' | 'extension' | 'core' | 'bundled';

export interface CommandLayer {
  readonly source: CommandSource;
  readonly path: string;
  readonly strategy: TemplateStrategy;
  readonly id?: string;
}

export interface ResolvedCommand {
  /** The command's instructions: the composed body, without front matter. */
  readonly instructions: string;
  /** The front matter of the highest layer that has one (`---` … `---`), or undefined. */
  readonly frontMatter?: string;
  /** The file of the highest-priority layer, and where it came from. */
  readonly path: string;
  readonly source: CommandSource;
  /** The layers used, highest priority first, ending with the base. */
  readonly layers: readonly CommandLayer[];
  readonly problems: readonly string[];
}

const COMMAND_NAME = /^speckit\.[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;

/**
 * A command file (`speckit.plan`, or `plan`) resolved as spec-kit 1.0.1's PresetResolver resolves
 * commands (`collect_all_layers` / `resolve_content` with type `command`): project override
 * `.specify/templates/overrides/<name>.md` → enabled presets of `.specify/presets/.registry` by
 * priority (their manifest's `type: command` entry, else `commands/<name>.md`; strategy from the
 * manifest, else the file's front matter) → extensions (`extension.yml` `provides.commands`, else
 * `commands/<name>.md`) → core `.specify/templates/commands/<name|stem>.md` → our bundled prompt
 * `<bundledDir>/<stem>.md`. Composing layers (prepend/append/wrap) apply to the bodies; the top
 * front matter wins. Undefined when the name is not a command name or nothing provides it.
 */
export async function resolveCommand(fs: FileSystemHost, project: Project, command: string, bundledDir: string): Promise<ResolvedCommand | undefined> {
  const name = command.startsWith('speckit.') ? command : `speckit.${command.replace(/^\//, '')}`;
  if (!COMMAND_NAME.test(name)) return undefined;
  const stem = name.slice('speckit.'.length);
  const file = `${name}.md`;
  const problems: string[] = [];
  const layers: CommandLayer[] = [];
  const specifyDir = project.specifyDir ?? path.join(project.root, '.specify');
  const templatesDir = path.join(specifyDir, 'templates');

  const override = path.join(templatesDir, 'overrides', file);
  if (await isFile(fs, override)) layers.push({ source: 'override', path: override, strategy: 'replace' });

  if (layers.length === 0 && project.specifyDir) {
    const presetsDir = path.join(specifyDir, 'presets');
    // PresetResolver lists presets from the registry only (no directory scan for commands).
    if ((await readText(fs, path.join(presetsDir, '.registry'))) !== undefined) {
      for (const { id } of await rankedPresets(fs, presetsDir, problems)) {
        const layer = await presetCommandLayer(fs, path.join(presetsDir, id), id, name, problems);
        if (layer) layers.push(layer);
      }
    }
    const extensionsDir = path.join(specifyDir, 'extensions');
    for (const { id } of await rankedExtensions(fs, extensionsDir, problems)) {
      const candidate = await extensionCommandFile(fs, path.join(extensionsDir, id), name);
      if (candidate) layers.push({ source: 'extension', path: candidate, strategy: 'replace', id });
    }
  }
  if (layers.length === 0 || layers.every((l) => l.strategy !== 'replace')) {
    let core: string | undefined;
    for (const c of [path.join(templatesDir, 'commands', file), path.join(templatesDir, 'commands', `${stem}.md`)]) {
      if (await isFile(fs, c)) {
        core = c;
        break;
      }
    }
    if (core) layers.push({ source: 'core', path: core, strategy: 'replace' });
    else if (await isFile(fs, path.join(bundledDir, `${stem}.md`))) layers.push({ source: 'bundled', path: path.join(bundledDir, `${stem}.md`), strategy: 'replace' });
  }
  if (layers.length === 0) return undefined;

  const baseIdx = layers.findIndex((l) => l.strategy === 'replace');
  if (baseIdx < 0) {
    problems.push(`command ${name} has composing layers but no base`);
    return undefined;
  }
  const read = async (l: CommandLayer): Promise<{ fm?: string; body: string } | undefined> => {
    const reported = problems.length;
    const text = await readText(fs, l.path, problems);
    if (text === undefined && problems.length === reported) problems.push(`could not read command layer ${l.path}`);
    return text === undefined ? undefined : splitFrontMatter(text);
  };
  const base = await read(layers[baseIdx]!);
  if (!base) return undefined;
  let body = base.body;
  let frontMatter = base.fm;
  const used: CommandLayer[] = [layers[baseIdx]!];
  for (let i = baseIdx - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const part = await read(layer);
    if (!part) return undefined;
    if (layer.strategy === 'wrap' && !part.body.includes(CORE_PLACEHOLDER)) {
      problems.push(`${layer.path}: wrap strategy without ${CORE_PLACEHOLDER}; layer skipped`);
      continue;
    }
    if (layer.strategy === 'prepend') body = `${part.body}\n\n${body}`;
    else if (layer.strategy === 'append') body = `${body}\n\n${part.body}`;
    else if (layer.strategy === 'wrap') body = part.body.split(CORE_PLACEHOLDER).join(body);
    else body = part.body;
    if (part.fm !== undefined) frontMatter = part.fm;
    used.unshift(layer);
  }
  const top = used[0]!;
  return { instructions: body, ...(frontMatter !== undefined ? { frontMatter } : {}), path: top.path, source: top.source, layers: used, problems };
}

async function presetCommandLayer(fs: FileSystemHost, presetDir: string, id: string, name: string, problems: string[]): Promise<CommandLayer | undefined> {
  let declared: Record<string, unknown> | undefined;
  const manifestText = await readText(fs, path.join(presetDir, 'preset.yml'), problems);
  if (manifestText !== undefined) {
    try {
      const data: unknown = parseYaml(manifestText);
      const templates = isPlainObject(data) && isPlainObject(data.provides) ? data.provides.templates : undefined;
      if (Array.isArray(templates)) declared = (templates as unknown[]).find((t): t is Record<string, unknown> => isPlainObject(t) && t.name === name && t.type === 'command');
    } catch {
      problems.push(`preset ${id}: preset.yml is not valid YAML; its commands are looked up by name`);
    }
  }
  let candidate: string | undefined;
  if (declared) {
    // The manifest is authoritative: a declared file that is missing or climbs out skips this preset.
    const f = typeof declared.file === 'string' ? declared.file : '';
    if (f === '' || f.startsWith('/') || f.split('/').includes('..')) return undefined;
    if (!(await isFile(fs, path.join(presetDir, f)))) return undefined;
    candidate = path.join(presetDir, f);
  } else if (await isFile(fs, path.join(presetDir, 'commands', `${name}.md`))) {
    candidate = path.join(presetDir, 'commands', `${name}.md`);
  }
  if (!candidate) return undefined;
  let strategy: TemplateStrategy = 'replace';
  if (declared && typeof declared.strategy === 'string' && STRATEGIES.includes(declared.strategy.toLowerCase())) {
    strategy = declared.strategy.toLowerCase() as TemplateStrategy;
  } else if (!(declared && 'strategy' in declared)) {
    // Legacy: a strategy in the command file's front matter.
    const fm = splitFrontMatter((await readText(fs, candidate)) ?? '').fm;
    if (fm !== undefined) {
      try {
        const data: unknown = parseYaml(fm.replace(/^---\r?\n/, '').replace(/\r?\n---$/, ''));
        const s = isPlainObject(data) ? data.strategy : undefined;
        if (typeof s === 'string' && STRATEGIES.includes(s.toLowerCase())) strategy = s.toLowerCase() as TemplateStrategy;
      } catch {
        // Unreadable front matter keeps `replace`, as spec-kit does.
      }
    }
  }
  return { source: 'preset', path: candidate, strategy, id };
}

async function extensionCommandFile(fs: FileSystemHost, extDir: string, name: string): Promise<string | undefined> {
  const manifestText = await readText(fs, path.join(extDir, 'extension.yml'));
  if (manifestText !== undefined) {
    try {
      const data: unknown = parseYaml(manifestText);
      const commands = isPlainObject(data) && isPlainObject(data.provides) ? data.provides.commands : undefined;
      const entry = Array.isArray(commands) ? (commands as unknown[]).find((c): c is Record<string, unknown> => isPlainObject(c) && c.name === name) : undefined;
      if (entry) {
        const f = typeof entry.file === 'string' ? entry.file : '';
        if (f === '' || f.startsWith('/') || f.split('/').includes('..')) return undefined;
        return (await isFile(fs, path.join(extDir, f))) ? path.join(extDir, f) : undefined;
      }
    } catch {
      // An invalid manifest: look the command up by name.
    }
  }
  const conventional = path.join(extDir, 'commands', `${name}.md`);
  return (await isFile(fs, conventional)) ? conventional : undefined;
}

/** `---` front matter on its own lines at the very start, as spec-kit's `_split_frontmatter`. */
function splitFrontMatter(text: string): { fm?: string; body: string } {
  const lines = text.split(/(?<=\n)/);
  if (lines.length === 0 || lines[0]!.replace(/\r?\n$/, '') !== '---') return { body: text };
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.replace(/\r?\n$/, '') === '---') {
      return { fm: lines.slice(0, i + 1).join('').replace(/[\r\n]+$/, ''), body: lines.slice(i + 1).join('') };
    }
  }
  return { body: text };
}
