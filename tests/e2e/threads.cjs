// End-to-end: analysts argue about a passage from the keyboard alone. Alice's assessing note
// (C3) is on the seed; Bob tabs to Reply, writes an answer that mentions @alice (wider
// readers than the note's are offered disabled), and Alice answers him. The thread reads
// inside the note in the margin (first reply shown, the rest behind "1 more reply", opened by
// the keyboard), the mention links to Alice's notes, axe passes with the editor open and with
// the thread shown, and neither a wide screen nor a phone scrolls sideways.
// Run by tests/app/browser.rs: node threads.cjs BASE_URL ALICE_TOKEN BOB_TOKEN. Prints one JSON line.
'use strict';
const path = require('path');
const { check, launch, browserContext, signIn, api, axeViolations, SEED_SLUG, tabTo } = require('./lib.cjs');

// j moves from note to note, opening each at full length, until the thread of `root` is
// the open one: a crowded margin shows only the open note's buttons and replies.
async function openThread(page, root) {
  await page.focus('#doc-title');
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('j');
    if (await page.evaluate((id) => document.activeElement.id === `note-${id}`, root)) return;
  }
  throw new Error(`j never reached note ${root}`);
}

// Opens the thread of `root`, Tabs to the Reply button of the note or reply `id`, presses
// Enter, writes `text` and saves.
async function replyFromKeyboard(page, root, id, text) {
  const before = await page.$$eval('article.reply', (r) => r.length);
  await openThread(page, root);
  const more = await page.$(`#note-${root} details.more-replies:not([open])`);
  if (more && await page.$(`#note-${root} details.more-replies #note-${id}`)) {
    await tabTo(page, `#note-${root} .more-replies > summary`, 60);
    await page.keyboard.press('Enter');
  }
  await tabTo(page, `#note-${id} > .note-actions .note-reply`, 60);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#note-editor[open]');
  check(await page.evaluate(() => document.activeElement.id === 'note-body'), 'the editor opens on the text');
  await page.keyboard.type(text);
  await tabTo(page, '.note-save', 12);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('article.reply').length > n, before);
}

