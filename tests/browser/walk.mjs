// The web page in a real browser: every page checked by axe-core against WCAG 2.1 AA,
// a screenshot of each, a phone-sized window without sideways scrolling, and a keyboard-only
// search and publish. Run by cli/tests/cli/browser.rs against a running node:
//   WIEL_LOGIN_URL=… WIEL_ENTRY=/bericht/… WIEL_ARTEFACTS=dir node walk.mjs
// Prints one JSON line with what it found; exits 1 when anything failed.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';

const login = process.env.WIEL_LOGIN_URL;
const entry = process.env.WIEL_ENTRY;
const artefacts = process.env.WIEL_ARTEFACTS ?? 'browser-artefacts';
mkdirSync(artefacts, { recursive: true });
const failures = [];
const checked = [];
let step = 'the start';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--no-first-run'],
});
try {
  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(login);
  if (new URL(page.url()).pathname !== '/') failures.push(`login link led to ${page.url()}`);

  const pages = [['voorpagina', '/'], ['zoeken', '/zoeken?q=verzuim'], ['vragen', '/vragen'],
                 ['bericht', entry], ['schrijven', '/schrijven'], ['mijn', '/mijn'],
                 ['vertrouwen', '/vertrouwen'], ['node', '/node'],
                 ['intrekken', `${entry}/intrekken`], ['inloggen', '/inloggen']];
  const origin = new URL(login).origin;
  for (const [name, path] of pages) {
    await page.goto(origin + path);
    await page.screenshot({ path: `${artefacts}/${name}.png`, fullPage: true });
    const result = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    for (const v of result.violations) {
      failures.push(`${path}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
    }
    checked.push(path);
  }

  step = 'the phone';
  // A phone: nothing wider than the screen.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'nl-NL' });
  const small = await phone.newPage();
  await small.context().addCookies(await context.cookies());
  for (const [name, path] of pages) {
    await small.goto(origin + path);
    const wide = await small.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    if (wide) failures.push(`${path}: wider than a phone's screen`);
    await small.screenshot({ path: `${artefacts}/${name}-telefoon.png`, fullPage: true });
  }

  step = 'the keyboard search';
  // Keyboard only: Tab to the search field, type, Enter.
  await page.goto(origin + '/');
  if (!(await tabTo(page, 'q'))) failures.push('the search field cannot be reached with Tab');
  await page.keyboard.type('verzuim');
  await Promise.all([page.waitForURL(/\/zoeken/), page.keyboard.press('Enter')]);
  if ((await page.locator('ol.results li').count()) === 0) failures.push('keyboard search found nothing');

  step = 'the keyboard publish';
  // Keyboard only: write a question and publish it.
  await page.goto(origin + '/schrijven');
  // A radio group takes one Tab; the arrow keys choose within it.
  if (!(await tabTo(page, 'soort-goed-voorbeeld'))) failures.push('the kind cannot be reached with Tab');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  if (!(await tabTo(page, 'titel'))) failures.push('the title cannot be reached with Tab');
  await page.keyboard.type('Wie deelt een sjabloon voor het verzuimgesprek?');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Wij maken een nieuw sjabloon en horen graag hoe anderen het doen.');
  const submit = await tabToSubmit(page);
  if (!submit) failures.push('the publish button cannot be reached with Tab');
  await Promise.all([page.waitForURL(/\/bericht\//), page.keyboard.press('Enter')]);
  await page.screenshot({ path: `${artefacts}/gepubliceerd.png`, fullPage: true });
  if (!(await page.content()).includes('sjabloon voor het verzuimgesprek')) failures.push('the published question is not shown');
} catch (e) {
  failures.push(`the walk stopped at ${step}: ${e.message.split('\n')[0]}`);
  const open = browser.contexts()[0]?.pages()[0];
  if (open) await open.screenshot({ path: `${artefacts}/stopped.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify({ checked, failures }));
process.exit(failures.length === 0 ? 0 : 1);

async function tabTo(page, id) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.id) === id) return true;
  }
  return false;
}

async function tabToSubmit(page) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.getAttribute('type')) === 'submit') return true;
  }
  return false;
}
