// End-to-end: the notes workspace, tags, and the page's notes filter, as an analyst uses them
// in Chromium: links and facets clicked, filters typed, a tag renamed from its form, and the
// margin and highlights of a document narrowed to one analyst's notes.
// Run by tests/app/browser.rs: node workspace.cjs BASE_URL ALICE_TOKEN BOB_TOKEN. Prints one
// JSON line.
'use strict';
const { check, launch, browserContext, signIn, api, axeViolations, SEED_SLUG } = require('./lib.cjs');

const [base, aliceToken, bobToken] = process.argv.slice(2);
const SEED = `${base}/documents/${SEED_SLUG}`;
const CONTAINER = `${base}/api/documents/${SEED_SLUG}/annotations/`;

const NOTES = [
  [aliceToken, 'team', 'questioning', ['sanctions'], 'Moscow, strained diplomatic and economic ties', 'Are the sanctions biting?'],
  [aliceToken, 'private', 'commenting', ['china'], 'Pyongyang and Moscow have rapidly expanded', 'How Beijing reads it.'],
  [bobToken, 'team', 'commenting', ['sanctions', 'europe'], 'considers itself a European rather than an Asian power', 'Europe first, then Asia.'],
  [bobToken, 'private', 'commenting', ['bob-only'], null, 'Bob keeps this to himself.'],
];

const summary = async (page) => (await page.textContent('.search-summary')).trim();
const rows = (page) => page.$$eval('.notes-row', (items) => items.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));

