// End-to-end: searching as a reader does — typing in the header's search box, opening a hit,
// and going from match to match with ] and [ — in Chromium.
// Run by tests/app/browser.rs: node search.cjs BASE_URL. Prints one JSON line.
'use strict';
const { check, launch, browserContext, axeViolations, SEED_SLUG } = require('./lib.cjs');

const [base] = process.argv.slice(2);

async function main() {
  const browser = await launch();
  try {
    // axe is injected as a script tag, which the pages' CSP refuses unless bypassed.
    const context = await browserContext(browser, { bypassCSP: true });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const results = {};

    // The header's search box, from the keyboard.
    await page.goto(`${base}/`);
    await page.focus('.site-search input');
    await page.keyboard.type('Moscow sanctions');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=Moscow\+sanctions/);
    results.summary = (await page.textContent('.search-summary')).trim();
    check(/^\d+ passages? and \d+ notes?$/.test(results.summary), `summary: ${results.summary}`);
    const marked = await page.$$eval('.search-snippet mark.search-hit', (marks) => marks.map((m) => m.textContent));
    check(marked.includes('Moscow') && marked.some((w) => /^sanction/i.test(w)), `snippets mark the words: ${marked}`);
    results.axe_search = await axeViolations(page);
    check(results.axe_search.length === 0, `axe on /search: ${results.axe_search.join('; ')}`);

    // A hit opens its paragraph with the words marked; ] and [ go from match to match.
    await page.click('.search-hit-link');
    await page.waitForURL(new RegExp(`/documents/${SEED_SLUG}\\?q=Moscow%20sanctions#p\\d+`));
    const count = await page.$$eval('.text mark.search-hit', (marks) => new Set(marks.map((m) => m.dataset.hit)).size);
    check(count >= 2, `matches marked in the text: ${count}`);
    const current = () => page.evaluate(() => {
      const marks = Array.from(document.querySelectorAll('.text mark.search-hit.current'));
      if (!marks.length) return null;
      const box = marks[0].getBoundingClientRect();
      return { hit: marks[0].dataset.hit, text: marks.map((m) => m.textContent).join(''), visible: box.top >= 0 && box.bottom <= window.innerHeight };
    });
    // From the paragraph the hit led to, ] goes to its first match, then on; [ comes back.
    const landed = await page.evaluate(() => window.location.hash.slice(1));
    await page.keyboard.press(']');
    const first = await current();
    const firstBlock = await page.evaluate(() => document.querySelector('.text mark.search-hit.current').closest('.block').id);
    check(first && first.visible && firstBlock === landed, `] goes to the first match of ${landed}, in view: ${JSON.stringify(first)} in ${firstBlock}`);
    await page.keyboard.press(']');
    const second = await current();
    check(second && Number(second.hit) === Number(first.hit) % count + 1 && second.visible, `] again, the next: ${JSON.stringify(second)}`);
    await page.keyboard.press('[');
    check((await current()).hit === first.hit, '[ goes back');

    // From the top of the document, [ wraps to the last match and ] back to the first.
    await page.goto(`${base}/documents/${SEED_SLUG}?q=Moscow%20sanctions`);
    await page.keyboard.press('[');
    check((await current()).hit === String(count), '[ from the top wraps to the last');
    results.position = (await page.textContent('.search-position')).trim();
    check(results.position === `match ${count} of ${count}`, `position: ${results.position}`);
    await page.click('.search-nav button:has-text("Next match")');
    check((await current()).hit === '1', 'the Next match button wraps to the first');
    results.axe_document = await axeViolations(page);
    check(results.axe_document.length === 0, `axe on the document: ${results.axe_document.join('; ')}`);

    // Clear leaves the search.
    await page.click('.search-bar a:has-text("Clear")');
    check((await page.$$('.text mark.search-hit')).length === 0, 'Clear removes the marks');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
    await context.close();
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`search e2e failed: ${error.message}`);
  process.exit(1);
});
