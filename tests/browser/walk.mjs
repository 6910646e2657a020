// The web page in a real browser: every page checked by axe-core against WCAG 2.1 AA,
// a screenshot of each, a phone-sized window without sideways scrolling, and a keyboard-only
// search and publish. Run by cli/tests/cli/browser.rs against a running node:
//   WIEL_LOGIN_URL=… WIEL_ENTRY=/bericht/… WIEL_ARTEFACTS=dir node walk.mjs
// Then, as people use it: search as you type; ask → answer → react → accept; a story with
// a phone number (confirmation asked) and with a BSN (blocked, text kept); retract; a new
// entry noticed live on the front page; an entry from a second node (WIEL_REMOTE_TITLE)
// on the front page; and the first render of the search page in a cold browser (report
// in first-render.json). Prints one JSON line with what it found; exits 1 when anything
// failed.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, writeFileSync } from 'node:fs';

const login = process.env.WIEL_LOGIN_URL;
const entry = process.env.WIEL_ENTRY;
const remoteTitle = process.env.WIEL_REMOTE_TITLE;
const artefacts = process.env.WIEL_ARTEFACTS ?? 'browser-artefacts';
mkdirSync(artefacts, { recursive: true });
const failures = [];
const checked = [];
let step = 'the start';
let firstRender = null;

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

  step = 'search as you type';
  await page.goto(origin + '/zoeken');
  await page.locator('#q').pressSequentially('buddy', { delay: 40 });
  await page.locator('#resultaten li.result', { hasText: 'Buddy' }).first().waitFor();
  if (!new URL(page.url()).search.includes('q=buddy')) failures.push('search as you type left the address as it was');
  await page.screenshot({ path: `${artefacts}/zoeken-tijdens-typen.png`, fullPage: true });

  step = 'answer, react and accept';
  await page.goto(origin + '/zoeken?q=verzuim+jeugdconsulenten');
  await Promise.all([page.waitForURL(/\/bericht\//), page.locator(`ol.results a[href="${entry}"]`).click()]);
  const question = page.url();
  await page.locator('#antwoord').fill('Wij werken met vaste maatjes en een open spreekuur.');
  await Promise.all([page.waitForURL(question), page.locator('form[action$="/antwoord"] button').click()]);
  if (!(await page.content()).includes('vaste maatjes')) failures.push('the answer is not shown');
  await page.locator('#oordeel-nuttig').check();
  await Promise.all([page.waitForURL(question), page.locator('form[action$="/reactie"] button').click()]);
  const accept = page.locator('form[action$="/accepteren"] button').first();
  await Promise.all([page.waitForURL(question), accept.click()]);
  if ((await page.locator('.answer--accepted').count()) !== 1) failures.push('no accepted answer shown');
  await page.screenshot({ path: `${artefacts}/geaccepteerd.png`, fullPage: true });

  step = 'a story with a phone number';
  await page.goto(origin + '/schrijven');
  await page.locator('#soort-praktijkverhaal').check();
  await page.locator('#titel').fill('Spreekuur voor nieuwe consulenten');
  const phoneText = 'Bel het team op 06-12345678 voor het rooster.';
  await page.locator('#tekst').fill(phoneText);
  await page.locator('#situatie').fill('Nieuwe consulenten vielen vaak uit.');
  await page.locator('form.form button[type=submit]').click();
  await page.locator('#bevestigd').waitFor();
  if ((await page.locator('#tekst').inputValue()) !== phoneText) failures.push('the story text was not kept while asking');
  await page.screenshot({ path: `${artefacts}/telefoonnummer-gevraagd.png`, fullPage: true });
  await page.locator('#bevestigd').check();
  await Promise.all([page.waitForURL(/\/bericht\//), page.locator('form.form button[type=submit]').click()]);
  const story = page.url();

  step = 'a story with a BSN';
  await page.goto(origin + '/schrijven');
  await page.locator('#titel').fill('Een casus');
  const bsnText = 'De cliënt met BSN 111222333 kreeg hulp.';
  await page.locator('#tekst').fill(bsnText);
  await page.locator('form.form button[type=submit]').click();
  await page.locator('.alert--error').waitFor();
  if ((await page.locator('#tekst').inputValue()) !== bsnText) failures.push('the text with a BSN was not kept');
  if ((await page.locator('#bevestigd').count()) !== 0) failures.push('a BSN could be confirmed');
  await page.screenshot({ path: `${artefacts}/bsn-geblokkeerd.png`, fullPage: true });

  step = 'retract';
  await page.goto(story);
  await Promise.all([page.waitForURL(/\/intrekken$/), page.locator('a[href$="/intrekken"]').first().click()]);
  await page.locator('#reden').fill('Het rooster is veranderd.');
  await Promise.all([page.waitForURL(story), page.locator('form[action$="/intrekken"] button').click()]);
  if ((await page.content()).includes(phoneText)) failures.push('the retracted story still shows its text');

  step = 'a new entry noticed live';
  const front = await context.newPage();
  await front.goto(origin + '/');
  if (remoteTitle && !(await front.content()).includes(remoteTitle)) failures.push('the entry from the second node is not on the front page');
  await page.goto(origin + '/schrijven');
  await page.locator('#titel').fill('Inwerkweek voor inkopers');
  await page.locator('#tekst').fill('Nieuwe inkopers lopen een week mee met het contractbeheer.');
  await Promise.all([page.waitForURL(/\/bericht\//), page.locator('form.form button[type=submit]').click()]);
  await front.locator('#nieuw a', { hasText: 'Inwerkweek voor inkopers' }).waitFor({ timeout: 15000 });
  await front.screenshot({ path: `${artefacts}/nieuw-bericht.png`, fullPage: true });

  step = 'the first render in a cold browser';
  const cold = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run'] });
  try {
    const fresh = await cold.newContext({ locale: 'nl-NL' });
    await fresh.addCookies(await context.cookies());
    const first = await fresh.newPage();
    await first.goto(origin + '/zoeken?q=verzuim', { waitUntil: 'load' });
    firstRender = await first.evaluate(() => new Promise((resolve) => {
      // The paint entry may come after the load event on a busy machine: waited for.
      let given = false;
      const done = (fcp) => {
        if (given) return;
        given = true;
        const nav = performance.getEntriesByType('navigation')[0];
        const bytes = performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, nav.transferSize);
        resolve({ page: '/zoeken?q=verzuim', ttfb_ms: Math.round(nav.responseStart),
                  first_contentful_paint_ms: fcp === null ? null : Math.round(fcp),
                  dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
                  load_ms: Math.round(nav.loadEventEnd), transferred_bytes: bytes });
      };
      new PerformanceObserver((list) => {
        const paint = list.getEntriesByName('first-contentful-paint')[0];
        if (paint) done(paint.startTime);
      }).observe({ type: 'paint', buffered: true });
      setTimeout(() => done(null), 5000);
    }));
    writeFileSync(`${artefacts}/first-render.json`, JSON.stringify(firstRender, null, 2));
  } finally {
    await cold.close();
  }
} catch (e) {
  failures.push(`the walk stopped at ${step}: ${e.message.split('\n')[0]}`);
  const open = browser.contexts()[0]?.pages()[0];
  if (open) await open.screenshot({ path: `${artefacts}/stopped.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify({ checked, failures, firstRender }));
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
