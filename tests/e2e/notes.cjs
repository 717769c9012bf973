// End-to-end: an analyst takes notes in a real headless Chromium (Debian's, driven by
// playwright-core), with a mouse drag and with the keyboard alone. Run by
// tests/app/browser.rs, which starts glossa and passes: BASE_URL ALICE_TOKEN BOB_TOKEN.
// Prints one JSON line of results; exits non-zero with a message on the first failure.
'use strict';
const { check, launch, browserContext, signIn, api, drag, keySelect, axeViolations, SEED_SLUG } = require('./lib.cjs');

const [base, aliceToken, bobToken] = process.argv.slice(2);
const SEED = `${base}/documents/${SEED_SLUG}`;
const EMOJI = `${base}/documents/emoji-flags`;

const drafts = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('glossa.draft.')));

async function main() {
  const browser = await launch();
  const results = {};
  const errors = [];
  try {
    const alice = await browserContext(browser);
    const page = await alice.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    // The conflict below answers 412 on purpose, and the note over the limit 422; any other failed load is a bug.
    const expected = new Set(['412']);
    page.on('console', (m) => { if (m.type() === 'error' && ![...expected].some((s) => m.text().includes(`status of ${s}`))) errors.push(m.text()); });
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
    await signIn(page, base, 'alice', aliceToken);

    // n with nothing selected says, visibly, how to select.
    await page.keyboard.press('n');
    await page.waitForSelector('#reader-hint:not([hidden])');
    const hint = await page.textContent('#reader-hint');
    check(hint.includes('press v') && hint.includes('Enter'), `n explains how to select (${hint})`);
    results.n_hint = hint;
    await page.keyboard.press('Escape');

    // Mouse: drag over a passage, click "Add note", write, save; the note appears without a reload.
    await drag(page, '#p1', 'Pyongyang and Moscow');
    await page.waitForSelector('#add-note:not([hidden])');
    await page.click('#add-note');
    check((await page.textContent('.note-form-quote')) === 'Pyongyang and Moscow', 'the editor shows the dragged quote');
    await page.fill('#note-body', 'Both capitals named as **metonyms**.');
    await page.fill('#note-tags', 'metonymy, capitals');
    await page.selectOption('#note-visibility', 'team');
    await page.click('.note-save');
    await page.waitForSelector('.margin[data-paragraph="1"] article.note');
    const first = await page.$eval('.margin[data-paragraph="1"] article.note', (a) => ({ id: a.dataset.annotationId, text: a.textContent }));
    check(first.text.includes('metonyms') && first.text.includes('metonymy'), 'the note shows its body and tags');
    const highlighted = await page.$$eval(`mark.note-highlight[data-annotation-id="${first.id}"]`, (m) => m.map((x) => x.textContent).join(''));
    check(highlighted === 'Pyongyang and Moscow', `the quote is highlighted (${highlighted})`);
    results.mouse_note = first.id;

    // A note over the limit is refused in words for people, not the API's field path.
    await drag(page, '#p1', 'high-level state visits');
    await page.waitForSelector('#add-note:not([hidden])');
    await page.click('#add-note');
    await page.fill('#note-body', 'x'.repeat(20001));
    expected.add('422');
    await page.click('.note-save');
    await page.waitForFunction(() => document.querySelector('#note-editor .form-error').textContent.length > 0);
    results.too_long = await page.textContent('#note-editor .form-error');
    check(results.too_long.startsWith('The note is 20001 characters; at most 20000 are allowed. Your draft is kept.')
      && !results.too_long.includes('`'), `a long note's refusal reads as a sentence (${results.too_long})`);
    await page.fill('#note-body', '');
    await page.click('.note-cancel');
    await page.waitForSelector('#note-editor[open]', { state: 'detached' });
    expected.delete('422');

    // Keyboard only: Tab to paragraph 4, v, arrows and Shift+arrows, Enter opens the editor.
    await page.goto(SEED);
    await keySelect(page, 4, 'unprecedented sanctions from the West');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#note-editor[open]');
    check((await page.textContent('.note-form-quote')) === 'unprecedented sanctions from the West', 'the editor quotes the keyboard selection');
    await page.keyboard.type('Private reminder: check the sanctions list.');

    // A draft survives Escape (which asks first) and a reload, and comes back on the same passage.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.getElementById('note-editor').open);
    check(dialogs.some((m) => m.includes('Your draft is kept')), `closing with a draft asks first (${dialogs})`);
    await page.reload();
    await keySelect(page, 4, 'unprecedented sanctions from the West');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#note-editor[open]');
    const restored = await page.inputValue('#note-body');
    check(restored === 'Private reminder: check the sanctions list.', `the draft came back after a reload (${restored})`);
    check((await page.textContent('#note-editor .draft-note')).includes('draft'), 'the editor says the draft is back');
    await page.keyboard.press('Tab');
    await page.keyboard.type('sanctions');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    check((await page.inputValue('#note-visibility')) === 'private', 'visibility chosen from the keyboard');
    await page.focus('#note-tags');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.margin[data-paragraph="4"] article.note');
    results.keyboard_note = await page.$eval('.margin[data-paragraph="4"] article.note', (a) => a.dataset.annotationId);
    check((await drafts(page)).length === 0, `saving clears the draft (${await drafts(page)})`);
    check((await page.textContent(`#note-${results.keyboard_note}`)).includes('Private: only its author sees it'), 'a private note says so');

    // After a reload both notes are still there.
    await page.reload();
    check((await page.$$('article.note')).length === 2, 'both notes survive a reload');

    // j moves to the first note; Tab reaches its Edit button; edit from the keyboard.
    await page.keyboard.press('j');
    check(await page.evaluate(() => document.activeElement.matches('article.note')), 'j focuses a note');
    // Tab goes through the note in reading order: its tags (links to their notes), then Edit.
    const focusedNote = await page.evaluate(() => document.activeElement.id);
    for (let i = 0; i < 6 && !(await page.evaluate(() => document.activeElement.matches('.note-edit'))); i++) {
      await page.keyboard.press('Tab');
      const inside = await page.evaluate((id) => document.activeElement.closest('article.note')?.id === id, focusedNote);
      check(inside, 'Tab stays inside the note on its way to Edit');
    }
    check(await page.evaluate(() => document.activeElement.matches('.note-edit')), 'Tab reaches Edit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#note-editor[open]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Edited: capitals stand for governments.');
    await page.focus('#note-tags');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.margin[data-paragraph="1"] article.note')?.textContent.includes('Edited: capitals'));

    // A change made elsewhere: the page's edit gets 412 and says so, and keeps the draft.
    const id = results.mouse_note;
    const current = await api(page, 'GET', `${base}/api/documents/${SEED_SLUG}/annotations/${id}`, aliceToken);
    const changed = current.json;
    changed.body[0].value = 'Changed from another tab.';
    const put = await api(page, 'PUT', changed.id, aliceToken, changed, { 'If-Match': current.etag });
    check(put.status === 200, `API edit works (${put.status})`);
    await page.click(`#note-${id} .note-edit`);
    await page.fill('#note-body', 'This edit must not overwrite.');
    await page.click('.note-save');
    await page.waitForFunction(() => document.querySelector('#note-editor .form-error:not([hidden])')?.textContent);
    const conflict = await page.textContent('#note-editor .form-error');
    check(conflict.includes('This note was changed elsewhere — reload to see it'), `412 is explained (${conflict})`);
    check((await drafts(page)).length === 1, 'a failed save keeps the draft');
    check((await drafts(page))[0].startsWith('glossa.draft.alice.'), 'drafts belong to their analyst');
    await page.click('.note-cancel');
    results.conflict_message = conflict;

    // Bob sees Alice's team note but not her private one.
    const bobContext = await browserContext(browser);
    const bob = await bobContext.newPage();
    await signIn(bob, base, 'bob', bobToken);
    const bobSees = await bob.$$eval('article.note', (a) => a.map((x) => x.dataset.annotationId));
    check(bobSees.length === 1 && bobSees[0] === id, `bob sees only the team note (${bobSees})`);
    check((await bob.$$('.note-edit, .note-delete')).length === 0, 'bob cannot edit alice\'s note');
    check((await bob.$$('.note-actions:not([hidden]) .note-reply')).length === 1, 'bob may reply to it');
    await bobContext.close();

    // Delete from the keyboard: j, j to the second note, Tab past its tags and Edit to
    // Delete, Enter, confirm.
    await page.reload();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    check(await page.evaluate((gone) => document.activeElement.id === `note-${gone}`, results.keyboard_note), 'j reaches the second note');
    for (let i = 0; i < 6 && !(await page.evaluate(() => document.activeElement.matches('.note-delete'))); i++) {
      await page.keyboard.press('Tab');
    }
    check(await page.evaluate(() => document.activeElement.matches('.note-delete')), 'Tab reaches Delete');
    await page.keyboard.press('Enter');
    await page.waitForFunction((gone) => !document.getElementById(`note-${gone}`), results.keyboard_note);
    check(await page.evaluate(() => document.activeElement.matches('article.note, a.pnum')), 'after a delete the keyboard stays in place');

    // Emoji and flags: UTF-16 offsets in the page become code points on the server.
    await page.goto(EMOJI);
    await keySelect(page, 1, 'Kyiv and Moscow');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#note-editor[open]');
    await page.keyboard.type('After the flags.');
    await page.focus('#note-tags');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.margin[data-paragraph="1"] article.note');
    const emojiId = await page.$eval('.margin[data-paragraph="1"] article.note', (a) => a.dataset.annotationId);
    const stored = await api(page, 'GET', `${base}/api/documents/emoji-flags/annotations/${emojiId}`, aliceToken);
    const [quote, position] = stored.json.target.selector;
    results.emoji = { exact: quote.exact, start: position.start, end: position.end };
    check(quote.exact === 'Kyiv and Moscow', `emoji quote ${quote.exact}`);

    // Accessibility of the page with notes, with axe-core (CSP bypassed only to inject axe).
    const axeContext = await browserContext(browser, { bypassCSP: true });
    const axePage = await axeContext.newPage();
    await signIn(axePage, base, 'alice', aliceToken);
    const axe = await axeViolations(axePage);
    results.axe_violations = axe;
    check(axe.length === 0, `axe violations: ${axe.join('; ')}`);
    await axeContext.close();
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`e2e failed: ${error.message}`);
  process.exit(1);
});
