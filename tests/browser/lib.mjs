// What the browser tests share: TAP-like checks ("ok - ..." / "not ok -
// ...", counted by tests/run.sh) and Debian's Chromium started the same
// way for each.
import { chromium } from 'playwright-core';

let failures = 0;
export const check = (desc, cond) => {
  console.log(`${cond ? 'ok' : 'not ok'} - ${desc}`);
  if (!cond) failures++;
};
export const failed = () => failures;

export const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: 20000,
});
