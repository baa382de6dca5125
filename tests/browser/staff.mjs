// Browser test of `gapsurvey serve`: Debian's Chromium, driven by
// playwright-core, does what a member of staff does — opens the code page,
// types the code from the slip, fills in the whole staff questionnaire on a
// desktop screen, submits and sees the thank-you page — and the same on a
// phone-sized screen with the self-assessment form, where a value outside
// its constraint must come back with the error beside the item and every
// other answer kept.  The optional live script is checked too: a question
// whose `relevant` is false is hidden and reappears when it becomes true.
//
//   node staff.mjs URL STAFF_CODE SELF_CODE SHOT_DIR
// Prints one "ok - ..." / "not ok - ..." line per check (TAP-like, counted
// by tests/run.sh) and writes screenshots into SHOT_DIR.
import { join } from 'node:path';
import { check, failed, launch } from './lib.mjs';

const [url, staffCode, selfCode, shots] = process.argv.slice(2);

const browser = await launch();
try {
  // ---- desktop, English, the staff questionnaire ----
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + '/');
  check('the code page is in English (Accept-Language)',
        (await page.textContent('h1')) === 'Enter your invitation code');
  await page.screenshot({ path: join(shots, 'code-page.png'), fullPage: true });

  // a wrong code first: a clear message and the code page again
  await page.fill('#code', 'ABCD-EFGH-JKLM-NPQR');
  await Promise.all([page.waitForLoadState('load'), page.click('input[type=submit]')]);
  check('a wrong code is refused clearly', (await page.textContent('#problem')).includes('cannot be used'));
  await page.screenshot({ path: join(shots, 'unknown-code.png'), fullPage: true });

  // the real code, typed as people do: lower case, spaces instead of dashes
  await page.fill('#code', staffCode.toLowerCase().replace(/-/g, ' '));
  await Promise.all([page.waitForURL('**/'), page.click('input[type=submit]')]);
  check('the code opens the staff questionnaire, titled in English (form_title::English)',
        (await page.textContent('h1')).includes('Model Agency Staff Questionnaire'));
  check('the unit is shown from the invitation',
        (await page.textContent('#q-unit')).includes('Policy Research Office'));

  // live relevance: ef3_why only when ef3 <= 2
  check('an irrelevant question is hidden by the live script', !(await page.isVisible('#q-ef3_why')));
  await page.click('label[for="f-ef3-1"]');
  check('it appears when it becomes relevant', await page.isVisible('#q-ef3_why'));
  await page.fill('#f-ef3_why', 'The complaint window backlog');

  // answer everything: each Likert row by clicking a label, as a person would
  const likert = await page.$$eval('.likert', (rows) =>
    rows.map((r) => r.querySelector('input').name.slice(2)));
  let k = 0;
  for (const name of likert) {
    if (name === 'ef3') continue;
    const n = await page.$$eval(`input[name="q_${name}"]`, (l) => l.length);
    const pick = n === 2 ? 0 : (k++ % n);
    await page.click(`label[for="f-${name}-${pick}"]`);
  }
  await page.click('label[for="f-position-1"]');
  await page.click('label[for="f-years-2"]');
  await page.fill('#f-comment', '<script>alert("x")</script> 建议加强培训');
  const answered = await page.$$eval('input[type=radio]:checked', (l) => l.length);
  check(`every question answered (${answered} radio groups)`, answered === likert.length + 2);
  await page.screenshot({ path: join(shots, 'form-desktop.png'), fullPage: true });

  await Promise.all([page.waitForURL('**/submit'), page.click('#send')]);
  check('submitting shows the thank-you page', (await page.textContent('#thanks h1')) === 'Thank you!');
  await page.screenshot({ path: join(shots, 'thanks.png'), fullPage: true });

  await page.goto(url + '/?code=' + staffCode + '&lang=en');
  // the page of an unknown code: polling codes tells nobody which were used
  check('the code cannot be used again',
        (await page.textContent('#problem')).includes('or it has been used') &&
        (await page.$('form[action="/submit"]')) === null);
  check('no script error on any page', errors.length === 0);
  await ctx.close();

  // ---- phone, Chinese, the self-assessment with a constraint error ----
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'zh-CN',
  });
  const p2 = await phone.newPage();
  p2.setDefaultTimeout(10000);
  await p2.goto(url + '/?code=' + selfCode);
  check('the phone gets the form in Chinese', (await p2.textContent('#send')) === '提交问卷' ||
        (await p2.inputValue('#send')) === '提交问卷');
  check('the self-assessment has its own notice, not the staff promise of anonymity',
        (await p2.textContent('#self-notice')).startsWith('本问卷为单位自评') &&
        (await p2.$('#anonymous')) === null);
  check('no "questions marked *" legend: no question asked is required',
        !(await p2.textContent('.card')).includes('必答题'));
  const width = await p2.evaluate(() => document.documentElement.scrollWidth);
  check(`no sideways scrolling on a 390-pixel phone (page is ${width}px)`, width <= 390);
  const rowWidth = await p2.$eval('#q-po1 .likert', (e) => e.getBoundingClientRect().width);
  check('a Likert row fits the phone screen', rowWidth <= 390);
  await p2.screenshot({ path: join(shots, 'form-phone.png'), fullPage: false });
  const rows = await p2.$$eval('.likert', (r) => r.map((x) => x.querySelector('input').name.slice(2)));
  for (const name of rows) {
    const n = await p2.$$eval(`input[name="q_${name}"]`, (l) => l.length);
    await p2.tap(`label[for="f-${name}-${n === 2 ? 1 : 3}"]`);
  }
  for (const id of await p2.$$eval('input.t', (l) => l.map((e) => e.id))) await p2.fill('#' + id, '0');
  await p2.fill('#f-po_d1', '99');
  await p2.fill('#f-notes', '无');
  await Promise.all([p2.waitForURL('**/submit'), p2.tap('#send')]);
  check('a value outside its constraint comes back with the error beside it',
        (await p2.textContent('#e-po_d1')) === '请填写0到50之间的整数');
  check('the other answers are kept',
        (await p2.inputValue('#f-po_d2')) === '0' &&
        (await p2.isChecked('#f-po1-3')) && (await p2.inputValue('#f-notes')) === '无');
  await p2.locator('#problems').scrollIntoViewIfNeeded();
  await p2.screenshot({ path: join(shots, 'error-phone.png'), fullPage: false });
  await p2.locator('#q-po_d1').scrollIntoViewIfNeeded();
  await p2.screenshot({ path: join(shots, 'error-item-phone.png'), fullPage: false });
  await p2.fill('#f-po_d1', '1');
  await Promise.all([p2.waitForURL('**/submit'), p2.tap('#send')]);
  check('corrected, it is accepted', (await p2.textContent('#thanks h1')) === '提交成功，谢谢您！');
  await p2.screenshot({ path: join(shots, 'thanks-phone.png'), fullPage: false });
  await phone.close();
} catch (e) {
  check(`browser run: ${e.message.split('\n')[0]}`, false);
} finally {
  await browser.close();
}
process.exit(failed() ? 1 : 0);
