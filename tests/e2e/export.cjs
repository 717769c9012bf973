// The exported file in a real headless Chromium: it loads nothing from anywhere with
// JavaScript disabled, its sidenotes stay on the printed page beside or right below their
// paragraph without overlapping, it prints to PDF, and axe-core finds no violations.
// Run by tests/app/browser.rs with: EXPORT_FILE PDF_OUT. Prints one JSON line of results.
'use strict';
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const toolsHome = process.env.GLOSSA_TOOLS_HOME || path.join(os.homedir(), '.cache/glossa-tools');
const toolsRequire = require('module').createRequire(path.join(toolsHome, 'package.json'));
const { chromium } = toolsRequire('playwright-core');

const [file, pdfOut] = process.argv.slice(2);
const url = pathToFileURL(path.resolve(file)).href;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// Sidenote boxes: inside the page width, not overlapping, next to or right below their
// paragraph; and the paragraphs keep their natural spacing.
async function layout(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const boxes = [];
    for (const note of document.querySelectorAll('.para aside.sidenote')) {
      const r = note.getBoundingClientRect();
      const para = note.closest('.para').querySelector('.block').getBoundingClientRect();
      if (r.left < 0 || r.right > width + 0.5) problems.push(`${note.id} leaves the page (${r.left}–${r.right} of ${width})`);
      const beside = r.left >= para.right - 1 && r.top >= para.top - 1 && r.top <= para.bottom;
      const below = r.top >= para.bottom - 1 && r.top <= para.bottom + 40 + boxes.filter((b) => b.para === para.top).reduce((s, b) => s + b.h + 20, 0);
      if (!beside && !below) problems.push(`${note.id} is neither beside nor below its paragraph`);
      for (const other of boxes) {
        if (r.left < other.r.right && other.r.left < r.right && r.top < other.r.bottom && other.r.top < r.bottom) {
          problems.push(`${note.id} overlaps ${other.id}`);
        }
      }
      boxes.push({ id: note.id, r, para: para.top, h: r.height });
    }
    // No gaps in the text: the blank space between paragraphs (less the notes that follow a
    // paragraph, where they do) is what it would be with no notes at all.
    const paras = Array.from(document.querySelectorAll('.text .para'));
    const blank = paras.slice(1).map((para, i) => {
      const before = paras[i].querySelector('.block').getBoundingClientRect();
      const notes = paras[i].querySelector('.sidenotes');
      const below = notes && notes.getBoundingClientRect().top >= before.bottom - 1 ? notes.getBoundingClientRect().bottom : before.bottom;
      return para.querySelector('.block').getBoundingClientRect().top - Math.max(before.bottom, below);
    });
    const widest = Math.max(...blank);
    const narrowest = Math.min(...blank);
    if (widest > 1.5 * Math.max(narrowest, 8) + 1) problems.push(`the notes push paragraphs apart: blank space from ${narrowest} to ${widest} px`);
    // Paragraph numbers stay at their paragraph's first line.
    for (const para of paras) {
      const number = para.querySelector('.pnum').getBoundingClientRect();
      const block = para.querySelector('.block').getBoundingClientRect();
      if (Math.abs(number.top - block.top) > 12) problems.push(`paragraph number ${para.querySelector('.pnum').dataset.n} is ${number.top - block.top} px off its paragraph`);
    }
    return { count: boxes.length, problems, gaps: [narrowest, widest] };
  });
}

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: FLAGS });
  const results = {};
  try {
    // Offline and without JavaScript: the only request is the file itself.
    const offline = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await offline.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    results.requests = requests.filter((r) => r !== url);
    check(results.requests.length === 0, `the export requested ${results.requests.join(', ')}`);
    await offline.close();

    // Screen, wide: sidenotes in the margin.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const screen = await context.newPage();
    await screen.goto(url);
    results.screen = await layout(screen);
    check(results.screen.count > 0, 'the export has sidenotes');
    check(results.screen.problems.length === 0, `screen layout: ${results.screen.problems.join('; ')}`);

    // Print on A4: every note stays on the page, beside or right below its paragraph.
    await screen.setViewportSize({ width: 794, height: 1123 });
    await screen.emulateMedia({ media: 'print' });
    results.print = await layout(screen);
    check(results.print.problems.length === 0, `print layout: ${results.print.problems.join('; ')}`);
    const pdf = await screen.pdf({ path: pdfOut, format: 'A4', printBackground: true });
    results.pdf_bytes = pdf.length;
    await context.close();

    // Accessibility (CSP bypassed only to inject axe).
    const axeContext = await browser.newContext({ bypassCSP: true });
    const axePage = await axeContext.newPage();
    await axePage.goto(url);
    await axePage.addScriptTag({ path: path.join(toolsHome, 'node_modules/axe-core/axe.min.js') });
    results.axe_violations = await axePage.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    check(results.axe_violations.length === 0, `axe: ${results.axe_violations.join('; ')}`);
    await axeContext.close();
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`export e2e failed: ${error.message}`);
  process.exit(1);
});
