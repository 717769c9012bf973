// End-to-end: the reader's layout with many notes, measured in Chromium as a reader sees it.
// Run by tests/app/browser.rs: node reading.cjs BASE_URL ALICE_TOKEN. Prints one JSON line.
'use strict';
const { check, launch, browserContext, signIn, api, drag, dragBetween, keySelect, axeViolations, SEED_SLUG } = require('./lib.cjs');

const [base, aliceToken] = process.argv.slice(2);
const SEED = `${base}/documents/${SEED_SLUG}`;
const CONTAINER = `${base}/api/documents/${SEED_SLUG}/annotations/`;
const LONG_URL = `https://example.org/${'a-very-long-path-segment-'.repeat(8)}end`;
// Five notes on paragraph 1 and four on paragraph 2, some long, one a bare 200-character URL.
const NOTES = [
  ['Pyongyang and Moscow', 'Capitals as **metonyms**.'],
  ['high-level state visits', `Source: ${LONG_URL}`],
  ['Partnership Agreement in June 2024', 'Signed 19 June 2024. '.repeat(12)],
  ['mutual assistance', 'Article 4 of the treaty. '.repeat(8)],
  ['irked Beijing', 'Who says so? '.repeat(10)],
  ['Chinese Foreign Ministry', 'The MFA line. '.repeat(6)],
  ['sovereign right', 'Standard phrasing. '.repeat(9)],
  ['heavily controlled by the party-state', '[click](javascript:alert(1)) <script>alert(2)</script> and a [fine link](https://example.org).'],
  ['Analysts posit', 'Which analysts? '.repeat(12)],
];

// The gap between paragraph 1's last line and paragraph 2's first line, in px.
const paragraphGap = (page) => page.evaluate(() => {
  const lines = (id) => {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById(id));
    return Array.from(range.getClientRects()).filter((r) => r.height > 0);
  };
  const one = lines('p1');
  const two = lines('p2');
  return two[0].top - one[one.length - 1].bottom;
});

// For every note shown in the margin: how far its top is below its quote's first line.
const noteOffsets = (page) => page.evaluate(() => Array.from(document.querySelectorAll('.text article.note')).map((note) => {
  const mark = document.querySelector(`.text mark.note-highlight[data-annotation-id="${note.dataset.annotationId}"]`);
  const folded = note.classList.contains('folded');
  const box = note.getBoundingClientRect();
  return { id: note.dataset.annotationId, folded, below: box.top - mark.getClientRects()[0].top, left: box.left, right: box.right };
}));

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function addNotes(page) {
  const doc = await (await page.request.get(`${base}/api/documents/${SEED_SLUG}`)).json();
  const texts = doc.paragraphs.map((p) => p.text);
  const ids = [];
  for (const [exact, body] of NOTES) {
    const paragraph = texts.findIndex((t) => t.includes(exact));
    check(paragraph === 0 || paragraph === 1, `${exact} is in paragraph 1 or 2`);
    const created = await api(page, 'POST', CONTAINER, aliceToken, {
      visibility: 'public',
      body: [{ type: 'TextualBody', value: body, format: 'text/markdown' }],
      target: { source: SEED, selector: { type: 'TextQuoteSelector', exact } },
    });
    check(created.status === 201, `note on ${exact}: ${created.status} ${JSON.stringify(created.json)}`);
    ids.push(created.json.id.split('/').pop());
  }
  return ids;
}

