/**
 * Token counts when the server offers no tokenizer of its own. An honest estimate: characters
 * per token start at a cautious 3.5 for ASCII text (GPT and Llama tokenizers average about 4 on
 * English prose and code) with every other character counted as a token of its own, and the
 * ratio is learned per model from the `usage` the server reports after each answer.
 * A bundled BPE tokenizer was measured and rejected: cl100k adds 0.5 MB and o200k 1.1 MB to the
 * compressed VSIX, over its 1 MB budget, and neither matches the Llama, Qwen or Mistral models
 * local servers run.
 */

const DEFAULT_CHARS_PER_TOKEN = 3.5;
const MIN_RATIO = 1.5;
const MAX_RATIO = 6;
/** Role and separator tokens each message costs in chat templates. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

function split(text: string): { ascii: number; other: number } {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) ascii++;
    else if (c >= 0xdc00 && c <= 0xdfff) continue; // the second half of a surrogate pair
    else other++;
  }
  return { ascii, other };
}

export class TokenEstimator {
  private readonly ratios = new Map<string, number>();

  /** Characters per token for a model: learned, or the default. */
  ratio(model: string): number {
    return this.ratios.get(model) ?? DEFAULT_CHARS_PER_TOKEN;
  }

  estimate(text: string, model: string): number {
    if (!text) return 0;
    const { ascii, other } = split(text);
    return Math.ceil(ascii / this.ratio(model)) + other;
  }

  /**
   * Learns from a finished request: `text` is everything that was sent (message texts, tool
   * schemas), `messages` how many messages, `promptTokens` what the server counted.
   */
  learn(model: string, text: string, messages: number, promptTokens: number): void {
    const { ascii, other } = split(text);
    const asciiTokens = promptTokens - other - messages * MESSAGE_OVERHEAD_TOKENS;
    // Too little text to learn from, or a count that cannot be right for it.
    if (ascii < 200 || asciiTokens <= 0) return;
    const measured = Math.min(MAX_RATIO, Math.max(MIN_RATIO, ascii / asciiTokens));
    const previous = this.ratios.get(model);
    // Keep a little caution: the mean of old and new, never above what was measured.
    this.ratios.set(model, previous === undefined ? measured : Math.min(measured, (previous + measured) / 2));
  }
}
