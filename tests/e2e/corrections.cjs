// End-to-end: an analyst corrects who says a sentence with the keyboard alone: reassigns one
// to another voice, gives one to a new voice, says of one that it reports no one, and undoes
// that. Run by tests/app/browser.rs in two phases around a re-import of a changed text:
//   node corrections.cjs BASE_URL ALICE_TOKEN correct STATE_FILE
//   node corrections.cjs BASE_URL ALICE_TOKEN after STATE_FILE
// (STATE_FILE carries what the first phase found to the second.)
// Prints one JSON line.
'use strict';
const fs = require('fs');
const path = require('path');
const { check, launch, browserContext, signIn, keySelect, axeViolations, SEED_SLUG, tabTo } = require('./lib.cjs');

// Three words in a row of `sentence` with nothing but letters, so that a selection by words
// reads exactly them.
function plainRun(sentence) {
  const words = sentence.split(/\s+/);
  for (let i = 1; i + 2 < words.length; i++) {
    const run = words.slice(i, i + 3);
    if (run.every((w) => /^[A-Za-z]+$/.test(w))) return run.join(' ');
  }
  throw new Error(`no three plain words in: ${sentence}`);
}

async function facts(page, base) {
  const voices = await (await page.request.get(`${base}/api/documents/${SEED_SLUG}/voices`)).json();
  const doc = await (await page.request.get(`${base}/api/documents/${SEED_SLUG}`)).json();
  const text = (n) => doc.paragraphs.find((p) => p.number === n).text;
  const sentence = (claim) => Array.from(text(claim.paragraph)).slice(claim.start, claim.end).join('');
  return { voices, doc, text, sentence };
}

// Saves the open dialog from its Save button and waits for the page to be read again.
async function saveAndReload(page) {
  await tabTo(page, '.voice-save', 8);
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => document.querySelector('.voices-status').textContent !== '');
  return page.$eval('.voices-status', (s) => s.textContent);
}

