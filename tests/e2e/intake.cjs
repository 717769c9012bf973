// End-to-end: an analyst pastes the seed's text, as copied from a PDF, into /documents/new
// with the keyboard; the preview lists 20 footnote markers in 14 paragraphs; Publish makes it
// a document that takes notes; then the analyst opens "Upload a new version", deletes the
// first paragraph with the keyboard, previews, sees which note would lose its passage, and
// publishes; the note is kept, as an orphan. axe passes on the form and the preview, and
// nothing scrolls sideways at 390 px.
// Run by tests/app/browser.rs: node intake.cjs BASE_URL ALICE_TOKEN SEED_TEXT_FILE. Prints one JSON line.
'use strict';
const fs = require('fs');
const path = require('path');
const { check, launch, browserContext, signIn, api, axeViolations, tabTo } = require('./lib.cjs');

(async () => {
  const [base, token, seedFile] = process.argv.slice(2);
  const shots = process.env.SCREENSHOT_DIR;
  const seed = fs.readFileSync(seedFile, 'utf8');
  const browser = await launch();
  const results = {};
  try {
    const page = await (await browserContext(browser, { bypassCSP: true })).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, base, 'alice', token);
    await page.goto(base);
    await page.focus('h1');
    await tabTo(page, 'a[href="/documents/new"]', 40);
    await Promise.all([page.waitForURL('**/documents/new'), page.keyboard.press('Enter')]);
    results.axeForm = await axeViolations(page);
    check(results.axeForm.length === 0, `axe on the form: ${results.axeForm.join('; ')}`);

    // A file over the limit is refused before it is sent: the form, and what was typed in it,
    // stay as they were.
    await tabTo(page, '#intake-title', 40);
    await page.keyboard.type('Typed before the file');
    await page.setInputFiles('#intake-file', { name: 'whole-archive.txt', mimeType: 'text/plain', buffer: Buffer.alloc(3 * 1024 * 1024, 'a') });
    await tabTo(page, 'button[value="preview"]', 30);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    results.oversized = {
      url: page.url(),
      error: await page.textContent('#intake-size-error'),
      errorShown: await page.isVisible('#intake-size-error'),
      focus: await page.evaluate(() => document.activeElement.id),
      title: await page.inputValue('#intake-title'),
    };
    check(results.oversized.url.endsWith('/documents/new') && results.oversized.errorShown
      && /is 3\.0 MiB; a document is at most 2\.0 MiB/.test(results.oversized.error),
      `an oversized file is refused on the page: ${JSON.stringify(results.oversized)}`);
    check(results.oversized.focus === 'intake-file' && results.oversized.title === 'Typed before the file',
      `focus on the file, the title kept: ${JSON.stringify(results.oversized)}`);
    if (shots) await page.screenshot({ path: path.join(shots, 'intake-oversized.png'), fullPage: false });
    await page.setInputFiles('#intake-file', []);
    await page.fill('#intake-title', '');

    // Paste the text, give a title, preview: all from the keyboard.
    await tabTo(page, '#intake-text', 40);
    await page.keyboard.insertText(seed);
    await tabTo(page, '#intake-title', 10);
    await page.keyboard.type('Chinese views of Russia and North Korea');
    await tabTo(page, 'button[value="preview"]', 30);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    results.focus = await page.evaluate(() => document.activeElement.id);
    check(results.focus === 'preview-title', `focus on the preview after Preview (${results.focus})`);
    results.summary = await page.textContent('.intake-summary');
    check(results.summary.startsWith('14 paragraphs · 20 footnote markers'), `preview: ${results.summary}`);
    results.ticked = await page.$$eval('.intake-markers input[name="marker"]:checked', (b) => b.length);
    check(results.ticked === 20, `20 markers ticked (${results.ticked})`);
    results.axePreview = await axeViolations(page);
    check(results.axePreview.length === 0, `axe on the preview: ${results.axePreview.join('; ')}`);
    if (shots) {
      await page.$eval('#preview-title', (h) => h.scrollIntoView());
      await page.screenshot({ path: path.join(shots, 'intake-preview.png'), fullPage: false });
    }
    await page.setViewportSize({ width: 390, height: 800 });
    const narrow = await page.evaluate(() => document.documentElement.scrollWidth);
    check(narrow <= 390, `no sideways scroll on a phone (${narrow}px)`);
    if (shots) await page.screenshot({ path: path.join(shots, 'intake-phone.png'), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });

    await tabTo(page, 'button[value="publish"]', 200);
    await Promise.all([page.waitForURL('**/documents/chinese-views-of-russia-and-north-korea'), page.keyboard.press('Enter')]);
    results.paragraphs = await page.$$eval('.text .row', (r) => r.length);
    check(results.paragraphs === 14, `published with 14 paragraphs (${results.paragraphs})`);

    // Two notes: one on the first paragraph, one further on.
    const slug = 'chinese-views-of-russia-and-north-korea';
    const container = `${base}/api/documents/${slug}/annotations/`;
    for (const exact of ['against the other', 'irked Beijing']) {
      const made = await api(page, 'POST', container, token, {
        body: { type: 'TextualBody', value: `On ${exact}.` },
        target: { source: `${base}/documents/${slug}`, selector: { type: 'TextQuoteSelector', exact } },
      });
      check(made.status === 201, `note on ${exact} (${made.status})`);
    }

    // A new version without the first paragraph: the audit comes before anything changes.
    await page.reload();
    await page.focus('#doc-title');
    await tabTo(page, `a[href="/documents/${slug}/revise"]`, 60);
    await Promise.all([page.waitForURL(`**/documents/${slug}/revise`), page.keyboard.press('Enter')]);
    await tabTo(page, '#intake-text', 40);
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+Shift+ArrowDown');
    await page.keyboard.press('Delete');
    await tabTo(page, 'button[value="preview"]', 30);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    results.audit = (await page.textContent('.intake-audit')).replace(/\s+/g, ' ').trim();
    check(results.audit.includes('1 lose their passage') && results.audit.includes('against the other'), `audit: ${results.audit}`);
    results.version = await api(page, 'GET', `${base}/api/documents/${slug}`, token);
    check(results.version.json.version === 1, 'nothing stored by the preview');
    if (shots) {
      await page.$eval('.intake-audit', (h) => h.scrollIntoView());
      await page.screenshot({ path: path.join(shots, 'intake-audit.png'), fullPage: false });
    }
    await tabTo(page, 'button[value="publish"]', 200);
    await Promise.all([page.waitForURL(`**/documents/${slug}`), page.keyboard.press('Enter')]);
    results.orphans = await page.$$eval('.orphans article.note', (n) => n.length);
    check(results.orphans === 1, `the note is kept as an orphan (${results.orphans})`);

    // A name no gazetteer knows, as long as a word gets, is offered for the gazetteer on a
    // phone without widening the page; a dossier's table keeps its names readable at 1440.
    const long = `Pneumonoultramicroscopicsilicovolcanoconiosis${'x'.repeat(30)}`;
    const made = await api(page, 'POST', `${base}/api/documents`, token, { text: `Talks in Moscow with ${long} and ${long} again.\n`, slug: 'long-name' });
    check(made.status === 201, `a document naming ${long} (${made.status})`);
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${base}/actors/unknown`);
    await page.$$eval('details', (all) => all.forEach((d) => { d.open = true; }));
    results.unknownWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    check(results.unknownWidth <= 390, `the unknown names at 390 px do not scroll sideways (${results.unknownWidth}px)`);
    for (const list of ['/voices', '/actors']) {
      await page.goto(`${base}${list}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      check(width <= 390, `${list} at 390 px does not scroll sideways (${width}px)`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${base}/actors/RUS`);
    results.dossierNameColumn = await page.$eval('#with-title + table tbody th', (th) => th.getBoundingClientRect().width);
    check(results.dossierNameColumn >= 140, `the dossier's co-mention names have room (${results.dossierNameColumn}px)`);
    check(errors.length === 0, `no script errors: ${errors.join('; ')}`);
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
