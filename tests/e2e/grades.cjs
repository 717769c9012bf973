// End-to-end: an analyst grades the seed's source F and marks a claim C3 in an assessing note,
// with the keyboard alone; the badges show their words on focus, and the page still passes
// axe. Run by tests/app/browser.rs: node grades.cjs BASE_URL ALICE_TOKEN. Prints one JSON line.
'use strict';
const path = require('path');
const { check, launch, browserContext, signIn, keySelect, axeViolations, SEED_SLUG, tabTo } = require('./lib.cjs');

// Chooses the option of the focused <select> whose text starts with `start`, by arrow keys.
async function arrowTo(page, start) {
  for (let i = 0; i < 10; i++) {
    if (await page.evaluate((s) => document.activeElement.selectedOptions[0].textContent.startsWith(s), start)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option starting ${start}`);
}

(async () => {
  const base = process.argv[2];
  const token = process.argv[3];
  const shots = process.env.SCREENSHOT_DIR;
  const browser = await launch();
  const results = {};
  try {
    const page = await (await browserContext(browser, { bypassCSP: true })).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, base, 'alice', token);
    check((await page.textContent('.source-grade-line')).includes('not graded'), 'the seed starts ungraded');

    // 1. The source: open "Grade the source", choose F, save.
    await page.focus('#doc-title');
    await tabTo(page, '.grade-source summary');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement.id === 'grade-reliability'), 'Tab reaches the grade');
    await arrowTo(page, 'F');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    await page.waitForFunction(() => document.querySelector('.grade-status').textContent !== '');
    results.source_status = await page.textContent('.grade-status');
    check(results.source_status === 'Saved: the source is graded F, Reliability cannot be judged.', results.source_status);
    check(await page.evaluate(() => document.activeElement.id === 'source-grade-title'), 'focus returns to the source grade');
    results.source_line = (await page.textContent('.source-grade-line')).replace(/\s+/g, ' ').trim();
    check(results.source_line.includes('Reliability cannot be judged, set by alice'), results.source_line);

    // 2. A claim: select it with the keyboard, write an assessing note graded C3.
    const doc = await (await page.request.get(`${base}/api/documents/${SEED_SLUG}`)).json();
    const paragraph = doc.paragraphs.find((p) => p.text.includes('irked Beijing'));
    await keySelect(page, paragraph.number, 'irked Beijing');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#note-editor[open]');
    await page.keyboard.type('One outlet says so; plausible.');
    check(await page.evaluate(() => document.querySelector('.note-grades').hidden), 'grades are hidden until the note assesses');
    await tabTo(page, '#note-motivation', 5);
    await arrowTo(page, 'assessing');
    check(!(await page.evaluate(() => document.querySelector('.note-grades').hidden)), 'grades show for an assessing note');
    await tabTo(page, '#note-credibility', 5);
    await arrowTo(page, '3');
    await page.keyboard.press('Tab');
    await arrowTo(page, 'C');
    results.axe_editor = await axeViolations(page);
    check(results.axe_editor.length === 0, `axe with the grades open: ${results.axe_editor.join('; ')}`);
    if (shots) await page.screenshot({ path: path.join(shots, 'grade-editor.png') });
    await tabTo(page, '.note-save', 5);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.margin[data-paragraph="${paragraph.number}"] .grade`);
    const badge = page.locator(`.margin[data-paragraph="${paragraph.number}"] .grade`).first();
    results.badge = (await badge.locator('span[aria-hidden]').textContent()).trim();
    check(results.badge === 'C3', `the note shows C3: ${results.badge}`);

    // 3. The badge tells its words on keyboard focus, not only on hover.
    await badge.focus();
    results.tooltip = await badge.evaluate((b) => getComputedStyle(b, '::after').content);
    check(results.tooltip.includes('credibility 3: Possibly true'), `focus shows the words: ${results.tooltip}`);
    await page.reload();
    results.assessed = (await page.textContent('.assessed')).replace(/\s+/g, ' ');
    check(/C3.*×\s1/.test(results.assessed), `the summary counts the claim: ${results.assessed}`);
    results.axe_page = await axeViolations(page);
    check(results.axe_page.length === 0, `axe with grades shown: ${results.axe_page.join('; ')}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 1280, `no sideways scroll (${width}px)`);
    if (shots) {
      await page.locator('.title-block').screenshot({ path: path.join(shots, 'grade-header.png') });
    }
    check(errors.length === 0, `no script errors: ${errors.join('; ')}`);
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
