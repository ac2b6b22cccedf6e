// Produces the committed reference outputs the Embeddings tests compare against:
//   tests/Embeddings/TestData/reference/wordpiece.json  token ids from @huggingface/transformers (all-MiniLM-L6-v2 tokenizer.json)
//   tests/Embeddings/TestData/reference/unigram.json    token ids from @huggingface/transformers (the project's Unigram tokenizer.json)
//   tests/Embeddings/TestData/reference/vectors.json    pooled, L2-normalised vectors from onnxruntime-node for the generated models
// Everything is local: remote model loading is switched off.
// Usage: (cd scripts/embeddings && npm install --ignore-scripts && node make_reference.mjs)
import { AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const testData = join(root, 'tests', 'Embeddings', 'TestData');
const shared = resolve(root, '..', 'shared', 'models', 'all-MiniLM-L6-v2');
const MAX_TOKENS = 256;

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useBrowserCache = false;

// The WordPiece reference comes from ../shared's tokenizer.json; the committed copy in TestData/minilm must be identical.
const sha = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');
if (existsSync(join(shared, 'tokenizer.json'))) {
  if (sha(join(shared, 'tokenizer.json')) !== sha(join(testData, 'minilm', 'tokenizer.json'))) {
    throw new Error('tests/Embeddings/TestData/minilm/tokenizer.json differs from ../shared: copy it again');
  }
}
env.localModelPath = testData + '/';
const wordpiece = await AutoTokenizer.from_pretrained('minilm');
const unigram = await AutoTokenizer.from_pretrained('unigram');
const unigramE5 = await AutoTokenizer.from_pretrained('unigram-e5style');

const longEnglish = Array.from({ length: 700 }, (_, i) => `word${i % 97} is number ${i}, isn't it?`).join(' ');
const longJapanese = 'これは非常に長い日本語の文章です。'.repeat(400);
const cases = [
  ['english', 'How do I reset my password?'],
  ['english_mixed_case', 'The Quick BROWN fox JUMPS over the lazy dog!!!'],
  ['punctuation', "Hello, world... (isn't this) \"quoted\"? $100 & 50% off #tag @user ~tilde `tick` ^caret"],
  ['numbers', 'Order 12345 shipped on 2026-11-20 at 09:30; total €1,234.56'],
  ['accents', 'Café crème brûlée, naïve résumé, façade, señor, Zürich, Ångström, Dvořák'],
  ['accents_upper', 'ÉCOLE ÉLÉMENTAIRE À PARIS'],
  ['japanese', 'パスワードをリセットする方法を教えてください。'],
  ['japanese_kanji_kana', '東京駅への行き方を教えてください。今日の天気はどうですか？'],
  ['chinese', '我想重置我的密码，请问怎么做？'],
  ['korean', '비밀번호를 재설정하는 방법을 알려주세요.'],
  ['mixed_scripts', 'GPT-4とClaudeの違いは何ですか? Explain in English and 日本語.'],
  ['cyrillic_greek_arabic', 'Привет мир! Γειά σου κόσμε. مرحبا بالعالم'],
  ['emoji', 'I love pizza 🍕🍕 and cats 🐱! 👍🏽 👨‍👩‍👧 ❤️'],
  ['fullwidth', 'ＡＢＣ１２３ ｶﾀｶﾅ'],
  ['whitespace_controls', '  tabs\tand\nnewlines\r\n  and\u00a0nbsp\u3000ideographic\u200bzero-width\u0007bell  '],
  ['combining_marks', 'e\u0301cole n\u0303 a\u0308'],
  ['long_word', 'a'.repeat(150) + ' ok ' + 'supercalifragilisticexpialidocious'],
  ['precompiled_rules', 'a\u2581b\u00a0c\u0001d\uff5e\uff21\u3000e   f\ufeffg'],
  ['code', 'def f(x): return x**2 + 1  # comment <b>html</b> {"json": [1, 2]}'],
  ['single_char', 'a'],
  ['only_punct', '?!'],
  ['empty', ''],
  ['very_long_english', longEnglish],
  ['very_long_japanese', longJapanese],
];

function golden(tokenizer, file, source) {
  const out = cases.map(([name, text]) => ({ name, text, ids: Array.from(tokenizer.encode(text)) }));
  writeFileSync(join(testData, 'reference', file), JSON.stringify({ source, generator: 'scripts/embeddings/make_reference.mjs', cases: out }, null, 0));
  console.log(`wrote ${file}: ${out.length} cases`);
}
mkdirSync(join(testData, 'reference'), { recursive: true });
golden(wordpiece, 'wordpiece.json', { tokenizer: '../shared/models/all-MiniLM-L6-v2/tokenizer.json', sha256: sha(join(testData, 'minilm', 'tokenizer.json')) });
golden(unigram, 'unigram.json', { tokenizer: 'tests/Embeddings/TestData/unigram/tokenizer.json', sha256: sha(join(testData, 'unigram', 'tokenizer.json')) });
golden(unigramE5, 'unigram-e5style.json', { tokenizer: 'tests/Embeddings/TestData/unigram-e5style/tokenizer.json', sha256: sha(join(testData, 'unigram-e5style', 'tokenizer.json')) });

// Vectors: one text at a time through onnxruntime-node, then pooling and L2 normalisation here.
const vectorTexts = cases.filter(([n]) => !['empty'].includes(n)).map(([, t]) => t);
function truncate(ids) {
  // Same rule as the C# side and HF: keep the first MAX_TOKENS-2 content tokens, then the closing special token.
  return ids.length <= MAX_TOKENS ? ids : [...ids.slice(0, MAX_TOKENS - 1), ids[ids.length - 1]];
}
async function vectors(modelFile, tokenizer, useTypes) {
  const session = await ort.InferenceSession.create(join(testData, 'models', modelFile), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const results = [];
  for (const text of vectorTexts) {
    const ids = truncate(Array.from(tokenizer.encode(text)));
    const n = ids.length;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    };
    if (useTypes) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n), [1, n]);
    const out = (await session.run(feeds)).last_hidden_state;
    const hidden = out.dims[2];
    const mean = new Float64Array(hidden);
    for (let t = 0; t < n; t++) for (let h = 0; h < hidden; h++) mean[h] += out.data[t * hidden + h];
    for (let h = 0; h < hidden; h++) mean[h] /= n;
    const cls = Array.from(out.data.slice(0, hidden));
    const norm = (v) => { const s = Math.sqrt(v.reduce((a, x) => a + x * x, 0)); return Array.from(v, (x) => x / s); };
    results.push({ text, ids, mean: norm(Array.from(mean)), cls: norm(cls) });
  }
  return results;
}
const vec = {
  generator: 'scripts/embeddings/make_reference.mjs (onnxruntime-node ' + ort.env.versions?.common + ')',
  maxTokens: MAX_TOKENS,
  models: {
    'tiny-bert+minilm': await vectors('tiny-bert.onnx', wordpiece, true),
    'tiny-bert-notype+minilm': await vectors('tiny-bert-notype.onnx', wordpiece, false),
    'tiny-bert-notype+unigram': await vectors('tiny-bert-notype.onnx', unigram, false),
  },
};
writeFileSync(join(testData, 'reference', 'vectors.json'), JSON.stringify(vec));
console.log('wrote vectors.json');
