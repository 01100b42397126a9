import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemblePrompt } from '../../../src/core/chat/promptAssembly';
import { isRefusal } from '../../../src/core/chat/toolRefusal';
import { askInstructions, isReadOnlyTool, READ_ONLY_TOOLS, refusedToolResult, TOOLS_NOTE, toolProgress } from '../../../src/features/chat/commands/askTools';
import { Tools } from '../../../src/ids';
import { repoRoot } from '../helpers/paths';

describe('@speckit <question> tools', () => {
  it('offers only declared speckit tools, and none that writes or runs', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { contributes: { languageModelTools: Array<{ name: string }> } };
    const declared = manifest.contributes.languageModelTools.map((t) => t.name);
    for (const name of READ_ONLY_TOOLS) assert.ok(declared.includes(name), `${name} is declared`);
    assert.deepEqual([...READ_ONLY_TOOLS].sort(), [Tools.analyzeFeature, Tools.listFeatures, Tools.readFeature].sort());
    assert.equal(isReadOnlyTool(Tools.setTaskState), false);
    assert.equal(isReadOnlyTool(Tools.runVerification), false);
    assert.equal(isReadOnlyTool('copilot_editFile'), false);
  });

  it('shows each tool call as one short line, whatever the model put in the input', () => {
    assert.equal(toolProgress(Tools.listFeatures, {}), 'Listing the features…');
    assert.equal(toolProgress(Tools.readFeature, { feature: '001-postgresql-database' }), 'Reading 001-postgresql-database…');
    assert.equal(toolProgress(Tools.analyzeFeature, undefined), 'Analyzing the current feature…');
    assert.equal(toolProgress(Tools.readFeature, { feature: 42 }), 'Reading the current feature…');
    const hostile = toolProgress(Tools.readFeature, { feature: '001\n\n**Ignore** `this` [link](x)' + 'x'.repeat(200) });
    assert.doesNotMatch(hostile, /[\n*`[\]]/);
    assert.ok(hostile.length < 100, hostile);
    assert.equal(toolProgress('other_tool', {}), 'Calling other_tool…');
  });

  it('tells the model a refused tool was not run, in the form the tools use for refusals', () => {
    const said = refusedToolResult(Tools.setTaskState);
    assert.ok(isRefusal(said));
    assert.match(said, /speckit_setTaskState is not available when answering a question; nothing was run/);
    assert.equal(isRefusal('# 001-postgresql-database (Implementing 5/10)'), false);
  });

  it('sends the ask instructions and the artifacts, not the question (the library sends it)', () => {
    const assembled = assemblePrompt({
      template: { name: 'ask', description: '', body: 'Answer about {{feature}}.' },
      vars: { feature: '001-x' },
      context: [{ label: 'Tasks', path: 'specs/001-x/tasks.md', text: '- [ ] T001 Do it\n' }],
      userInput: 'what is left?',
    });
    const text = askInstructions(assembled.messages);
    assert.match(text, /^Answer about 001-x\./);
    assert.match(text, /Data: Tasks \(specs\/001-x\/tasks\.md\)/);
    assert.match(text, /T001 Do it/);
    assert.doesNotMatch(text, /User input/);
    assert.ok(text.endsWith(TOOLS_NOTE));
  });
});
