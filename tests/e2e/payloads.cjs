// No payload runs: loads pages and exported files full of XSS payloads in Chromium with
// JavaScript on, hovers and focuses every element, and checks that no payload set
// window.__xss, opened a dialog or raised a page error. Args: URL_OR_FILE...
'use strict';
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const toolsHome = process.env.GLOSSA_TOOLS_HOME || path.join(os.homedir(), '.cache/glossa-tools');
const toolsRequire = require('module').createRequire(path.join(toolsHome, 'package.json'));
const { chromium } = toolsRequire('playwright-core');

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main() {
  const targets = process.argv.slice(2).map((t) => (/^https?:/.test(t) ? t : pathToFileURL(path.resolve(t)).href));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: FLAGS });
  const results = [];
  try {
    for (const url of targets) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const dialogs = [];
      const errors = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url, { waitUntil: 'load' });
      await page.evaluate(() => {
        for (const el of document.querySelectorAll('body *')) {
          for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'toggle', 'animationstart']) {
            el.dispatchEvent(new Event(type, { bubbles: true }));
          }
        }
      });
      await page.waitForTimeout(300);
      const xss = await page.evaluate(() => typeof window.__xss !== 'undefined' || typeof window.parent.__xss !== 'undefined');
      results.push({ url, xss, dialogs, errors });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(results));
  if (results.some((r) => r.xss || r.dialogs.length > 0)) process.exit(1);
}

main().catch((error) => {
  console.error(`payload e2e failed: ${error.message}`);
  process.exit(2);
});
