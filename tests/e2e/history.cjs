// End-to-end: a note edited twice shows "edited"; from the keyboard alone its author opens the
// history, compares two revisions, restores the first, and finds it back in the margin; axe
// passes on the history page, which does not scroll sideways on a phone.
// Run by tests/app/browser.rs: node history.cjs BASE_URL ALICE_TOKEN. Prints one JSON line.
'use strict';
const path = require('path');
const { check, launch, browserContext, signIn, api, axeViolations, SEED_SLUG, tabTo } = require('./lib.cjs');

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
    const container = `${base}/api/documents/${SEED_SLUG}/annotations/`;
    const target = { source: `${base}/documents/${SEED_SLUG}`, selector: { type: 'TextQuoteSelector', exact: 'irked Beijing' } };
    const created = await api(page, 'POST', container, token, { body: { type: 'TextualBody', value: 'Beijing is irked, commentators say.' }, target });
    check(created.status === 201, `note created (${created.status})`);
    const url = created.json.id;
    const id = url.split('/').pop();
    let etag = created.etag;
    for (const value of ['Beijing is quietly irked, commentators say.', 'Beijing is irked, some commentators claim.']) {
      const edited = await api(page, 'PUT', url, token, { body: { type: 'TextualBody', value }, target }, { 'If-Match': etag });
      check(edited.status === 200, `edited (${edited.status})`);
      etag = edited.etag;
    }

    // The margin says the note was edited; Tab reaches the link, Enter opens the history.
    await page.reload();
    await page.focus('#doc-title');
    await tabTo(page, `#note-${id} a.note-history`, 200);
    await Promise.all([page.waitForURL(`**/notes/${id}/history`), page.keyboard.press('Enter')]);
    results.revisions = await page.$$eval('ol.revisions > li', (items) => items.length);
    check(results.revisions === 3, `three revisions listed (${results.revisions})`);

    // Compare revision 1 with 3 by the keyboard.
    await tabTo(page, '#compare-from', 40);
    await page.keyboard.press('Home');
    check(await page.$eval('#compare-from', (s) => s.value === '1'), 'revision 1 chosen');
    await tabTo(page, '.compare-form button', 5);
    await Promise.all([page.waitForURL('**/history?from=1&to=3'), page.keyboard.press('Enter')]);
    results.removed = await page.$$eval('.history-diff del', (d) => d.map((x) => x.textContent));
    results.added = await page.$$eval('.history-diff ins', (d) => d.map((x) => x.textContent));
    check(results.removed.join(' ').includes('say'), `words removed: ${results.removed}`);
    check(results.added.join(' ').includes('some') && results.added.join(' ').includes('claim'), `words added: ${results.added}`);
    results.axe = await axeViolations(page);
    check(results.axe.length === 0, `axe on the history page: ${results.axe.join('; ')}`);
    if (shots) await page.screenshot({ path: path.join(shots, 'history.png'), fullPage: true });

    // Restore revision 1: a new revision, said on the page; the margin has the first words.
    await tabTo(page, '#r1 .restore-form button', 60);
    await Promise.all([page.waitForURL('**/history?restored=1'), page.keyboard.press('Enter')]);
    results.status = await page.textContent('.history-status');
    check(results.status === 'Revision 1 restored, as a new revision (4).', results.status);
    await page.goto(`${base}/documents/${SEED_SLUG}`);
    results.body = (await page.textContent(`#note-${id} .note-body`)).trim();
    check(results.body === 'Beijing is irked, commentators say.', `the margin shows revision 1: ${results.body}`);

    // On a phone, the history page does not scroll sideways.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${base}/documents/${SEED_SLUG}/notes/${id}/history?from=1&to=4`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `no sideways scroll on a phone (${width}px)`);
    check(errors.length === 0, `no script errors: ${errors.join('; ')}`);
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