async function main() {
  const browser = await launch();
  const results = { widths: {} };
  const errors = [];
  try {
    const context = await browserContext(browser, { viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => d.accept());

    // Signed out, selecting text says how to annotate it.
    await page.goto(SEED);
    await drag(page, '#p3', 'strained diplomatic and economic ties');
    await page.waitForSelector('#reader-hint:not([hidden])');
    const signedOutHint = await page.textContent('#reader-hint');
    check(signedOutHint.includes('Sign in to add a note'), `signed-out hint (${signedOutHint})`);
    check((await page.getAttribute('#reader-hint a', 'href')) === `/login?next=${encodeURIComponent(`/documents/${SEED_SLUG}`)}`, 'the hint links to sign-in and back');

    const bare = {};
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(SEED);
      bare[width] = await paragraphGap(page);
    }
    await addNotes(page);

    for (const width of [1440, 1024, 390, 320]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(SEED);
      await page.waitForTimeout(100);
      const measured = { overflow: await overflow(page) };
      check(measured.overflow <= 0, `at ${width} px nothing widens the page (${measured.overflow} px too wide)`);
      if (width >= 1024) {
        measured.gap = await paragraphGap(page);
        measured.bareGap = bare[width];
        check(measured.gap <= 1.5 * bare[width], `at ${width} px the notes push paragraphs apart: ${measured.gap} px against ${bare[width]} px without notes`);
        const offsets = await noteOffsets(page);
        const shown = offsets.filter((o) => !o.folded);
        check(shown.length >= 1, 'notes are shown');
        for (const o of shown) {
          check(o.below >= -1 && o.below <= 900, `at ${width} px a note sits ${o.below} px from its quote`);
          check(o.right <= width, `at ${width} px a note leaves the page (${o.right})`);
        }
        const folded = offsets.filter((o) => o.folded).length;
        measured.folded = folded;
        measured.worst = Math.max(...shown.map((o) => o.below));
        if (folded > 0) {
          // Folded notes are one click away, in order, and land near their quotes.
          const paragraph = await page.evaluate(() => document.querySelector('.more-notes:not([hidden])').closest('.margin').dataset.paragraph);
          await page.click('.more-notes:not([hidden])');
          const opened = await page.evaluate((n) => Array.from(document.querySelectorAll(`.margin[data-paragraph="${n}"] article.note`)).map((note) => {
            const mark = document.querySelector(`.text mark.note-highlight[data-annotation-id="${note.dataset.annotationId}"]`);
            return { folded: note.classList.contains('folded'), below: note.getBoundingClientRect().top - mark.getClientRects()[0].top };
          }), paragraph);
          check(opened.every((o) => !o.folded), `the fold of paragraph ${paragraph} opens (${JSON.stringify(opened)})`);
          for (const o of opened) check(o.below <= 900, `unfolded note ${o.below} px away`);
        }
        // Clicking a highlight brings its note beside it (at its quote, or just below a fold
        // button above it); clicking a note scrolls to its quote.
        const target = offsets[offsets.length - 1].id;
        await page.click(`.text mark.note-highlight[data-annotation-id="${target}"]`);
        await page.waitForTimeout(250);
        const beside = await page.evaluate((id) => {
          const note = document.getElementById(`note-${id}`);
          const mark = document.querySelector(`mark.note-highlight[data-annotation-id="${id}"]`);
          const box = note.getBoundingClientRect();
          return { active: note.classList.contains('active'), focused: document.activeElement === note, below: box.top - mark.getClientRects()[0].top, inView: box.top >= 0 && box.top < innerHeight };
        }, target);
        check(beside.active && beside.focused && beside.inView && beside.below >= -1 && beside.below < 48, `a clicked highlight's note sits beside it (${JSON.stringify(beside)})`);
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await page.click(`#note-${target} .note-body`);
        await page.waitForTimeout(250);
        const quoteInView = await page.evaluate((id) => {
          const box = document.querySelector(`mark.note-highlight[data-annotation-id="${id}"]`).getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight;
        }, target);
        check(quoteInView, 'clicking a note scrolls to its quote');
        // Clicking a highlight the reader can see never scrolls it, or its note, away.
        for (const id of offsets.slice(5).map((o) => o.id)) {
          await page.evaluate(() => {
            const top = document.getElementById('p2').getBoundingClientRect().top + window.scrollY;
            window.scrollTo(0, top - 150);
          });
          const mark = `.text mark.note-highlight[data-annotation-id="${id}"]`;
          await page.click(mark);
          const seen = await page.evaluate(([mark, id]) => {
            const quote = document.querySelector(mark).getBoundingClientRect();
            const note = document.getElementById(`note-${id}`).getBoundingClientRect();
            return { quote: quote.top, note: note.top, bottom: note.bottom, height: innerHeight };
          }, [mark, id]);
          check(seen.quote >= 0 && seen.quote < seen.height && seen.note >= 0 && seen.note < seen.height && seen.note - seen.quote >= -1 && seen.note - seen.quote < 48,
            `at ${width} px a clicked highlight and its note stay in view, side by side (${JSON.stringify(seen)})`);
        }
      } else {
        // Phones: each paragraph's notes fold behind one button below it.
        measured.gap = await paragraphGap(page);
        const toggle = await page.textContent('.margin[data-paragraph="1"] .margin-toggle');
        check(toggle.includes('Show 5 notes'), `paragraph 1 says how many notes it has (${toggle})`);
        check(measured.gap < 120, `at ${width} px paragraph 2 follows paragraph 1 (${measured.gap} px)`);
        await page.click('.margin[data-paragraph="1"] .margin-toggle');
        check(await page.isVisible('.margin[data-paragraph="1"] article.note'), 'the notes open');
        check((await overflow(page)) <= 0, `at ${width} px the open notes fit`);
      }
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR || '/tmp'}/glossa-reading-${width}.png`, fullPage: true });
      results.widths[width] = measured;
    }

    // Signed in on a phone: the Add note button never covers the selected line.
    const phone = await browserContext(browser, { viewport: { width: 390, height: 844 }, hasTouch: true });
    const mobile = await phone.newPage();
    mobile.on('pageerror', (e) => errors.push(String(e)));
    await signIn(mobile, base, 'alice', aliceToken);
    for (const [n, words] of [[3, 'strained diplomatic and economic ties'], [5, 'the US and South Korea']]) {
      await keySelect(mobile, n, words);
      await mobile.waitForSelector('#add-note:not([hidden])');
      const clash = await mobile.evaluate(() => {
        const button = document.getElementById('add-note').getBoundingClientRect();
        const lines = Array.from(window.getSelection().getRangeAt(0).getClientRects());
        const inView = button.top >= 0 && button.bottom <= innerHeight && button.left >= 0 && button.right <= innerWidth;
        const covers = lines.some((r) => r.left < button.right && r.right > button.left && r.top < button.bottom && r.bottom > button.top);
        const hint = document.getElementById('reader-hint');
        const floor = hint.hidden ? innerHeight : hint.getBoundingClientRect().top;
        const endSeen = lines.length > 0 && lines[lines.length - 1].bottom <= floor && lines[lines.length - 1].top >= 0;
        return { inView, covers, endSeen };
      });
      check(clash.inView && !clash.covers, `on a phone the Add note button is visible and clear of the selection (${JSON.stringify(clash)})`);
      check(clash.endSeen, `on a phone the selection's last word shows above the keys' hint (${JSON.stringify(clash)})`);
      await mobile.keyboard.press('Escape');
    }
    await phone.close();

    // On wide screens the two buttons cover neither the selection nor a note beside it.
    for (const width of [1440, 1024]) {
      const context = await browserContext(browser, { viewport: { width, height: 900 } });
      const tab = await context.newPage();
      tab.on('pageerror', (e) => errors.push(String(e)));
      await signIn(tab, base, 'alice', aliceToken);
      for (const [n, words] of [[1, 'high-level state visits'], [2, 'sovereign right']]) {
        await keySelect(tab, n, words);
        await tab.waitForSelector('#voice-correct:not([hidden])');
        const clash = await tab.evaluate(() => {
          const overlaps = (a, b) => a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
          const buttons = ['add-note', 'voice-correct'].map((id) => document.getElementById(id).getBoundingClientRect());
          const lines = Array.from(window.getSelection().getRangeAt(0).getClientRects());
          const notes = Array.from(document.querySelectorAll('.margin article.note'))
            .map((note) => note.getBoundingClientRect()).filter((r) => r.height > 0);
          return {
            inView: buttons.every((b) => b.left >= 0 && b.right <= document.documentElement.clientWidth),
            coversSelection: buttons.some((b) => lines.some((r) => overlaps(r, b))),
            coversNote: buttons.some((b) => notes.some((r) => overlaps(r, b))),
            eachOther: overlaps(buttons[0], buttons[1]),
          };
        });
        check(clash.inView && !clash.coversSelection && !clash.coversNote && !clash.eachOther,
          `at ${width}px the buttons are clear of the selection and the notes (${words}: ${JSON.stringify(clash)})`);
        if (process.env.SCREENSHOT_DIR && n === 1) await tab.screenshot({ path: `${process.env.SCREENSHOT_DIR}/glossa-add-note-${width}.png` });
        await tab.keyboard.press('Escape');
      }
      await context.close();
    }

    // Signed in at 1440: a note on the whole document, the skip link, copying, the export choice.
    const wide = await browserContext(browser, { viewport: { width: 1440, height: 900 }, acceptDownloads: true, bypassCSP: true });
    const reader = await wide.newPage();
    reader.on('pageerror', (e) => errors.push(String(e)));
    reader.on('dialog', (d) => d.accept());
    await signIn(reader, base, 'alice', aliceToken);
    await reader.click('#add-page-note');
    await reader.waitForSelector('#note-editor[open]');
    check(await reader.isHidden('.note-form-quote'), 'a page note quotes nothing');
    await reader.keyboard.type('On the whole piece: a Chinese reading of the partnership.');
    await reader.click('.note-save');
    await reader.waitForSelector('.page-notes article.note');
    check((await reader.textContent('.page-notes article.note')).includes('On the whole piece'), 'the page note is shown above the text');

    await reader.goto(SEED);
    await reader.keyboard.press('Tab');
    await reader.keyboard.press('Tab');
    check((await reader.evaluate(() => document.activeElement.textContent)) === 'Skip to notes', 'the second Tab reaches "Skip to notes"');
    await reader.keyboard.press('Enter');
    check(await reader.evaluate(() => document.activeElement.matches('article.note') || location.hash.startsWith('#note-')), 'skip to notes lands on the first note');

    // Copying across paragraphs copies their text, not numbers or notes.
    await reader.goto(SEED);
    // What the page puts on the clipboard, recorded as it is put there.
    await reader.evaluate(() => {
      const setData = DataTransfer.prototype.setData;
      DataTransfer.prototype.setData = function (type, data) {
        if (type === 'text/plain') window.copied = data;
        return setData.call(this, type, data);
      };
    });
    await dragBetween(reader, ['#p1', 'as a response to this development'], ['#p2', 'The Chinese Foreign']);
    await reader.keyboard.press('Control+C');
    const copied = await reader.evaluate(() => window.copied);
    check(copied === 'as a response to this development.\n\nThe Chinese Foreign', `copied text is the text (${JSON.stringify(copied)})`);

    // The export asks which notes to include; the choice is in the file's header line.
    await reader.selectOption('#export-visibility', 'public');
    const [download] = await Promise.all([reader.waitForEvent('download'), reader.click('.doc-actions button')]);
    const file = await download.path();
    const header = require('fs').readFileSync(file, 'utf8').match(/<p class="export-line">([^<]*)<\/p>/)[1];
    check(header.includes('public notes only'), `the export says which notes it holds (${header})`);
    results.export_header = header;

    // Printed, every note is whole and follows its paragraph; numbers stay with their paragraphs.
    await reader.goto(SEED);
    await reader.emulateMedia({ media: 'print' });
    const printed = await reader.evaluate(() => {
      const problems = [];
      for (const note of document.querySelectorAll('.text article.note')) {
        const body = note.querySelector('.note-body');
        if (getComputedStyle(note).display === 'none') problems.push(`${note.id} is not printed`);
        if (body.scrollHeight > body.clientHeight + 1) problems.push(`${note.id} is cut`);
        const block = note.closest('.row').querySelector('.block').getBoundingClientRect();
        if (note.getBoundingClientRect().top < block.bottom - 1) problems.push(`${note.id} is not below its paragraph`);
      }
      for (const number of document.querySelectorAll('.text a.pnum')) {
        const block = number.closest('.row').querySelector('.block').getBoundingClientRect();
        if (Math.abs(number.getBoundingClientRect().top - block.top) > 12) problems.push(`paragraph number ${number.dataset.n} is off its paragraph`);
      }
      return problems;
    });
    check(printed.length === 0, `printing the reader: ${printed.join('; ')}`);
    await reader.emulateMedia({ media: 'screen' });

    // Signed in on the narrowest phones nothing widens the page either.
    await reader.setViewportSize({ width: 320, height: 640 });
    await reader.goto(SEED);
    check((await overflow(reader)) <= 0, `signed in at 320 px the page is ${await overflow(reader)} px too wide`);
    await reader.setViewportSize({ width: 1440, height: 900 });

    // Sixty more notes across the text: the crowded margin still shows notes beside their
    // quotes, never on top of each other, and a folded note opens beside its quote.
    const doc = await (await reader.request.get(`${base}/api/documents/${SEED_SLUG}`)).json();
    const chars = Array.from(doc.paragraphs.map((p) => p.text).join('\n\n'));
    for (let i = 0; i < 60; i++) {
      let start = Math.floor((i / 60) * (chars.length - 20));
      while (/\s/u.test(chars[start])) start++;
      const made = await api(reader, 'POST', CONTAINER, aliceToken, {
        visibility: 'public', body: { value: `Crowd note ${i}.` },
        target: { source: SEED, selector: { type: 'TextPositionSelector', start, end: start + 6 } },
      });
      check(made.status === 201, `crowd note ${i}: ${made.status}`);
    }
    await reader.goto(SEED);
    // The margin is laid out after fonts and the page settle; on a loaded machine that takes
    // a few frames, so measure once two measurements a quarter-second apart agree.
    let crowd = null;
    for (let attempt = 0; attempt < 20; attempt++) {
      const measured = await reader.evaluate(async () => {
        await document.fonts.ready;
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        const shown = Array.from(document.querySelectorAll('.text article.note:not(.folded)')).map((note) => {
          const box = note.getBoundingClientRect();
          const mark = document.querySelector(`.text mark.note-highlight[data-annotation-id="${note.dataset.annotationId}"]`);
          return { top: box.top, bottom: box.bottom, below: box.top - mark.getClientRects()[0].top };
        });
        const overlaps = shown.filter((a, i) => shown.some((b, j) => i !== j && a.top < b.bottom && b.top < a.bottom)).length;
        return { shown: shown.length, folded: document.querySelectorAll('.text article.note.folded').length, overlaps, worst: Math.max(...shown.map((x) => x.below)) };
      });
      if (crowd && JSON.stringify(crowd) === JSON.stringify(measured)) break;
      crowd = measured;
      await reader.waitForTimeout(250);
    }
    check(crowd.overlaps === 0 && crowd.worst <= 900 && crowd.folded > 0, `a crowded margin: ${JSON.stringify(crowd)}`);
    results.crowd = crowd;
    const hiddenId = await reader.evaluate(() => document.querySelector('.text article.note.folded').dataset.annotationId);
    await reader.click(`.text mark.note-highlight[data-annotation-id="${hiddenId}"]`);
    const opened = await reader.evaluate((id) => {
      const note = document.getElementById(`note-${id}`);
      const mark = document.querySelector(`.text mark.note-highlight[data-annotation-id="${id}"]`);
      return { folded: note.classList.contains('folded'), below: note.getBoundingClientRect().top - mark.getClientRects()[0].top };
    }, hiddenId);
    check(!opened.folded && opened.below >= -1 && opened.below < 48, `a folded note's highlight opens it beside the quote (${JSON.stringify(opened)})`);

    // The page with ordinary and hostile notes is accessible.
    await reader.goto(SEED);
    results.axe_1440 = await axeViolations(reader);
    check(results.axe_1440.length === 0, `axe at 1440: ${results.axe_1440.join('; ')}`);
    await reader.setViewportSize({ width: 390, height: 844 });
    await reader.goto(SEED);
    results.axe_390 = await axeViolations(reader);
    check(results.axe_390.length === 0, `axe at 390: ${results.axe_390.join('; ')}`);
    await wide.close();
    await context.close();
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`reading e2e failed: ${error.message}`);
  process.exit(1);
});
