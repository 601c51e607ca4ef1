// Tokenizes the repository's example policies with the extension's
// TextMate grammar, through the engine VS Code uses (vscode-textmate with
// the Oniguruma regex library), and checks the scopes of the words a
// reader looks for. Run with `npm test`.
'use strict';

const fs = require('fs');
const path = require('path');
const assert = require('assert');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..', '..', '..');
const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;

async function grammar() {
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.policy') return null;
      const file = path.join(__dirname, '..', 'syntaxes', 'policy.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  return registry.loadGrammar('source.policy');
}

/** Every token of a text: [text, innermost scope]. */
function tokens(g, text) {
  const out = [];
  let state = vsctm.INITIAL;
  for (const line of text.split('\n')) {
    const result = g.tokenizeLine(line, state);
    for (const t of result.tokens) {
      const scopes = t.scopes;
      out.push([line.slice(t.startIndex, t.endIndex), scopes[scopes.length - 1]]);
    }
    state = result.ruleStack;
  }
  return out;
}

function scopeOf(all, word) {
  const found = all.find(([text]) => text.trim() === word);
  assert.ok(found, `no token ${JSON.stringify(word)}`);
  return found[1];
}

(async () => {
  const g = await grammar();
  const lu = tokens(g, fs.readFileSync(path.join(root, 'policies', 'lu-b2b.policy'), 'utf8'));
  const expect = {
    'after': 'keyword.control.policy',
    'send': 'keyword.control.action.policy',
    'relance_1': 'entity.name.function.template.policy',
    'email': 'support.constant.channel.policy',
    'recommandé': 'support.constant.channel.policy',
    'guarantor': 'support.constant.recipient.policy',
    'justice_de_paix': 'entity.name.type.destination.policy',
    'ordonnance_de_paiement': 'entity.name.type.procedure.policy',
    'mise_en_demeure': 'entity.name.function.template.policy',
    'amount': 'variable.language.field.policy',
    '15000': 'constant.numeric.policy',
    'EUR': 'constant.other.currency.policy',
    'jurisdiction': 'storage.type.header.policy',
    'LU': 'constant.language.jurisdiction.policy',
    'statutory': 'constant.language.statutory.policy',
  };
  for (const [word, scope] of Object.entries(expect)) {
    assert.strictEqual(scopeOf(lu, word), scope, word);
  }
  // Comments and strings swallow keywords.
  const comment = lu.find(([text]) => text.startsWith('# Phase amiable'));
  assert.ok(comment, 'the comment is one token');
  assert.strictEqual(comment[1], 'comment.line.number-sign.policy');
  const title = tokens(g, 'policy "after send # not a comment"');
  assert.ok(title.some(([text, scope]) => text.includes('# not a comment') && scope === 'string.quoted.double.policy'));
  // The anchor after `from`, the rule after `allow`, units, percent.
  const more = tokens(g, 'allow court_competence because "x"\nafter 8 business days from relance_1 if b2b charge interest 10.5%');
  assert.strictEqual(scopeOf(more, 'court_competence'), 'entity.name.tag.rule.policy');
  assert.strictEqual(scopeOf(more, 'relance_1'), 'variable.other.anchor.policy');
  assert.strictEqual(scopeOf(more, 'business days'), 'keyword.other.unit.policy');
  assert.strictEqual(scopeOf(more, '10.5%'), 'constant.numeric.percent.policy');
  assert.strictEqual(scopeOf(more, 'b2b'), 'variable.language.flag.policy');
  // Every example policy tokenizes; count what was checked.
  for (const file of fs.readdirSync(path.join(root, 'policies')).filter((f) => f.endsWith('.policy'))) {
    tokens(g, fs.readFileSync(path.join(root, 'policies', file), 'utf8'));
  }
  console.log(`grammar: ${Object.keys(expect).length + 8} scopes checked on policies/*.policy`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
