// Browser test of the survey console (GET /admin): Debian's Chromium signs
// in with the admin secret through the sign-in form, as an organiser does,
// and looks at the console in Chinese and in English on a desktop screen
// and on a phone: every unit in one table, a unit under five responses
// shown as "fewer than 5", the as-of time, the plain meta refresh of an
// open wave, switching to another wave and downloading the CSV.
//
//   node console.mjs URL ADMIN_SECRET OTHER_WAVE SHOT_DIR
// Prints one "ok - ..." / "not ok - ..." line per check and writes
// console-zh.png, console-en.png, console-wave.png and console-phone.png.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, failed, launch } from './lib.mjs';

const [url, secret, otherWave, shots] = process.argv.slice(2);
const browser = await launch();
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN',
                                         acceptDownloads: true });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  const resp = await page.goto(url + '/admin');
  check('the console asks for the secret first (403)', resp.status() === 403);
  await page.fill('#secret', secret);
  // the sign-in page is /admin too: wait for the console itself
  await Promise.all([page.waitForSelector('#asof'), page.click('input[type=submit]')]);
  check('signed in: the console in Chinese', (await page.textContent('h1')) === '问卷回收进度');
  check('the as-of time', (await page.textContent('#asof')).startsWith('数据截至'));
  check('an open wave refreshes itself (meta refresh, no script)',
        (await page.$('meta[http-equiv="refresh"][content="60"]')) !== null &&
        (await page.$('script')) === null);
  const units = await page.$$eval('table.adm tr td:first-child', (l) => l.length);
  check(`every unit of the units table is listed (${units})`, units === 40);
  check('the form by its title', (await page.textContent('h2')) === '模范机关创建干部职工问卷');
  const u07 = await page.$eval('table.adm tr:has(td:text-is("U07 市委政策研究室"))',
                               (tr) => [...tr.cells].map((c) => c.textContent));
  check(`U07 (3 responses) shows fewer than 5 and no rate: ${u07.join(' | ')}`,
        u07[3] === '少于5份' && u07[4] === '–' && u07[5] === '–');
  const total = await page.$eval('table.adm tr:last-child', (tr) => [...tr.cells].map((c) => c.textContent));
  check(`the total (3, U07's alone) is hidden too: ${total.join(' | ')}`,
        total[3] === '少于5份' && total[4] === '–' && total[5] === '–');
  const notStarted = await page.$$eval('table.adm tr.ns', (l) => l.length);
  check(`units not started are marked (${notStarted})`, notStarted > 30);
  await page.screenshot({ path: join(shots, 'console-zh.png'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  check(`the CSV downloads as ${download.suggestedFilename()}`,
        /^gapsurvey-console-.*\.csv$/.test(download.suggestedFilename()));
  const csvText = readFileSync(await download.path(), 'utf-8');
  check('the CSV holds the same cells', csvText.includes(',U07,市委政策研究室,38,3,少于5份,,,'));

  await Promise.all([page.waitForURL('**lang=en'), page.click('a.lang')]);
  check('in English', (await page.textContent('h1')) === 'Survey console' &&
        (await page.textContent('h2')) === 'Model Agency Staff Questionnaire');
  await page.screenshot({ path: join(shots, 'console-en.png'), fullPage: true });

  await Promise.all([page.waitForURL('**wave=**'), page.click(`#waves a:text-is("${otherWave}")`)]);
  check(`switched to wave ${otherWave}`,
        (await page.textContent('#waves strong')).startsWith(otherWave));
  await page.screenshot({ path: join(shots, 'console-wave.png'), fullPage: true });
  check('no script error', errors.length === 0);
  await ctx.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 },
                                           deviceScaleFactor: 2, isMobile: true, hasTouch: true,
                                           locale: 'zh-CN' });
  const p2 = await phone.newPage();
  await p2.goto(url + '/admin');
  await p2.fill('#secret', secret);
  await Promise.all([p2.waitForSelector('#asof'), p2.tap('input[type=submit]')]);
  const width = await p2.evaluate(() => document.documentElement.scrollWidth);
  check(`on a phone only the table scrolls sideways (page is ${width}px)`, width <= 390);
  await p2.screenshot({ path: join(shots, 'console-phone.png'), fullPage: false });
  await phone.close();
} catch (e) {
  check(`browser run: ${e.message.split('\n')[0]}`, false);
} finally {
  await browser.close();
}
process.exit(failed() ? 1 : 0);