async function main() {
  const browser = await launch();
  const results = {};
  const errors = [];
  try {
    const context = await browserContext(browser, { viewport: { width: 1440, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/`);
    for (const [token, visibility, motivation, tags, exact, body] of NOTES) {
      const bodies = [{ type: 'TextualBody', value: body }, ...tags.map((value) => ({ type: 'TextualBody', purpose: 'tagging', value }))];
      const target = exact ? { source: SEED, selector: { type: 'TextQuoteSelector', exact } } : SEED;
      const made = await api(page, 'POST', CONTAINER, token, { visibility, motivation, body: bodies, target });
      check(made.status === 201, `note ${body}: ${made.status} ${JSON.stringify(made.json)}`);
    }

    // Alice opens the workspace from the header: her notes and Bob's team note, never his
    // private one.
    await signIn(page, base, 'alice', aliceToken);
    await page.click('.site-nav a:has-text("Notes")');
    await page.waitForURL(`${base}/notes`);
    results.all = await summary(page);
    check(results.all === '3 notes', `alice sees 3 notes: ${results.all}`);
    check(!(await page.content()).includes('Bob keeps this'), 'bob\'s private note never shows');
    results.axe_notes = await axeViolations(page);
    check(results.axe_notes.length === 0, `axe on /notes: ${results.axe_notes.join('; ')}`);

    // A tag is a link to its notes; a facet narrows further, and clicking it again widens.
    await page.click('.notes-row .tag:has-text("sanctions")');
    await page.waitForURL(/\/notes\?q=tag%3Asanctions$/);
    check(await summary(page) === '2 notes', `tag:sanctions: ${await summary(page)}`);
    await page.click('.facets .facet-value:has-text("bob")');
    check(await summary(page) === '1 note', `tag and author bob: ${await summary(page)}`);
    await page.click('.facets .facet-value.active:has-text("bob")');
    check(await summary(page) === '2 notes', `author filter removed: ${await summary(page)}`);

    // "My notes" is a saved filter; a filter typed into the box, from the keyboard.
    await page.click('.presets a:has-text("My notes")');
    check(await summary(page) === '2 notes', `my notes: ${await summary(page)}`);
    check((await rows(page)).every((row) => row.startsWith('alice')), 'only alice\'s');
    await page.fill('#notes-q', '');
    await page.focus('#notes-q');
    await page.keyboard.type('actor:RUS');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=actor%3ARUS/);
    results.actor = await rows(page);
    // Both of Alice's quotes name Moscow; Bob's stops just after it ("… and Moscow | considers
    // itself a European …"), so it does not.
    check(results.actor.length === 2 && results.actor.every((row) => row.includes('Moscow')), `actor:RUS is the notes whose quote names Moscow: ${results.actor}`);
    await page.fill('#notes-q', 'actor:');
    await page.keyboard.press('Enter');
    check((await page.textContent('.search-error')).includes('actor: needs a value'), 'a bad filter says what to fix');

    // Tags: a team-wide rename of a tag Bob also uses is refused with the reason; renaming in
    // her own notes works and leaves Bob's alone.
    await page.click('.site-nav a:has-text("Tags")');
    await page.waitForURL(`${base}/tags`);
    results.axe_tags = await axeViolations(page);
    check(results.axe_tags.length === 0, `axe on /tags: ${results.axe_tags.join('; ')}`);
    await page.selectOption('#rename-from', 'sanctions');
    await page.fill('#rename-to', 'sanctions-policy');
    await page.check('input[name=scope][value=everyone]');
    await page.click('.rename-form button');
    results.refused = (await page.textContent('[role=alert]')).trim();
    check(/1 shared note by 1 other analyst also carries "sanctions"/.test(results.refused), `refused: ${results.refused}`);
    await page.selectOption('#rename-from', 'sanctions');
    await page.fill('#rename-to', 'sanctions-policy');
    await page.check('input[name=scope][value=mine]');
    await page.click('.rename-form button');
    results.renamed = (await page.textContent('.flash')).trim();
    check(results.renamed.includes('on 1 note of yours'), `renamed: ${results.renamed}`);
    await page.goto(`${base}/notes?q=tag:sanctions`);
    check(await summary(page) === '1 note', `bob keeps his tag: ${await summary(page)}`);

    // The actors: from the header to Russia's dossier, keyboard-readable and axe-clean.
    await page.click('.site-nav a:has-text("Actors")');
    await page.waitForURL(`${base}/actors`);
    results.axe_actors = await axeViolations(page);
    check(results.axe_actors.length === 0, `axe on /actors: ${results.axe_actors.join('; ')}`);
    await page.click('a[href="/actors/RUS"]');
    await page.waitForURL(`${base}/actors/RUS`);
    const dossierNotes = await page.$$eval('section[aria-labelledby="notes-title"] li', (items) => items.length);
    check(dossierNotes === 2, `Russia's dossier lists alice's two notes naming Moscow: ${dossierNotes}`);
    results.axe_dossier = await axeViolations(page);
    check(results.axe_dossier.length === 0, `axe on /actors/RUS: ${results.axe_dossier.join('; ')}`);

    // The names no actor covers: from /actors, with the keyboard, "Korean Peninsula" becomes
    // an actor; the gazetteer is matched again and the reader highlights it.
    await page.goto(`${base}/actors`);
    await page.click('.unknown-link a');
    await page.waitForURL(`${base}/actors/unknown`);
    const entry = page.locator('.unknown-name', { has: page.locator('h2', { hasText: /^Korean Peninsula$/ }) });
    await entry.locator('summary').focus();
    await page.keyboard.press('Enter');
    results.axe_unknown = await axeViolations(page);
    check(results.axe_unknown.length === 0, `axe on /actors/unknown: ${results.axe_unknown.join('; ')}`);
    const newActor = entry.locator('form.add-form').nth(1);
    await newActor.locator('select[name=kind]').selectOption('group');
    await newActor.locator('input[name=id]').fill('KORPEN');
    await newActor.locator('input[name=role]').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.flash');
    results.added = (await page.textContent('.flash')).trim();
    check(results.added.startsWith('Korean Peninsula is a new actor (KORPEN)'), `added: ${results.added}`);
    const stillListed = await page.$$eval('.unknown-title', (titles) => titles.map((t) => t.textContent));
    check(!stillListed.includes('Korean Peninsula'), `Korean Peninsula left the report: ${stillListed}`);
    await page.goto(SEED);
    results.korean_peninsula = await page.$$eval('.text mark.actor[data-actor="KORPEN"]', (marks) => marks.length);
    check(results.korean_peninsula > 0, 'the reader highlights the new actor');

    // In the document, the notes filter narrows the margin and the highlights together.
    await page.goto(SEED);
    check(await page.isVisible('.notes-filter'), 'the filter is shown');
    const shownIds = () => page.$$eval('.text article.note', (notes) => notes.filter((n) => n.offsetParent !== null).map((n) => n.dataset.creator));
    const litMarks = () => page.$$eval('.text mark.note-highlight:not(.filtered-out)', (marks) => [...new Set(marks.map((m) => document.getElementById(`note-${m.dataset.annotationId}`).dataset.creator))]);
    check((await shownIds()).length === 3, `three notes in the margin: ${await shownIds()}`);
    await page.selectOption('.nf-field[data-field=creator]', 'bob');
    results.by_bob = { notes: await shownIds(), marks: await litMarks(), count: (await page.textContent('.nf-count')).trim() };
    check(results.by_bob.notes.join() === 'bob' && results.by_bob.marks.join() === 'bob', `only bob's notes and highlights: ${JSON.stringify(results.by_bob)}`);
    const underline = await page.$eval('.text mark.note-highlight.filtered-out', (m) => getComputedStyle(m).textDecorationLine);
    check(underline === 'none', `a filtered note's highlight is not drawn: ${underline}`);
    await page.click('.nf-clear');
    await page.focus('.nf-words');
    await page.keyboard.type('biting');
    check((await shownIds()).join() === 'alice', `words narrow to alice's note: ${await shownIds()}`);
    results.axe_document = await axeViolations(page);
    check(results.axe_document.length === 0, `axe on the document: ${results.axe_document.join('; ')}`);
    await page.click('.nf-clear');
    check((await shownIds()).length === 3, 'Show all notes brings them back');

    // A crowded margin (over 40 notes) filtered down: every note still clear of the others,
    // at 1440 and 1024; on a phone, only paragraphs with a note left offer a button.
    for (let i = 0; i < 42; i++) {
      const made = await api(page, 'POST', CONTAINER, aliceToken, {
        body: [{ type: 'TextualBody', value: `Crowd note ${i}.` }],
        target: { source: SEED, selector: { type: 'TextPositionSelector', start: 40 + i * 180, end: 70 + i * 180 } },
      });
      check(made.status === 201, `crowd note ${i}: ${made.status}`);
    }
    const overlaps = () => page.evaluate(() => {
      const boxes = [...document.querySelectorAll('.text article.note')].map((n) => n.getBoundingClientRect()).filter((r) => r.height > 0);
      let count = 0;
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) count++;
        }
      }
      return count;
    });
    results.crowded = {};
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(SEED);
      await page.focus('.nf-words');
      // "1" is in 1, 10–19, 21, 31 and 41: 14 notes.
      await page.keyboard.type('Crowd note 1');
      await page.waitForTimeout(300);
      const shown = (await shownIds()).length;
      results.crowded[width] = { shown, overlaps: await overlaps() };
      check(shown === 14 && results.crowded[width].overlaps === 0, `filtered crowd at ${width}: ${JSON.stringify(results.crowded[width])}`);
    }
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(SEED);
    await page.selectOption('.nf-field[data-field=creator]', 'bob');
    const buttons = await page.$$eval('.margin-toggle', (all) => all.filter((b) => !b.hidden).map((b) => b.textContent));
    check(buttons.length === 1 && buttons[0].startsWith('Show 1 note on paragraph '), `phone: only bob's paragraph offers its note: ${buttons}`);
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
    await context.close();
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`workspace e2e failed: ${error.message}`);
  process.exit(1);
});
