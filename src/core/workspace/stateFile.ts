/**
 * Reading the small state and config files a workspace carries (`.specify/feature.json`,
 * `init-options.json`, `.git/HEAD`, registries, manifests): only regular files, not through a
 * symbolic link, and only up to a size no such file reaches. A FIFO there must not stall a scan,
 * and a link to `/dev/zero` must not fill memory.
 */
import { type FileSystemHost, type FileReadError, toFileReadError } from './fileSystem';

/** The biggest state file read; spec-kit's are a few hundred bytes. */
export const MAX_STATE_FILE_BYTES = 64 * 1024;

export type StateFile =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly error: FileReadError };

export interface StateFileOptions {
  readonly maxBytes?: number;
  /** Follow a symbolic link (template layers may be links; pointers and git files are not). */
  readonly followSymlinks?: boolean;
}

export async function readStateFile(fs: FileSystemHost, p: string, options: StateFileOptions = {}): Promise<StateFile> {
  try {
    const bytes = await fs.readFile(p, { maxBytes: options.maxBytes ?? MAX_STATE_FILE_BYTES, noFollow: options.followSymlinks !== true });
    return { kind: 'text', text: new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '') };
  } catch (e) {
    const error = toFileReadError(p, e);
    return error.reason === 'missing' ? { kind: 'absent' } : { kind: 'unreadable', error };
  }
}

/** The text, or undefined when absent or unreadable (the caller reports `unreadable` itself). */
export function stateText(file: StateFile): string | undefined {
  return file.kind === 'text' ? file.text : undefined;
}
