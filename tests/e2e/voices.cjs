// End-to-end: the Voices panel, used from the keyboard as a reader would. Run by
// tests/app/browser.rs: node voices.cjs BASE_URL ALICE_TOKEN. Prints one JSON line.
'use strict';
const { check, launch, browserContext, signIn, drag, axeViolations, SEED_SLUG } = require('./lib.cjs');

(async () => {
  const base = process.argv[2];
  const token = process.argv[3];
  const browser = await launch();
  const results = {};
  try {
    // bypassCSP only so that axe can be injected; the page's own script runs as served.
    const page = await (await browserContext(browser, { bypassCSP: true })).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/documents/${SEED_SLUG}`);
    const api = await (await page.request.get(`${base}/api/documents/${SEED_SLUG}/voices`)).json();
    const observers = api.voices.find((v) => v.label === 'Chinese observers');
    check(observers, 'the API names Chinese observers');

    // The panel lists official and unofficial voices apart.
    const headings = await page.$$eval('#voices .voices-heading', (hs) => hs.map((h) => h.textContent));
    check(headings.join() === 'Official,Unofficial', `panel headings ${headings}`);
    const official = await page.$$eval('#voices .voice-list', (lists) => lists[0].textContent);
    for (const label of ['Chinese Foreign Ministry', 'Russia', 'Vladimir Putin']) {
      check(official.includes(label), `${label} among the official voices`);
    }

    // Every attributed sentence starts with a marker; what a screen reader hears is in it.
    const starts = await page.$$eval('.text .voice-claim.voice-start', (s) => s.length);
    const claims = api.voices.reduce((n, v) => n + v.claims.length, 0);
    check(starts === claims, `${starts} sentence markers for ${claims} claims`);
    const said = await page.$eval(`.voice-claim.voice-start[data-voice="${observers.id}"]`,
      (s) => getComputedStyle(s, '::before').content);
    check(said.includes('Chinese observers (unofficial, China): '), `screen readers hear ${said}`);

    // From the underline option, Shift+Tab reaches the last voice's "Show only"; Enter
    // shows only that voice's sentences, dimming the rest.
    await page.focus('#show-voice-cues');
    await page.keyboard.press('Space');
    check(await page.evaluate(() => document.querySelector('article.document').classList.contains('show-voice-cues')),
      'Space on the option underlines sources and cues');
    const source = await page.$eval('.voice-source', (s) => getComputedStyle(s).borderBottomStyle);
    check(source === 'solid', `sources underlined (${source})`);
    await page.keyboard.press('Shift+Tab');
    const focused = await page.evaluate(() => document.activeElement.dataset.voice);
    check(focused === observers.id, `Shift+Tab reaches the last voice's button (${focused})`);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    const only = await page.evaluate((id) => {
      const article = document.querySelector('article.document');
      const chosen = document.querySelector(`.voice-claim[data-voice="${id}"]`);
      const other = document.querySelector('.text .block');
      return {
        on: article.classList.contains('voices-only'),
        chosen: document.querySelectorAll('.voice-claim.voice-chosen.voice-start').length,
        chosenColor: getComputedStyle(chosen).color,
        otherColor: getComputedStyle(other).color,
        pressed: document.activeElement.getAttribute('aria-pressed'),
        status: document.querySelector('.voices-status').textContent,
      };
    }, observers.id);
    results.only = only;
    check(only.on && only.pressed === 'true', `show only is on (${JSON.stringify(only)})`);
    check(only.chosen === observers.claims.length, `${only.chosen} sentences shown for ${observers.claims.length}`);
    check(only.chosenColor !== only.otherColor, 'the rest of the text is dimmed');
    check(only.status.includes(`${observers.claims.length} sentences giving the view of Chinese observers`), only.status);
    results.axe_only = await axeViolations(page);
    check(results.axe_only.length === 0, `axe with one voice shown: ${results.axe_only.join('; ')}`);
    await page.keyboard.press('Enter');
    const back = await page.evaluate(() => ({
      on: document.querySelector('article.document').classList.contains('voices-only'),
      status: document.querySelector('.voices-status').textContent,
    }));
    check(!back.on && back.status === 'Showing every sentence.', `Enter again shows all (${JSON.stringify(back)})`);

    // Signed in, a note saved while one voice is shown keeps that voice shown: the text the
    // page lays out again still marks its sentences.
    await signIn(page, base, 'alice', token);
    await page.click(`button.voice-only[data-voice="${observers.id}"]`);
    await drag(page, '#p5', 'hostility with the West');
    await page.waitForSelector('#add-note:not([hidden])');
    await page.click('#add-note');
    await page.fill('#note-body', 'Their reading of the West.');
    await page.click('.note-save');
    await page.waitForSelector('.margin[data-paragraph="5"] article.note');
    const kept = await page.evaluate((id) => ({
      chosen: document.querySelectorAll(`.voice-claim.voice-chosen.voice-start[data-voice="${id}"]`).length,
      on: document.querySelector('article.document').classList.contains('voices-only'),
    }), observers.id);
    check(kept.on && kept.chosen === observers.claims.length, `after saving a note the voice stays shown (${JSON.stringify(kept)})`);
    await page.click(`button.voice-only[data-voice="${observers.id}"]`);

    // The corpus's voices and one voice's page, from the header's link.
    await page.click('.site-nav a[href="/voices"]');
    await page.waitForURL(`${base}/voices`);
    results.axe_index = await axeViolations(page);
    check(results.axe_index.length === 0, `axe on /voices: ${results.axe_index.join('; ')}`);
    await page.click(`a[href="/voices/${observers.id}"]`);
    const lines = await page.$$eval('.voice-sentence', (l) => l.length);
    check(lines === observers.claims.length, `${lines} sentences on the voice's page`);
    results.axe_voice = await axeViolations(page);
    check(results.axe_voice.length === 0, `axe on a voice: ${results.axe_voice.join('; ')}`);

    // On a phone there is no hover: a tap on a sentence says whose view it gives.
    const phone = await (await browserContext(browser, { viewport: { width: 390, height: 800 }, hasTouch: true, isMobile: true })).newPage();
    await phone.goto(`${base}/documents/${SEED_SLUG}`);
    await phone.tap(`.voice-claim.voice-start[data-voice="${observers.id}"]`);
    const tapped = await phone.$eval('#reader-hint', (h) => (h.hidden ? '' : h.textContent));
    check(tapped.startsWith('Voice: Chinese observers (unofficial, China)'), `a tap tells the voice: ${tapped}`);
    results.tapped = tapped;

    // The export carries the panel and the markers, without script.
    const exported = await (await page.request.get(`${base}/documents/${SEED_SLUG}/export.html`)).text();
    check(exported.includes('id="voices-title"') && exported.includes('class="voice-claim'), 'the export has the voices');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(results));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
