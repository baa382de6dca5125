// Browser test of the paged form that phones get: Debian's Chromium as an
// iPhone (its user agent, a 390-pixel screen, touch) pages through the
// staff questionnaire one group at a time with "第3页，共9页" progress; in
// the middle the tab is closed and the invitation link opened again: the
// draft kept in localStorage brings back every answer and the page it was
// on; the form is finished, submitted, and the draft is gone.  Then the
// same with JavaScript switched off: the answers of earlier pages travel
// in the form itself.
//
//   node phone.mjs URL CODE_WITH_SCRIPT CODE_WITHOUT_SCRIPT SHOT_DIR
// Prints one "ok - ..." / "not ok - ..." line per check.
import { join } from 'node:path';
import { check, failed, launch } from './lib.mjs';

const [url, code1, code2, shots] = process.argv.slice(2);
const iphone = {
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  locale: 'zh-CN',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 ' +
             '(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
};

// Answers every question on the page shown: a Likert row's fourth choice
// (yes/no: the second), a drop-down's first, a text "好".
async function answerPage(page) {
  for (const name of await page.$$eval('.likert, .opts', (rows) =>
    rows.map((r) => r.querySelector('input').name.slice(2)))) {
    const n = await page.$$eval(`input[name="q_${name}"]`, (l) => l.length);
    await page.tap(`label[for="f-${name}-${n === 2 ? 1 : Math.min(3, n - 1)}"]`);
  }
  // (a question the live script hides as not relevant is left alone)
  for (const id of await page.$$eval('textarea', (l) =>
    l.filter((e) => e.offsetParent !== null).map((e) => e.id)))
    await page.fill('#' + id, '好');
}

const progress = async (page) => (await page.textContent('#progress')).trim();
// each page is the answer to a POST to /submit: wait for that navigation
const go = async (page, button) => Promise.all([page.waitForNavigation(), page.tap(button)]);
const next = async (page) => go(page, '#next');

const browser = await launch();
try {
  // ---- with the script: pages, a closed tab, the draft ----
  const ctx = await browser.newContext(iphone);
  let page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + '/?code=' + code1);
  const first = await progress(page);
  check(`a phone gets the first page, with progress (${first})`, /^第1页，共\d+页$/.test(first));
  const total = Number(first.match(/共(\d+)页/)[1]);
  check('the unit from the invitation is on the first page',
        (await page.textContent('#q-unit')).includes('市委政策研究室'));
  check('no submit button before the last page', (await page.$('#send')) === null);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`no sideways scrolling (page is ${width}px)`, width <= 390);
  await page.screenshot({ path: join(shots, 'paged-1.png'), fullPage: true });
  await answerPage(page);
  await next(page);
  check('Next: page 2', (await progress(page)) === `第2页，共${total}页`);
  await answerPage(page);
  await next(page);
  check('page 3', (await progress(page)) === `第3页，共${total}页`);
  await answerPage(page);
  const picked = await page.$eval('.likert input', (e) => e.name);
  await page.screenshot({ path: join(shots, 'paged-3.png'), fullPage: true });

  // the tab is closed before "Next"; the link is opened again later
  await page.close();
  page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + '/?code=' + code1);
  await page.waitForSelector('#progress');
  await page.waitForFunction((t) => document.querySelector('#progress').textContent.trim() === t,
                             `第3页，共${total}页`);
  check('reopened: back on page 3, where the draft was', (await progress(page)) === `第3页，共${total}页`);
  check('with the answers given there', await page.$eval(`input[name="${picked}"]:checked`, () => true)
        .catch(() => false));
  await go(page, '#prev');
  check('Previous: page 2 with its answers from the draft',
        (await progress(page)) === `第2页，共${total}页` &&
        (await page.$$eval('.likert input:checked', (l) => l.length)) > 0);
  await next(page);
  for (let k = 3; k < total; k++) {
    await answerPage(page);
    await next(page);
  }
  check(`the last page (${total}) submits`, (await page.$('#send')) !== null);
  await answerPage(page);
  await page.screenshot({ path: join(shots, 'paged-last.png'), fullPage: true });
  await go(page, '#send');
  check('submitted: the thank-you page', (await page.textContent('#thanks h1')) === '提交成功，谢谢您！');
  const left = await page.evaluate((c) => localStorage.getItem('gapsurvey-draft:' + c), code1);
  check('the draft is deleted on submission', left === null);
  check('no script error', errors.length === 0);
  await ctx.close();

  // ---- without the script ----
  const off = await browser.newContext({ ...iphone, javaScriptEnabled: false });
  const p2 = await off.newPage();
  p2.setDefaultTimeout(10000);
  await p2.goto(url + '/?code=' + code2);
  check('without script: paged too', (await progress(p2)) === `第1页，共${total}页`);
  await answerPage(p2);
  await next(p2);
  await answerPage(p2);
  await go(p2, '#prev');
  check('without script: Previous keeps page 1\'s answers (they travel in the form)',
        (await progress(p2)) === `第1页，共${total}页` &&
        (await p2.$$eval('.opts input:checked, .likert input:checked', (l) => l.length)) > 0);
  await next(p2);
  for (let k = 2; k < total; k++) {
    await answerPage(p2);
    await next(p2);
  }
  await answerPage(p2);
  await go(p2, '#send');
  check('without script: submitted', (await p2.textContent('#thanks h1')) === '提交成功，谢谢您！');
  await off.close();
} catch (e) {
  check(`browser run: ${e.message.split('\n')[0]}`, false);
} finally {
  await browser.close();
}
process.exit(failed() ? 1 : 0);