async function correct(page, base, results) {
  const shots = process.env.SCREENSHOT_DIR;
  const { voices, doc, text, sentence } = await facts(page, base);
  const western = voices.voices.find((v) => v.label === 'Western commentators');
  const analysts = voices.voices.find((v) => v.label === 'Chinese analysts');
  const observers = voices.voices.find((v) => v.label === 'Chinese observers');
  check(western && analysts && observers, 'the rules find the Western commentators, Chinese analysts and observers');

  // 1. Reassign: select words of a Western commentators' sentence, press w, arrow to
  // "another voice", type a voice the corpus has, save.
  const claim = western.claims[0];
  await keySelect(page, claim.paragraph, plainRun(sentence(claim)));
  await page.keyboard.press('w');
  await page.waitForSelector('#voice-editor[open]');
  const now = await page.$eval('.voice-form-now', (p) => p.textContent);
  check(now.includes('Western commentators'), `the dialog says who the rules give it to: ${now}`);
  check(await page.evaluate(() => document.activeElement.id === 'voice-keep'), 'focus starts on keeping the rules’ voice');
  results.axe_dialog = await axeViolations(page);
  check(results.axe_dialog.length === 0, `axe with the dialog open: ${results.axe_dialog.join('; ')}`);
  if (shots) await page.screenshot({ path: path.join(shots, 'voice-dialog.png') });
  await page.keyboard.press('ArrowDown');
  check(await page.evaluate(() => document.getElementById('voice-other-choice').checked), 'ArrowDown chooses another voice');
  await page.keyboard.press('Tab');
  await page.keyboard.type('chinese analysts');
  results.reassigned = await saveAndReload(page);
  check(results.reassigned.includes(`paragraph ${claim.paragraph} now gives the view of Chinese analysts`), results.reassigned);
  const title = await page.$eval(`#p${claim.paragraph} .voice-claim.voice-start[data-voice="${analysts.id}"]`, (s) => s.title)
    .catch(() => '');
  check(title.includes('reassigned by alice (the rules said Western commentators)'), `the sentence says who changed it: ${title}`);

  // 2. Add: a sentence the rules give no one becomes KCNA's, official, North Korea's.
  const spoken = new Set(voices.voices.flatMap((v) => v.claims.map((c) => c.paragraph)));
  const silent = doc.paragraphs.find((p) => !spoken.has(p.number) && p.text.split(/\s+/).length > 6);
  check(silent, 'some paragraph gives no one’s view');
  await keySelect(page, silent.number, plainRun(silent.text));
  await page.keyboard.press('w');
  await page.waitForSelector('#voice-editor[open]');
  check(await page.evaluate(() => document.activeElement.id === 'voice-other-choice'), 'with no voice, focus starts on another voice');
  await page.keyboard.press('Tab');
  await page.keyboard.type('KCNA');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  for (let i = 0; i < 20; i++) {
    if (await page.$eval('#voice-actor', (s) => s.selectedOptions[0].textContent === 'North Korea')) break;
    await page.keyboard.press('ArrowDown');
  }
  check(await page.$eval('#voice-actor', (s) => s.value === 'PRK'), 'the arrow keys choose North Korea');
  results.added = await saveAndReload(page);
  check(results.added.includes('gives the view of KCNA'), results.added);
  const kcna = await page.$eval(`#p${silent.number} .voice-claim.voice-start`, (s) => ({ voice: s.dataset.voice, official: s.classList.contains('official'), title: s.title }));
  check(kcna.voice === 'kcna' && kcna.official && kcna.title.includes('given by alice'), `KCNA speaks in paragraph ${silent.number}: ${JSON.stringify(kcna)}`);
  results.kcna_paragraph = silent.number;

  // 3. Remove, then undo: "no one" takes an observers' sentence away; Undo gives it back.
  const observed = observers.claims[0];
  await keySelect(page, observed.paragraph, plainRun(sentence(observed)));
  await page.keyboard.press('w');
  await page.waitForSelector('#voice-editor[open]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  check(await page.evaluate(() => document.getElementById('voice-none').checked), 'two ArrowDowns choose no one');
  results.removed = await saveAndReload(page);
  check(results.removed.includes(`paragraph ${observed.paragraph} now reports no one`), results.removed);
  const stillThere = await page.$$eval(`#p${observed.paragraph} .voice-claim.voice-start[data-voice="${observers.id}"]`, (s) => s.length);
  const listed = await page.$$eval('.voice-corrections li', (items) => items.map((li) => li.textContent));
  check(listed.length === 3 && listed.every((l) => l.includes('alice')), `three corrections listed with who made them: ${listed}`);
  check(listed[0].includes('said no one speaks here (the rules said Chinese observers)'), listed[0]);
  results.axe_panel = await axeViolations(page);
  check(results.axe_panel.length === 0, `axe with corrections listed: ${results.axe_panel.join('; ')}`);
  if (shots) {
    await page.$eval('#voices', (panel) => panel.scrollIntoView());
    await page.screenshot({ path: path.join(shots, 'voice-corrections.png') });
  }
  await page.focus('button.correction-undo');
  results.undone = await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')])
    .then(() => page.waitForFunction(() => document.querySelector('.voices-status').textContent !== ''))
    .then(() => page.$eval('.voices-status', (s) => s.textContent));
  check(results.undone.includes('Correction undone: the rules speak for the sentence again'), results.undone);
  const back = await page.$$eval(`#p${observed.paragraph} .voice-claim.voice-start[data-voice="${observers.id}"]`, (s) => s.length);
  check(back === stillThere + 1, `undo gives the sentence back to the observers (${stillThere} → ${back})`);

  // 4. A selection across two sentences is refused in words, with nothing saved.
  const candidates = voices.voices.flatMap((v) => v.claims).map((c) => {
    const last = sentence(c).match(/([A-Za-z]+)\.$/);
    const next = Array.from(text(c.paragraph)).slice(c.end).join('').match(/^ ([A-Z][a-z]+)/);
    return last && next ? { paragraph: c.paragraph, run: `${last[1]}. ${next[1]}` } : null;
  }).filter(Boolean);
  // One with no footnote marker between the sentences, so the selection reads as the run.
  const shown = await page.$$eval('.block', (blocks) => blocks.map((b) => [b.id, b.textContent]));
  const across = candidates.find((c) => shown.some(([id, words]) => id === `p${c.paragraph}` && words.includes(c.run)));
  check(across, 'some sentence is followed by another in its paragraph');
  await keySelect(page, across.paragraph, across.run);
  await page.keyboard.press('w');
  await page.waitForSelector('#voice-editor[open]');
  await tabTo(page, '.voice-save', 8);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#voice-editor .form-error:not([hidden])')?.textContent);
  results.across = await page.$eval('#voice-editor .form-error', (e) => e.textContent);
  check(results.across.startsWith('The selection runs past the end of the sentence'), results.across);
  await page.keyboard.press('Escape');
  const kept = await (await page.request.get(`${base}/api/documents/${SEED_SLUG}/voices`)).json();
  check(kept.corrections.length === 2, `the refused selection saved nothing (${kept.corrections.length} corrections)`);
  results.reassigned_paragraph = claim.paragraph;
  results.analysts = analysts.id;
}

async function after(page, base, results, before) {
  // The text gained a paragraph at the top: every correction follows its sentence.
  const api = await (await page.request.get(`${base}/api/documents/${SEED_SLUG}/voices`)).json();
  results.statuses = api.corrections.map((c) => c.anchorStatus);
  check(results.statuses.length === 2 && results.statuses.every((s) => s === 'moved'), `corrections moved with the text: ${results.statuses}`);
  const reassigned = await page.$eval(`#p${before.reassigned_paragraph + 1} .voice-claim.voice-start[data-voice="${before.analysts}"]`, (s) => s.title);
  check(reassigned.includes('reassigned by alice'), `the reassignment holds after the re-import: ${reassigned}`);
  const kcna = await page.$eval(`#p${before.kcna_paragraph + 1} .voice-claim.voice-start`, (s) => s.dataset.voice);
  check(kcna === 'kcna', `KCNA still speaks after the re-import (${kcna})`);
}

(async () => {
  const [base, token, phase, memory] = process.argv.slice(2);
  const browser = await launch();
  const results = {};
  try {
    const page = await (await browserContext(browser, { bypassCSP: true })).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, base, 'alice', token);
    if (phase === 'correct') {
      await correct(page, base, results);
      fs.writeFileSync(memory, JSON.stringify(results));
    } else {
      await after(page, base, results, JSON.parse(fs.readFileSync(memory, 'utf8')));
    }
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(results));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
