// End-to-end: an analyst takes notes in a real headless Chromium (Debian's, driven by
// playwright-core), with the mouse and from the keyboard. Run by tests/app/browser.rs, which
// starts glossa and passes: BASE_URL ALICE_TOKEN BOB_TOKEN.
// Prints one JSON line of results; exits non-zero with a message on the first failure.
'use strict';
const os = require('os');
const path = require('path');
const toolsHome = process.env.GLOSSA_TOOLS_HOME || path.join(os.homedir(), '.cache/glossa-tools');
const toolsRequire = require('module').createRequire(path.join(toolsHome, 'package.json'));
const { chromium } = toolsRequire('playwright-core');

const [base, aliceToken, bobToken] = process.argv.slice(2);
const SEED = `${base}/documents/russia-north-korea-chinese-views`;
const EMOJI = `${base}/documents/emoji-flags`;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function browserContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(15000);
  return context;
}

async function signIn(page, name, token) {
  await page.goto(`${base}/login?next=/documents/russia-north-korea-chinese-views`);
  await page.focus('#login-name');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.waitForURL(SEED);
  check((await page.textContent('.site-account')).includes(`Signed in as ${name}`), 'header shows the analyst');
}

// Selects `text` inside the element `selector`, as a reader's drag or keyboard selection would.
async function select(page, selector, text) {
  await page.evaluate(([selector, text]) => {
    const root = document.querySelector(selector);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let full = '';
    const nodes = [];
    while (walker.nextNode()) {
      nodes.push([walker.currentNode, full.length]);
      full += walker.currentNode.data;
    }
    const at = full.indexOf(text);
    if (at < 0) throw new Error(`text not found: ${text}`);
    const locate = (offset) => {
      for (const [node, start] of nodes) {
        if (offset <= start + node.data.length) return [node, offset - start];
      }
      throw new Error('offset out of range');
    };
    const range = document.createRange();
    range.setStart(...locate(at));
    range.setEnd(...locate(at + text.length));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }, [selector, text]);
}

async function api(page, method, url, token, body, headers = {}) {
  return page.evaluate(async ([method, url, token, body, headers]) => {
    const response = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/ld+json', ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, etag: response.headers.get('etag'), json: response.status === 204 ? null : await response.json() };
  }, [method, url, token, body, headers]);
}

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: FLAGS });
  const results = {};
  const errors = [];
  try {
    const alice = await browserContext(browser);
    const page = await alice.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    // The conflict below answers 412 on purpose; any other failed load is a bug.
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('412')) errors.push(m.text()); });
    page.on('dialog', (d) => d.accept());
    await signIn(page, 'alice', aliceToken);

    // Mouse: select a passage, click "Add note", write, save; the note appears without a reload.
    await select(page, '#p1', 'Pyongyang and Moscow');
    await page.dispatchEvent('#p1', 'mouseup');
    await page.waitForSelector('#add-note:not([hidden])');
    await page.click('#add-note');
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

    // Keyboard: select, press n, type, Enter in the tags field submits.
    await select(page, '#p4', 'unprecedented sanctions from the West');
    await page.keyboard.press('n');
    await page.waitForSelector('#note-editor[open]');
    await page.keyboard.type('Private reminder: check the sanctions list.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('sanctions');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.selectOption('#note-visibility', 'private');
    await page.focus('#note-tags');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.margin[data-paragraph="4"] article.note');
    results.keyboard_note = await page.$eval('.margin[data-paragraph="4"] article.note', (a) => a.dataset.annotationId);

    // After a reload both notes are still there.
    await page.reload();
    check((await page.$$('article.note')).length === 2, 'both notes survive a reload');

    // j moves to the first note; Tab reaches its Edit button; edit from the keyboard.
    await page.keyboard.press('j');
    check(await page.evaluate(() => document.activeElement.matches('article.note')), 'j focuses a note');
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement.matches('.note-edit')), 'Tab reaches Edit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#note-editor[open]');
    await page.fill('#note-body', 'Edited: capitals stand for governments.');
    await page.focus('#note-tags');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.margin[data-paragraph="1"] article.note')?.textContent.includes('Edited: capitals'));

    // A change made elsewhere: the page's edit gets 412 and says so.
    const id = results.mouse_note;
    const current = await api(page, 'GET', `${base}/api/documents/russia-north-korea-chinese-views/annotations/${id}`, aliceToken);
    const changed = current.json;
    changed.body[0].value = 'Changed from another tab.';
    const put = await api(page, 'PUT', changed.id, aliceToken, changed, { 'If-Match': current.etag });
    check(put.status === 200, `API edit works (${put.status})`);
    await page.click(`#note-${id} .note-edit`);
    await page.fill('#note-body', 'This edit must not overwrite.');
    await page.click('.note-save');
    await page.waitForSelector('#note-editor .form-error:not([hidden])');
    const conflict = await page.textContent('#note-editor .form-error');
    check(conflict.includes('This note was changed elsewhere — reload to see it'), `412 is explained (${conflict})`);
    await page.click('.note-cancel');
    results.conflict_message = conflict;

    // Bob sees Alice's team note but not her private one.
    const bobContext = await browserContext(browser);
    const bob = await bobContext.newPage();
    await signIn(bob, 'bob', bobToken);
    const bobSees = await bob.$$eval('article.note', (a) => a.map((x) => x.dataset.annotationId));
    check(bobSees.length === 1 && bobSees[0] === id, `bob sees only the team note (${bobSees})`);
    check((await bob.$$('.note-actions:not([hidden])')).length === 0, 'bob cannot edit alice\'s note');
    await bobContext.close();

    // Delete from the page.
    await page.reload();
    await page.click(`#note-${results.keyboard_note} .note-delete`);
    await page.waitForFunction((gone) => !document.getElementById(`note-${gone}`), results.keyboard_note);

    // Emoji and flags: UTF-16 offsets in the page become code points on the server.
    await page.goto(EMOJI);
    await select(page, '#p1', 'Kyiv and Moscow');
    await page.keyboard.press('n');
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
    await axePage.goto(`${base}/login`);
    await axePage.fill('#login-name', 'alice');
    await axePage.fill('#login-token', aliceToken);
    await axePage.press('#login-token', 'Enter');
    await axePage.waitForURL(`${base}/`);
    await axePage.goto(SEED);
    await axePage.addScriptTag({ path: path.join(toolsHome, 'node_modules/axe-core/axe.min.js') });
    const axe = await axePage.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
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
