// Run by scripts/margin-layout.sh: node margin-layout.cjs BASE_URL TOKEN "N1 N2 …"
// Adds notes spread evenly over the seed until it holds N, then times page load and a
// relayout in Chromium. Prints one line per N.
'use strict';
const { launch, api } = require('../tests/e2e/lib.cjs');

const [base, token] = process.argv.slice(2);
const counts = process.argv.slice(4).join(' ');
const slug = 'russia-north-korea-chinese-views';
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const browser = await launch();
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await page.goto(`${base}/documents/${slug}`);
  const doc = await (await page.request.get(`${base}/api/documents/${slug}`)).json();
  const chars = Array.from(doc.paragraphs.map((p) => p.text).join('\n\n'));
  let have = 0;
  for (const n of counts.split(/\s+/).map(Number)) {
    for (; have < n; have++) {
      let start = Math.floor((have / Math.max(n, 1)) * (chars.length - 20));
      while (/\s/u.test(chars[start])) start++;
      await api(page, 'POST', `${base}/api/documents/${slug}/annotations/`, token, {
        visibility: 'public',
        body: { value: `Note ${have}: a remark of a few words on the passage.` },
        target: { source: `${base}/documents/${slug}`, selector: { type: 'TextPositionSelector', start, end: start + 6 } },
      });
    }
    const loads = [];
    const relayouts = [];
    for (let round = 0; round < 5; round++) {
      const t0 = Date.now();
      await page.goto(`${base}/documents/${slug}`, { waitUntil: 'load' });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      loads.push(Date.now() - t0);
      relayouts.push(await page.evaluate(() => {
        const t = performance.now();
        window.dispatchEvent(new Event('resize'));
        return new Promise((r) => requestAnimationFrame(() => r(performance.now() - t)));
      }));
    }
    const shown = await page.evaluate(() => document.querySelectorAll('.text article.note:not(.folded)').length);
    console.log(`${n} notes: load ${median(loads)} ms, relayout ${Math.round(median(relayouts))} ms, ${shown} shown unfolded`);
  }
  await browser.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