(async () => {
  const [base, aliceToken, bobToken] = process.argv.slice(2);
  const shots = process.env.SCREENSHOT_DIR;
  const browser = await launch();
  const results = {};
  try {
    const alice = await (await browserContext(browser, { bypassCSP: true })).newPage();
    const bob = await (await browserContext(browser, { bypassCSP: true })).newPage();
    const errors = [];
    for (const page of [alice, bob]) page.on('pageerror', (e) => errors.push(e.message));
    await signIn(alice, base, 'alice', aliceToken);
    await signIn(bob, base, 'bob', bobToken);
    const container = `${base}/api/documents/${SEED_SLUG}/annotations/`;
    const created = await api(alice, 'POST', container, aliceToken, {
      motivation: 'assessing', credibility: 3, sourceReliability: 'C', visibility: 'team',
      body: { type: 'TextualBody', value: 'Plausible, but only one source says so.' },
      target: { source: `${base}/documents/${SEED_SLUG}`, selector: { type: 'TextQuoteSelector', exact: 'irked Beijing' } },
    });
    check(created.status === 201, `alice's note (${created.status})`);
    const root = created.json.id.split('/').pop();
    const below = await api(alice, 'POST', container, aliceToken, {
      body: { type: 'TextualBody', value: 'A note just below the thread.' },
      target: { source: `${base}/documents/${SEED_SLUG}`, selector: { type: 'TextQuoteSelector', exact: 'may be concerned about consolidation' } },
    });
    check(below.status === 201, `a second note (${below.status})`);
    const next = below.json.id.split('/').pop();

    // Bob replies from the keyboard; the editor offers no readers wider than the note's.
    await bob.reload();
    await openThread(bob, root);
    await tabTo(bob, `#note-${root} > .note-actions .note-reply`, 60);
    await bob.keyboard.press('Enter');
    await bob.waitForSelector('#note-editor[open]');
    results.title = await bob.textContent('#note-editor-title');
    check(results.title === 'Reply to alice', `editor title: ${results.title}`);
    results.disabled = await bob.$$eval('#note-visibility option:disabled', (o) => o.map((x) => x.value));
    check(results.disabled.join() === 'public', `wider readers disabled: ${results.disabled}`);
    results.motivation = await bob.$eval('#note-motivation', (s) => s.value);
    check(results.motivation === 'replying', `motivation: ${results.motivation}`);
    results.axeEditor = await axeViolations(bob);
    check(results.axeEditor.length === 0, `axe with the reply editor open: ${results.axeEditor.join('; ')}`);
    await bob.keyboard.press('Escape');
    await bob.waitForFunction(() => !document.getElementById('note-editor').open);
    await replyFromKeyboard(bob, root, root, '@alice The ministry confirmed it on Tuesday.');
    const bobsReply = await bob.$eval(`#note-${root} .thread article.reply`, (r) => r.dataset.annotationId);
    results.focused = await bob.evaluate(() => document.activeElement.getAttribute('aria-label'));
    check(results.focused === 'Reply by bob to alice', `focus on the new reply: ${results.focused}`);
    results.mention = await bob.$eval(`#note-${bobsReply} a.mention`, (a) => [a.textContent, a.getAttribute('href')]);
    check(results.mention.join(' ') === '@alice /notes?q=author%3Aalice', `mention link: ${results.mention}`);

    // Alice answers Bob, then adds a second thought: the thread shows the first reply and
    // folds the rest, which the keyboard opens.
    await alice.reload();
    await replyFromKeyboard(alice, root, bobsReply, 'Which ministry? Foreign affairs only spoke of "contacts".');
    await replyFromKeyboard(alice, root, root, 'Graded C3 until a second source appears.');
    results.depths = await alice.$$eval(`#note-${root} .thread article.reply`, (r) => r.map((x) => x.className.match(/indent-(\d)/)[1]));
    check(results.depths.join() === '1,2,1', `reply depths: ${results.depths}`);
    results.summary = await alice.textContent(`#note-${root} .more-replies > summary`);
    check(results.summary === '2 more replies', `folded: ${results.summary}`);
    await alice.reload();
    await openThread(alice, root);
    await tabTo(alice, `#note-${root} .more-replies > summary`, 60);
    await alice.keyboard.press('Enter');
    check(await alice.$eval(`#note-${root} .more-replies`, (d) => d.open), 'Enter opens the folded replies');
    // The opened thread pushes the next note down rather than running under it.
    await alice.waitForTimeout(200);
    results.overlaps = await alice.evaluate((a) => {
      const thread = document.getElementById(`note-${a}`).getBoundingClientRect();
      return Array.from(document.querySelectorAll('.text article.note, .text .more-notes'))
        .filter((el) => el.id !== `note-${a}` && el.getClientRects().length > 0)
        .map((el) => el.getBoundingClientRect())
        .filter((box) => box.top < thread.bottom - 1 && box.bottom > thread.top + 1).length;
    }, root);
    check(results.overlaps === 0, `nothing in the margin overlaps the opened thread (${results.overlaps})`);
    check(next.length === 32, 'the note below was made');
    results.axeThread = await axeViolations(alice);
    check(results.axeThread.length === 0, `axe with the thread open: ${results.axeThread.join('; ')}`);

    // The thread sits in the margin beside its passage, inside the page's width.
    const box = await alice.$eval(`#note-${root}`, (n) => {
      const r = n.getBoundingClientRect();
      const mark = document.querySelector(`mark.note-highlight[data-annotation-id="${n.dataset.annotationId}"]`).getBoundingClientRect();
      return { right: r.right, top: r.top, markTop: mark.top, width: document.documentElement.scrollWidth, view: window.innerWidth };
    });
    results.box = box;
    check(box.width <= box.view, `no sideways scroll at ${box.view}px (${box.width}px)`);
    check(Math.abs(box.top - box.markTop) < 200, `thread beside its passage (${box.top} vs ${box.markTop})`);
    if (shots) {
      await alice.$eval(`#note-${root}`, (n) => n.scrollIntoView({ block: 'center' }));
      await alice.screenshot({ path: path.join(shots, 'thread.png') });
    }
    // On paper every reply prints, folded or not.
    await alice.reload();
    await alice.emulateMedia({ media: 'print' });
    results.printed = await alice.$$eval(`#note-${root} article.reply`, (r) => r.filter((x) => x.getClientRects().length > 0).length);
    check(results.printed === 3, `every reply printed (${results.printed})`);
    await alice.emulateMedia({ media: 'screen' });
    await alice.setViewportSize({ width: 390, height: 800 });
    await alice.reload();
    const phone = await alice.evaluate(() => document.documentElement.scrollWidth);
    check(phone <= 390, `no sideways scroll on a phone (${phone}px)`);
    if (shots) {
      await alice.click('.margin-toggle');
      await alice.$eval(`#note-${root}`, (n) => n.scrollIntoView({ block: 'start' }));
      await alice.screenshot({ path: path.join(shots, 'thread-phone.png') });
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
