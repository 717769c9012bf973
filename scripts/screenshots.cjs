// Adds 9 notes to the seed's first two paragraphs and takes full-page screenshots.
// Run by scripts/screenshots.sh: node scripts/screenshots.cjs BASE_URL TOKEN OUT_DIR
'use strict';
const os = require('os');
const path = require('path');
const toolsHome = process.env.GLOSSA_TOOLS_HOME || path.join(os.homedir(), '.cache/glossa-tools');
const { chromium } = require('module').createRequire(path.join(toolsHome, 'package.json'))('playwright-core');

const [base, token, out] = process.argv.slice(2);
const slug = 'russia-north-korea-chinese-views';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const QUOTES = [
  [1, 'Pyongyang and Moscow'], [1, 'high-level state visits'], [1, 'Comprehensive Strategic Partnership Agreement'],
  [1, 'mutual assistance'], [1, 'irked Beijing'],
  [2, 'Chinese Foreign Ministry'], [2, 'sovereign right'], [2, 'heavily controlled by the party-state'], [2, 'Analysts posit'],
];
const URL = `https://example.org/${'very-long-path-segment-'.repeat(8)}end`;

async function main() {
  const documentIri = `${base}/documents/${slug}`;
  const doc = await (await fetch(`${base}/api/documents/${slug}`)).json();
  const paragraphs = doc.paragraphs.map((p) => p.text);
  let offset = 0;
  const starts = paragraphs.map((t) => { const s = offset; offset += Array.from(t).length + 2; return s; });
  for (const [i, [n, quote]] of QUOTES.entries()) {
    const text = paragraphs[n - 1];
    const at = text.indexOf(quote);
    if (at < 0) throw new Error(`quote not in paragraph ${n}: ${quote}`);
    const start = starts[n - 1] + Array.from(text.slice(0, at)).length;
    const body = i === 2 ? `A source worth reading: ${URL}` : `Note ${i + 1}: ${'an analyst\'s remark on the passage, with enough words to wrap over several lines. '.repeat(1 + (i % 3))}`;
    const response = await fetch(`${base}/api/documents/${slug}/annotations/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/ld+json' },
      body: JSON.stringify({
        visibility: 'public',
        body: { type: 'TextualBody', value: body, format: 'text/markdown' },
        target: { source: documentIri, selector: [
          { type: 'TextQuoteSelector', exact: quote },
          { type: 'TextPositionSelector', start, end: start + Array.from(quote).length },
        ] },
      }),
    });
    if (response.status !== 201) throw new Error(`note ${i + 1}: ${response.status} ${await response.text()}`);
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: FLAGS });
  try {
    for (const width of [1440, 1024, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/documents/${slug}`);
      await page.waitForTimeout(300);
      const file = path.join(out, `seed-9-notes-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
