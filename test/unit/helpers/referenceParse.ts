import { type Root } from 'mdast';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { type Processor, unified } from 'unified';

/** The GFM extensions the product's parse may use, all of them, always on. */
function everyExtension(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmTable(), gfmTaskListItem(), gfmStrikethrough({ singleTilde: false }));
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown(), gfmTaskListItemFromMarkdown(), gfmStrikethroughFromMarkdown());
}
const withFrontmatter = unified().use(remarkParse).use(everyExtension).use(remarkFrontmatter, ['yaml']);
const bare = unified().use(remarkParse).use(everyExtension);

/**
 * The tree the product's parse must equal, from remark with every extension on: the reference for
 * the parse's shortcuts (extensions left out, plain task runs built without remark). Front matter is
 * read as parseMarkdown reads it: only when the first line opens it and a later line closes it.
 */
export function referenceTree(text: string): Root {
  const open = /^---[ \t]*(?:\r\n|\r|\n|$)/.exec(text);
  const closed = open !== null && /(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\r|\n|$)/.test(text.slice(open[0].length - 1));
  return (closed ? withFrontmatter : bare).parse(text);
}

/** remark with every extension and no front matter: what a region of a text without front matter is parsed with. */
export function everyExtensionTree(text: string): Root {
  return bare.parse(text);
}
