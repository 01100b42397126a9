/** The Spec Explorer's nodes: plain ids resolved against the live index at render time. Its own module so node builders (OpenSpec's) and the tree provider share it without a cycle. */
export type SpecNode =
  | { readonly kind: 'project'; readonly id: string; readonly root: string }
  | { readonly kind: 'constitution'; readonly id: string; readonly root: string }
  /** Where spec-kit would stop on the project's current-feature state: the reason and Switch Feature. */
  | { readonly kind: 'currentProblem'; readonly id: string; readonly root: string }
  | { readonly kind: 'noFeatures'; readonly id: string; readonly root: string }
  | { readonly kind: 'feature'; readonly id: string; readonly dir: string }
  | { readonly kind: 'artifact'; readonly id: string; readonly dir: string; readonly path: string; readonly label: string; readonly tasks: boolean }
  | { readonly kind: 'phase'; readonly id: string; readonly dir: string; readonly key: string }
  | { readonly kind: 'task'; readonly id: string; readonly dir: string; readonly taskId: string }
  | { readonly kind: 'nixHosts'; readonly id: string; readonly root: string }
  /** An OpenSpec project (`root` holds `openspec/`), its capabilities, an active or archived change, the archive. */
  | { readonly kind: 'osProject'; readonly id: string; readonly root: string }
  | { readonly kind: 'osCapabilities'; readonly id: string; readonly root: string }
  | { readonly kind: 'osCapability'; readonly id: string; readonly root: string; readonly path: string }
  | { readonly kind: 'osChange'; readonly id: string; readonly root: string; readonly dir: string }
  | { readonly kind: 'osArchive'; readonly id: string; readonly root: string }
  /** `flake` and `host` are the names the Nix commands take, so a context-menu command gets them as is. */
  | { readonly kind: 'nixHost'; readonly id: string; readonly root: string; readonly flake: string; readonly host: string; readonly source: string };
