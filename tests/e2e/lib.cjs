// What the browser scripts share: Chromium, signing in, the API, and selecting text the way a
// person does (a mouse drag, or key presses), never by script.
'use strict';
const os = require('os');
const path = require('path');

const toolsHome = process.env.GLOSSA_TOOLS_HOME || path.join(os.homedir(), '.cache/glossa-tools');
const toolsRequire = require('module').createRequire(path.join(toolsHome, 'package.json'));
const { chromium } = toolsRequire('playwright-core');
const SEED_SLUG = 'russia-north-korea-chinese-views';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: FLAGS });
}

async function browserContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(15000);
  return context;
}

// Signs in from the keyboard, from the document's own "Sign in" link, which comes back to it.
async function signIn(page, base, name, token, slug = SEED_SLUG) {
  await page.goto(`${base}/documents/${slug}`);
  await page.click('.site-account a');
  await page.focus('#login-name');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/documents/${slug}`);
  check((await page.textContent('.site-account')).includes(`Signed in as ${name}`), 'header shows the analyst');
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

// Where `text` sits in `selector`'s rendered text: the first and last line boxes, in page
// coordinates, for a real mouse drag.
async function textBox(page, selector, text) {
  return page.evaluate(([selector, text]) => {
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
      for (const [node, start] of nodes) if (offset <= start + node.data.length) return [node, offset - start];
      throw new Error('offset out of range');
    };
    const range = document.createRange();
    range.setStart(...locate(at));
    range.setEnd(...locate(at + text.length));
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
    const first = rects[0];
    const last = rects[rects.length - 1];
    return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
  }, [selector, text]);
}

// Selects `text` inside `selector` with a mouse drag.
async function drag(page, selector, text) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await textBox(page, selector, text);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2, { steps: 4 });
  await page.mouse.move(box.x2, box.y2, { steps: 4 });
  await page.mouse.up();
}

// Selects with a mouse drag from the start of `from` ([selector, text]) to the end of `to`.
async function dragBetween(page, from, to) {
  await page.evaluate((selector) => document.querySelector(selector).scrollIntoView({ block: 'center' }), to[0]);
  const start = await textBox(page, ...from);
  const end = await textBox(page, ...to);
  await page.mouse.move(start.x1, start.y1);
  await page.mouse.down();
  await page.mouse.move(end.x2, end.y2, { steps: 8 });
  await page.mouse.up();
}

// Tabs until the link to paragraph `n` has focus, as a keyboard user would.
// Presses Tab (at most `most` times) until `selector` has focus, as a keyboard user would.
async function tabTo(page, selector, most = 60) {
  for (let i = 0; i < most; i++) {
    if (await page.evaluate((s) => document.activeElement.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function tabToParagraph(page, n) {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((n) => document.activeElement.matches(`a.pnum[data-n="${n}"]`), n)) return;
  }
  throw new Error(`Tab never reached paragraph ${n}`);
}

// With the keyboard alone: from paragraph `n`'s link, v starts selecting; → moves to the
// first word of `text`, Shift+→ extends over its words.
async function keySelect(page, n, text) {
  await tabToParagraph(page, n);
  await page.keyboard.press('v');
  // Where the page has voices, the hint says whose view the first word gives at once.
  const told = await page.evaluate(() => (document.querySelector('.voice-claim')
    ? document.querySelector('.hint-voice')?.textContent || '(nothing)' : null));
  check(told === null || /^(Voice: .+|No voice is given to this sentence)\.$/.test(told), `the hint on pressing v says the voice: ${told}`);
  const words = await page.evaluate(([n, text]) => {
    // The paragraph's text as reader.js counts it: without footnote marker digits.
    const block = document.getElementById(`p${n}`);
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest('sup.fn-ref') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    let plain = '';
    while (walker.nextNode()) plain += walker.currentNode.data;
    const segments = Array.from(new Intl.Segmenter(undefined, { granularity: 'word' }).segment(plain)).filter((s) => s.isWordLike);
    const at = plain.indexOf(text);
    if (at < 0) throw new Error(`text not found: ${text}`);
    const first = segments.findIndex((s) => s.index >= at);
    const last = segments.findIndex((s) => s.index + s.segment.length >= at + text.length);
    return [first, last];
  }, [n, text]);
  for (let i = 0; i < words[0]; i++) await page.keyboard.press('ArrowRight');
  for (let i = words[0]; i < words[1]; i++) await page.keyboard.press('Shift+ArrowRight');
  const selected = await page.evaluate(() => window.getSelection().toString());
  check(selected === text, `keyboard selection is "${selected}", not "${text}"`);
}

async function axeViolations(page) {
  await page.addScriptTag({ path: path.join(toolsHome, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

module.exports = { check, launch, browserContext, signIn, api, textBox, drag, dragBetween, tabTo, tabToParagraph, keySelect, axeViolations, SEED_SLUG };
