import * as vscode from 'vscode';
import { parseModelSetting } from '../core/openai/endpoints';
import { MODEL_VENDOR, Settings } from '../ids';

export interface ModelChoice {
  readonly model: vscode.LanguageModelChat | undefined;
  /** Said in the chat when the model is not the one the user would expect. */
  readonly note?: string;
}

/**
 * The model @speckit uses: the one `speckit.model` names when it is available, else the chat
 * view's; when the chat has none (a host without any other model provider), a model of the
 * built-in OpenAI-compatible vendor.
 */
export async function chooseModel(chatModel: vscode.LanguageModelChat | undefined): Promise<ModelChoice> {
  const raw = vscode.workspace.getConfiguration().get<string>(Settings.model, 'chat');
  const wanted = parseModelSetting(raw);
  if (wanted) {
    const [model] = await vscode.lm.selectChatModels({ vendor: wanted.vendor, id: wanted.id });
    if (model) return { model };
  }
  let model = chatModel;
  let fallback = '';
  if (!model) {
    [model] = await vscode.lm.selectChatModels({ vendor: MODEL_VENDOR });
    if (model) fallback = `${model.name} of ${model.vendor}`;
  }
  if (wanted) {
    const using = model ? (fallback || `the chat's model (${model.name})`) : 'no model';
    return { model, note: `${Settings.model} names ${raw?.trim()}, which is not available now; using ${using}.` };
  }
  return fallback ? { model, note: `The chat has no model selected; using ${fallback}.` } : { model };
}
