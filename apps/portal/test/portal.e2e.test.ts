/**
 * The portal end to end in Debian's chromium against the real CA and status service on loopback:
 * an individual walks the wizard (camera selfie and liveness on chromium's synthetic camera),
 * with a reload, browser Back and a header link on the way, every screen audited with axe-core
 * and scanned for untranslated text in Russian, Kazakh and English; the certificates are noticed
 * without a click; the two NCA-named key files made in the browser are checked on the status and
 * key check pages, and one certificate is revoked in the cabinet after its confirmation. A
 * legal-entity employee applies with a GOST key made in the browser, the first manager approves in
 * the cabinet with their GOST key file, the employee's page notices and the employee installs the
 * one GOST512 key file on the status page; first managers whose keys NCALayer holds (the
 * emulator serving their key files) log in and approve, with an RSA AUTH + SIGN pair and with one
 * GOST512 key for both; the operator decides a
 * moderated identification; the Mobile Citizens Database path; a test-mode CA; phone width. Key
 * files are opened with @kzpki/pki and their chains verified by OpenSSL (RSA) or @kzpki/pki (GOST).
 */
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devSmsOutbox, enroll } from '@kzpki/client';
import { type EmulatorEvent, type Person, startEmulator } from '@kzpki/ncalayer/emulator';
import {
  certificateToPem,
  GostPrivateKey,
  inspectCertificate,
  openPkcs12,
  parseCertificate,
  toPem,
  verifyChain,
  verifyGost,
} from '@kzpki/pki';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPortal } from '../src/index.js';
import { auditA11y, expectTranslated, writeAuditReport } from './support/audit.js';
import { hasChromium, launchChromium } from './support/browser.js';
import { operatorKeyFile } from './support/operator-key.js';
import {
  downloadKeyFiles,
  expectScreen,
  passDigitalIdPhone,
  SCREENSHOT_DIR,
  shot,
  type WizardScreen,
  walkToSubmission,
} from './support/page-helpers.js';
import { type Stack, startStack, startTestModeCa, TEST_CA_PASSPHRASE } from './support/stack.js';

const PASSWORD = 'Portal2025x';
const MANAGER_PASSWORD = 'Manager2025x';
const LANG_BUTTON = { ru: 'Русский', kk: 'Қазақша', en: 'English' } as const;
const DOCS_IMAGES = fileURLToPath(new URL('../../../docs/images/', import.meta.url));

if (!hasChromium()) {
  console.warn(
    '[portal e2e] skipped: /usr/bin/chromium is not installed (apt-get install chromium, or run .ci/run)',
  );
}

/**
 * The CA certificates the page offers beside the installed key files (`#ca-chain`), PEM by CA name:
 * the key files hold their own certificate only, as the NCA's (issue 13).
 */
async function offeredChain(page: Page): Promise<Record<string, string>> {
  const links = page.locator('#ca-chain a[data-ca]');
  await links.first().waitFor();
  const out: Record<string, string> = {};
  // Downloaded as a user would, by following each link.
  for (const link of await links.all()) {
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.(crt|cer)$/);
    out[(await link.getAttribute('data-ca')) as string] = readFileSync(await download.path(), 'utf8');
  }
  return out;
}

/** Opens both key files and checks them, and their chain with the CA files `chain` (PEM); returns the certificates. */
async function checkKeyFiles(
  files: Array<{ name: string; bytes: Uint8Array }>,
  password: string,
  expected: { iin: string; bin?: string; roles: string[] },
  chain: Record<string, string>,
) {
  expect(Object.keys(chain).sort()).toEqual(['issuing', 'root']);
  expect(files.map((f) => f.name.replace(/[0-9a-f]{40}/, '<ski>'))).toEqual([
    'AUTH_RSA256_<ski>.p12',
    'RSA256_<ski>.p12',
  ]);
  const out = [];
  for (const f of files) {
    const p12 = await openPkcs12(f.bytes, password);
    const info = inspectCertificate(p12.certificate);
    expect(info.keyPurpose).toBe(f.name.startsWith('AUTH_') ? 'auth' : 'sign');
    expect(f.name).toContain(info.subjectKeyId as string);
    expect(info.iin).toBe(expected.iin);
    expect(info.bin).toBe(expected.bin);
    for (const r of expected.roles) expect(info.roles).toContain(r);
    expect(p12.privateKey).toBeDefined();
    // As the NCA's key files: exactly one certificate, the chain is offered apart.
    expect(p12.chain).toHaveLength(0);
    out.push({ name: f.name, info, p12 });
  }
  if (hasTool('openssl')) {
    const tmp = tempDir('kzpki-portal-chain-');
    try {
      const root = tmp.write('root.pem', chain.root as string);
      const issuing = tmp.write('issuing.pem', chain.issuing as string);
      for (const { name, p12 } of out) {
        const leaf = tmp.write(`${name}.pem`, toPem(p12.certificate, 'CERTIFICATE'));
        const r = runTool('openssl', [
          'verify',
          '-x509_strict',
          '-CAfile',
          root,
          '-untrusted',
          issuing,
          leaf,
        ]);
        expect(r.stdout.trim(), r.stderr).toBe(`${leaf}: OK`);
      }
    } finally {
      tmp.dispose();
    }
  }
  return out;
}

/**
 * Checks a legal entity's one key file: `GOST512_<ski>.p12`, opened by @kzpki/pki with the
 * password, a GOST-2015-512 certificate for authentication and signing that chains to the CA's
 * GOST root (and not to its RSA root).
 */
async function checkGostKeyFile(
  files: Array<{ name: string; bytes: Uint8Array }>,
  password: string,
  caUrl: string,
  expected: { iin: string; bin: string; roles: string[] },
  offered: Record<string, string>,
): Promise<void> {
  expect(files.map((f) => f.name.replace(/[0-9a-f]{40}/, '<ski>'))).toEqual(['GOST512_<ski>.p12']);
  const file = files[0]!;
  await expect(openPkcs12(file.bytes, 'Wrong2025x')).rejects.toMatchObject({
    code: 'ERR_PKCS12_BAD_PASSWORD',
  });
  const p12 = await openPkcs12(file.bytes, password);
  expect(p12.signingKey).toBeInstanceOf(GostPrivateKey);
  const info = inspectCertificate(p12.certificate);
  expect(info.keyAlgorithm).toBe('GOST-2015-512');
  expect(info.keyPurpose).toBe('auth+sign');
  expect(file.name).toBe(`GOST512_${info.subjectKeyId}.p12`);
  expect(info.iin).toBe(expected.iin);
  expect(info.bin).toBe(expected.bin);
  for (const r of expected.roles) expect(info.roles).toContain(r);
  // The key in the file is the certified one.
  const key = p12.signingKey as GostPrivateKey;
  const data = new TextEncoder().encode('kzpki portal e2e');
  const spki = new Uint8Array(parseCertificate(p12.certificate).subjectPublicKeyInfo.toSchema().toBER(false));
  expect(verifyGost(key.signatureAlgorithm, spki, data, key.sign(data))).toBe(true);
  const list = (await (await fetch(`${caUrl}/v1/ca/certificates`)).json()) as {
    certificates: Array<{ name: string; pem: string }>;
  };
  const ca = (name: string) => list.certificates.find((c) => c.name === name)?.pem as string;
  const chained = await verifyChain({
    certificate: p12.certificate,
    intermediates: [ca('gost-issuing')],
    trustAnchors: [ca('gost-root')],
  });
  expect(chained.valid, JSON.stringify(chained)).toBe(true);
  // As the NCA's: one certificate in the file; the page offers the GOST hierarchy's issuing CA and
  // root apart.
  expect(p12.chain).toHaveLength(0);
  expect(Object.keys(offered).sort()).toEqual(['gost-issuing', 'gost-root']);
  for (const name of ['gost-issuing', 'gost-root'])
    expect(certificateToPem(offered[name] as string).trim()).toBe(certificateToPem(ca(name)).trim());
  const rsa = await verifyChain({
    certificate: p12.certificate,
    intermediates: [ca('gost-issuing')],
    trustAnchors: [ca('root')],
  });
  expect(rsa.valid).toBe(false);
}

/** Progress lines when `KZPKI_E2E_TRACE` is set (to find where a run stalls). */
function trace(what: string): void {
  const file = process.env.KZPKI_E2E_TRACE;
  if (file) appendFileSync(file, `[e2e ${new Date().toISOString().slice(11, 23)}] ${what}\n`);
}

/** Switches the portal's language with its own buttons. */
async function setLang(page: Page, lang: keyof typeof LANG_BUTTON): Promise<void> {
  await page.getByRole('button', { name: LANG_BUTTON[lang] }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
}

/**
 * Audits the screen with axe-core and scans its text in each of `langs` (switching with the
 * portal's buttons), then returns to Russian.
 */
async function checkEveryLanguage(
  page: Page,
  label: string,
  langs: ReadonlyArray<'ru' | 'kk' | 'en'> = ['ru', 'kk', 'en'],
  axeIn: ReadonlyArray<'ru' | 'kk' | 'en'> = langs,
): Promise<void> {
  for (const lang of langs) {
    trace(`${label} ${lang}: switch`);
    await setLang(page, lang);
    trace(`${label} ${lang}: scan`);
    await expectTranslated(page, lang, label);
    trace(`${label} ${lang}: axe`);
    if (axeIn.includes(lang)) await auditA11y(page, `${label} (${lang})`);
  }
  await setLang(page, 'ru');
}

/** What has keyboard focus: its id, or `body`. */
const focusedId = (page: Page): Promise<string> =>
  page.evaluate(() =>
    document.activeElement === document.body ? 'body' : (document.activeElement?.id ?? '?'),
  );

/** Number of visible alerts. */
const alerts = (page: Page): Promise<number> => page.getByRole('alert').count();

describe.skipIf(!hasChromium())('portal in chromium', () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let pages: Page[] = [];

  async function newPage(viewport = { width: 1280, height: 900 }, camera = true, url = '/'): Promise<Page> {
    const context = await browser.newContext({
      acceptDownloads: true,
      locale: 'ru-RU',
      viewport,
      permissions: ['camera'],
    });
    // A computer without a camera: the media devices API is absent.
    if (!camera)
      await context.addInitScript(() =>
        Object.defineProperty(navigator, 'mediaDevices', { value: undefined }),
      );
    contexts.push(context);
    const page = await context.newPage();
    pages.push(page);
    page.on('pageerror', (e) => console.error('[browser]', e));
    await page.goto(`${url.startsWith('http') ? '' : stack.portal.url}${url}`);
    return page;
  }

  beforeAll(async () => {
    const dir = inject('portalBuildDir');
    [stack, browser] = await Promise.all([startStack(dir), launchChromium()]);
  });

  // What each page of a failed test showed, for the report.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      let n = 0;
      for (const p of pages)
        if (!p.isClosed()) await shot(p, `failed-${ctx.task.name.slice(0, 24)}-${++n}`).catch(() => {});
    }
    pages = [];
  });

  afterAll(async () => {
    writeAuditReport();
    for (const c of contexts) await c.close();
    await browser?.close();
    await stack?.stop();
  });

  it(
    'individual: every screen in three languages, reload, Back, leaving, automatic issuance, revocation with confirmation',
    {
      timeout: 600_000,
    },
    async () => {
      const page = await newPage();
      await expectScreen(page, 'Национальный удостоверяющий центр (тестовый)');
      await shot(page, 'individual-00-home');
      await checkEveryLanguage(page, 'home');

      const check = (screen: WizardScreen) => checkEveryLanguage(page, `wizard ${screen}`);
      let beforeUnload = 0;
      page.on('dialog', (d) => {
        if (d.type() === 'beforeunload') beforeUnload++;
        void d.accept();
      });
      const number = await walkToSubmission(page, {
        caUrl: stack.ca.url,
        kind: 'individual',
        iin: '850315300128',
        camera: true,
        email: 'a.akhmetov@example.kz',
        prefix: 'individual',
        check,
        at: {
          start: async () => {
            // No jargon where the applicant decides to start.
            expect(await page.locator('main').innerText()).not.toMatch(/WebCrypto|NCALayer/);
            await page.getByText('Ключи будут созданы прямо в этом браузере').waitFor();
          },
          otp: async () => {
            // A short code is said once, at the field (no alert beside it).
            await page.getByLabel('Введите одноразовый пароль').fill('123');
            await page.getByRole('button', { name: 'Проверить одноразовый пароль' }).click();
            await page
              .locator('#otp-code-error')
              .filter({ hasText: 'Одноразовый пароль состоит из 6 цифр' })
              .waitFor();
            expect(await alerts(page)).toBe(0);
            expect(await focusedId(page)).toBe('otp-code');
            // Back is a step back: the start screen with the IIN kept; Forward returns to the code.
            await page.evaluate(() => history.back());
            await expectScreen(page, 'Получение электронной цифровой подписи удаленно');
            expect(await page.getByLabel('Введите ИИН').inputValue()).toBe('850315300128');
            await page.evaluate(() => history.forward());
            await expectScreen(page, 'Одноразовый пароль');
            // A reload keeps the code screen and its countdown (not a new code, not 90 s again).
            const before = Number((await page.locator('.countdown').textContent())?.match(/\d+/)?.[0]);
            await page.waitForTimeout(2_000);
            await page.reload();
            await expectScreen(page, 'Одноразовый пароль');
            const after = Number((await page.locator('.countdown').textContent())?.match(/\d+/)?.[0]);
            expect(after).toBeLessThan(before);
            const sms = (await devSmsOutbox(stack.ca.url).messages({ iin: '850315300128' })).filter(
              (m) => m.kind === 'otp',
            );
            expect(sms).toHaveLength(1);
          },
          pin: async () => {
            // Back goes to the previous Digital ID screen, Forward to this one again.
            await page.evaluate(() => history.back());
            await expectScreen(page, 'Видео-идентификация');
            await page.evaluate(() => history.forward());
            await expectScreen(page, 'Задайте PIN-код');
          },
          consent: async () => {
            // A reload mid-way (the browser warns first) continues at this step.
            await page.reload();
            await expectScreen(page, 'Запрос доступа');
            await page.getByText('Продолжаем Вашу заявку: шаг «Запрос доступа».').waitFor();
            expect(beforeUnload).toBeGreaterThan(0);
            // Back cannot return to the finished identification: said, and the screen stays.
            await page.evaluate(() => history.back());
            await page.getByText(/уже пройден, вернуться к нему нельзя/).waitFor();
            await page.locator('main h1').filter({ hasText: 'Запрос доступа' }).waitFor();
            // A wrong PIN is said once, with the attempts left, and no format error beside it.
            const pin = page.getByLabel('Для предоставления доступа введите PIN-код от вашего Digital ID');
            await pin.fill('9182');
            await page.getByRole('button', { name: 'Продолжить' }).click();
            await page
              .getByRole('alert')
              .filter({ hasText: /^Неверный PIN-код\. Осталось попыток: \d$/ })
              .waitFor();
            expect(await page.locator('#consent-pin-error').count()).toBe(0);
            expect(await alerts(page)).toBe(1);
            expect(await focusedId(page)).toBe('consent-pin');
          },
          'application-form': async () => {
            // A header link mid-way asks first; "Остаться" keeps the form.
            await page.getByRole('navigation').getByRole('link', { name: 'Проверка статуса заявки' }).click();
            const dialog = page.getByRole('dialog', { name: 'Уйти со страницы?' });
            await dialog.waitFor();
            await auditA11y(page, 'leave dialog (ru)');
            await dialog.getByRole('button', { name: 'Остаться' }).click();
            await page.locator('main h1').filter({ hasText: 'Данные онлайн заявки:' }).waitFor();
            expect(await dialog.count()).toBe(0);
            expect(await page.evaluate(() => location.hash)).toBe('#/obtain');
          },
        },
      });
      // The certificates are noticed without pressing "Обновить": the password form appears.
      await page.getByRole('heading', { name: 'Придумайте и введите пароль на Ваши ключи ЭЦП' }).waitFor({
        timeout: 30_000,
      });
      await page.getByText('Совместимый с НУЦ РК (рекомендуется)').waitFor();
      await checkEveryLanguage(page, 'installation');
      const files = await downloadKeyFiles(page, PASSWORD, 'individual-14-password');
      await shot(page, 'individual-15-done');
      const [auth, sign] = await checkKeyFiles(
        files,
        PASSWORD,
        { iin: '850315300128', roles: ['individual'] },
        await offeredChain(page),
      );
      expect(auth?.info.email).toBe('a.akhmetov@example.kz');

      // The application is now "Сертификаты установлены"; the status is said once, keyboard on it.
      await page.goto(`${stack.portal.url}/#/status`);
      await expectScreen(page, 'Проверка статуса заявки');
      await page.getByLabel('Номер заявки').fill(number);
      await page.getByRole('button', { name: 'Искать' }).click();
      await page.getByRole('table').getByText('Сертификаты установлены').waitFor();
      await expect.poll(() => focusedId(page)).toBe('status-current');
      expect(await page.getByText('Статус заявки:', { exact: true }).count()).toBe(1);
      expect(await page.locator('.status-table tbody tr').count()).toBeGreaterThanOrEqual(4);
      await shot(page, 'individual-16-status');
      await checkEveryLanguage(page, 'status');

      // Key check of the SIGN key file: chain valid, status good, roles in words, keyboard on the result.
      await page.goto(`${stack.portal.url}/#/key-check`);
      await expectScreen(page, 'Проверка ключа ЭЦП');
      const signFile = files.find((f) => f.name.startsWith('RSA256_'))!;
      await page.getByLabel('Файл ключа или сертификата').setInputFiles({
        name: signFile.name,
        mimeType: 'application/x-pkcs12',
        buffer: Buffer.from(signFile.bytes),
      });
      await page.getByLabel('Пароль к файлу ключа').fill(PASSWORD);
      await page.getByRole('button', { name: 'Проверить' }).click();
      await page.locator('[data-revocation="good"]').waitFor();
      await expect.poll(() => focusedId(page)).toBe('kc-result');
      await expect.poll(() => page.locator('[data-field="chain"] dd').textContent()).toMatch(/действительна/);
      await expect
        .poll(() => page.locator('[data-field="key-file"] dd').textContent())
        .toMatch(/соответствует/);
      await expect.poll(() => page.locator('[data-field="iin"] dd').textContent()).toBe('850315300128');
      await expect.poll(() => page.locator('[data-field="roles"] dd').textContent()).toBe('Физическое лицо');
      await shot(page, 'individual-17-key-check');
      await checkEveryLanguage(page, 'key check');

      // Cabinet: a wrong password keeps the keyboard on "Войти"; the right one moves it to the holder.
      await page.goto(`${stack.portal.url}/#/cabinet`);
      await expectScreen(page, 'Личный кабинет');
      await checkEveryLanguage(page, 'cabinet login');
      const authFile = files.find((f) => f.name.startsWith('AUTH_'))!;
      await page.getByLabel('Файл ключа AUTH').setInputFiles({
        name: authFile.name,
        mimeType: 'application/x-pkcs12',
        buffer: Buffer.from(authFile.bytes),
      });
      await page.locator('#cabinet-login-password').fill('wrong-password1');
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByRole('alert').filter({ hasText: 'Неверный пароль к файлу ключа' }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Войти');
      await page.locator('#cabinet-login-password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.locator('#holder-name').filter({ hasText: 'АХМЕТОВ АЙДАР' }).waitFor();
      await expect.poll(() => focusedId(page)).toBe('holder-title');
      await expect.poll(() => page.locator('#holder-roles').textContent()).toBe('Физическое лицо');

      // Each row says what the certificate is for, which file holds it, its serial and whose it is.
      const signSerial = sign?.info.serialNumber as string;
      const row = page.locator(`tr[data-serial="${signSerial}"]`);
      await row.waitFor();
      const rowText = await row.innerText();
      expect(rowText).toContain('Подпись (SIGN)');
      expect(rowText).toContain(sign?.name as string);
      expect(rowText).toContain(signSerial);
      expect(rowText).toContain('АХМЕТОВ АЙДАР');
      expect(rowText).not.toMatch(/SERIALNUMBER=|CN=/);
      // The actions column is not clipped at 1280 px.
      for (const button of await page.locator('table.certs button').all()) {
        const box = await button.boundingBox();
        const wrap = await page.locator('.table-wrap').first().boundingBox();
        expect(box && wrap && box.x + box.width <= wrap.x + wrap.width + 0.5).toBe(true);
        expect(box && box.x + box.width <= 1280).toBe(true);
      }
      await shot(page, 'individual-18-cabinet');
      await checkEveryLanguage(page, 'cabinet');

      // Revocation asks first, naming the certificate and the consequence; "Отмена" changes nothing.
      await row.getByRole('button', { name: /Отозвать/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Отозвать сертификат?' });
      await dialog.waitFor();
      await dialog
        .getByText(/Отзыв необратим\. Ключом подписи \(SIGN\) больше нельзя будет подписывать/)
        .waitFor();
      expect(await dialog.innerText()).toContain(sign?.name as string);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Отмена');
      await auditA11y(page, 'revocation dialog (ru)');
      await dialog.getByRole('button', { name: 'Отмена' }).click();
      // The dialog in the other languages (the page behind a modal dialog is inert: switch first).
      for (const lang of ['kk', 'en'] as const) {
        await setLang(page, lang);
        await row.locator('button').first().click();
        const open = page.getByRole('dialog');
        await open.waitFor();
        await expectTranslated(page, lang, 'revocation dialog');
        await auditA11y(page, `revocation dialog (${lang})`);
        await page.keyboard.press('Escape');
        await expect.poll(() => open.count()).toBe(0);
      }
      await setLang(page, 'ru');
      await expect.poll(() => row.getAttribute('data-status')).toBe('good');
      await row.getByRole('button', { name: /Отозвать/ }).click();
      await dialog.getByLabel('Причина отзыва').selectOption('keyCompromise');
      await dialog.getByRole('button', { name: 'Отозвать сертификат' }).click();
      await page.locator(`tr[data-serial="${signSerial}"][data-status="revoked"]`).waitFor();
      await expect.poll(() => focusedId(page)).toBe('certs-notice');

      // At phone width the rows stack and the remaining action fits the screen.
      await page.setViewportSize({ width: 390, height: 844 });
      const authRow = page.locator(`tr[data-serial="${auth?.info.serialNumber}"]`);
      const box = await authRow.getByRole('button', { name: /Отозвать/ }).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(page, 'individual-19-cabinet-phone');
      await page.setViewportSize({ width: 1280, height: 900 });

      // The status service reports the revocation at once.
      await page.goto(`${stack.portal.url}/#/key-check`);
      await page.getByLabel('Файл ключа или сертификата').setInputFiles({
        name: 'sign.pem',
        mimeType: 'application/x-pem-file',
        buffer: Buffer.from(toPem(sign?.p12.certificate as Uint8Array, 'CERTIFICATE')),
      });
      await page.getByRole('button', { name: 'Проверить' }).click();
      await page.locator('[data-revocation="revoked"]').waitFor();
      await shot(page, 'individual-20-key-check-revoked');
    },
  );

  it(
    'legal entity: employee applies with a GOST key, the manager approves, the employee page notices, installs GOST512 on the status page',
    {
      timeout: 600_000,
    },
    async () => {
      // The first manager obtained a key earlier with @kzpki/client (as `kzpki enroll` does): one
      // NCA-style legacy GOST512 key file, which the cabinet then opens in the browser.
      const enrolled = await enroll({
        caUrl: stack.ca.url,
        template: 'first-manager',
        iin: '780203403451',
        bin: '150440000013',
        password: MANAGER_PASSWORD,
        otp: devSmsOutbox(stack.ca.url).otp,
      });
      expect(enrolled.status).toBe('installed');
      expect(enrolled.keyFiles.map((f) => f.purpose)).toEqual(['auth+sign']);
      const managerFile = enrolled.keyFiles[0]!;
      expect(managerFile.fileName).toMatch(/^GOST512_[0-9a-f]{40}\.p12$/);
      const managerUpload = {
        name: managerFile.fileName,
        mimeType: 'application/x-pkcs12',
        buffer: Buffer.from(managerFile.bytes),
      };

      const employee = await newPage(undefined, false);
      const number = await walkToSubmission(employee, {
        caUrl: stack.ca.url,
        kind: 'legal-entity',
        templateTitle: 'Сотрудник организации',
        iin: '911212307895',
        bin: '150440000013',
        camera: false,
        prefix: 'employee',
        // The screens without a camera, scanned in Kazakh and English, audited in Kazakh.
        check: (screen) => checkEveryLanguage(employee, `wizard ${screen} (no camera)`, ['kk', 'en'], ['kk']),
        at: {
          start: async () => {
            // Without a camera the sidebar does not say that one is required.
            await employee.getByText('Веб-камера желательна').waitFor();
          },
          selfie: async () => {
            const text = await employee.locator('main').innerText();
            expect(text).not.toMatch(/иконку фотоснимка/);
            await employee.getByText('Загрузите фотографию лица').first().waitFor();
          },
          liveness: async () => {
            expect(await employee.locator('main').innerText()).not.toMatch(/поверните голову/);
          },
        },
      });
      await employee.getByText('Ожидание подтверждения первого руководителя').first().waitFor();
      await employee.getByText(/1 шаг: Обратиться к первому руководителю/).waitFor();
      // Who approves, as the CA enforces it: the first manager or the person acting for them with signing right.
      await employee
        .getByText(
          'Заявка ожидает подтверждения первого руководителя организации или лица, исполняющего его обязанности, с правом подписи.',
        )
        .waitFor();
      if (process.env.KZPKI_PORTAL_DOCS_IMAGES) {
        mkdirSync(DOCS_IMAGES, { recursive: true });
        copyFileSync(
          `${SCREENSHOT_DIR}/employee-11-submitted.png`,
          `${DOCS_IMAGES}/portal-application-number.png`,
        );
      }
      // "Обновить" before the approval: the keyboard stays on it and the page says nothing changed.
      const refresh = employee.getByRole('button', { name: 'Обновить' });
      await refresh.click();
      await employee.getByText('Статус заявки не изменился.').waitFor();
      expect(await employee.evaluate(() => document.activeElement?.textContent)).toBe('Обновить');

      // The first manager, on their own computer (another browser profile).
      const cabinet = await newPage();
      await cabinet.goto(`${stack.portal.url}/#/cabinet`);
      await expectScreen(cabinet, 'Личный кабинет');
      // The GOST key file logs in (it is for authentication and signing).
      await cabinet.getByLabel('Файл ключа AUTH').setInputFiles(managerUpload);
      await cabinet.locator('#cabinet-login-password').fill(MANAGER_PASSWORD);
      await cabinet.getByRole('button', { name: 'Войти' }).click();
      await cabinet.locator('#holder-name').filter({ hasText: 'САРСЕНОВА ДИНАРА' }).waitFor();
      await expect
        .poll(() => cabinet.locator('#holder-roles').textContent())
        .toBe('Юридическое лицо, Первый руководитель');
      const card = cabinet.locator(`li[data-application="${number}"]`);
      await card.waitFor();
      await expect.poll(() => card.textContent()).toMatch(/НУРЛАНОВ ДАНИЯР АСКАРОВИЧ/);
      // The employee's request: one GOST key for authentication and signing.
      expect(await card.textContent()).toContain('Аутентификация и подпись, ГОСТ Р 34.10-2015, 512 бит');
      // Approving needs the signing key; without it the cabinet says so.
      await card.getByRole('button', { name: `Подтвердить ${number}` }).click();
      await cabinet.getByRole('alert').filter({ hasText: 'Сначала загрузите ключ подписи' }).waitFor();
      // The same GOST file signs (the NCALayer test below has an AUTH file refused as a SIGN key).
      await cabinet.getByLabel('Файл ключа SIGN').setInputFiles(managerUpload);
      await cabinet.locator('#sign-key-password').fill(MANAGER_PASSWORD);
      await cabinet.getByRole('button', { name: 'Загрузить ключ подписи' }).click();
      await cabinet.getByText(`Ключ подписи загружен: ${managerFile.fileName}`).waitFor();
      await expect.poll(() => focusedId(cabinet)).toBe('sign-key-loaded');
      await shot(cabinet, 'manager-01-pending');
      if (process.env.KZPKI_PORTAL_DOCS_IMAGES)
        copyFileSync(
          `${SCREENSHOT_DIR}/manager-01-pending.png`,
          `${DOCS_IMAGES}/portal-cabinet-approval.png`,
        );
      await checkEveryLanguage(cabinet, 'cabinet with a pending application');
      await card.getByRole('button', { name: `Подтвердить ${number}` }).click();
      await cabinet.getByText(`Заявка ${number} подтверждена`).waitFor();
      await cabinet.getByText('Нет заявок, ожидающих подтверждения').waitFor();
      // One GOST certificate, for authentication and signing; its row names the organisation in
      // words and the file this browser opened.
      expect(await cabinet.locator('table.certs tbody tr').count()).toBe(1);
      const certsText = await cabinet.locator('table.certs').innerText();
      expect(certsText).toContain('ТОО «KZPKI ДЕМО»');
      expect(certsText).toContain(managerFile.fileName);
      expect(certsText).toContain('Аутентификация и подпись');
      await shot(cabinet, 'manager-02-approved');

      // The employee's page notices the approval and the issuance by itself.
      await employee
        .getByRole('heading', { name: 'Придумайте и введите пароль на Ваши ключи ЭЦП' })
        .waitFor({ timeout: 60_000 });

      // The status page: the status once at the top, the installation right under it (above the
      // table of status changes), the keys found in this browser.
      await employee.goto(`${stack.portal.url}/#/status/${number}`);
      await expectScreen(employee, 'Проверка статуса заявки');
      await employee.getByRole('table').getByText('Заявка подтверждена первым руководителем').waitFor();
      const form = employee.getByRole('heading', { name: 'Придумайте и введите пароль на Ваши ключи ЭЦП' });
      await form.waitFor();
      expect(await employee.locator('.current-status').count()).toBe(1);
      const formY = (await form.boundingBox())?.y ?? Number.POSITIVE_INFINITY;
      const tableY = (await employee.locator('.status-table').boundingBox())?.y ?? 0;
      expect(formY).toBeLessThan(tableY);
      const files = await downloadKeyFiles(employee, PASSWORD, 'employee-12-status-install', 1);
      await employee.getByRole('table').getByText('Сертификаты установлены').waitFor();
      await expect
        .poll(() => employee.locator('#status-current').textContent())
        .toMatch(/Сертификаты установлены/);
      // The one key file, named as the NCA names it and said to be for authentication and signing.
      const listed = employee.locator('ul.files:not(#ca-chain) li');
      expect(await listed.count()).toBe(1);
      expect(await listed.innerText()).toMatch(
        /^Ключ аутентификации и подписи \(ГОСТ\): GOST512_[0-9a-f]{40}\.p12$/,
      );
      await shot(employee, 'employee-13-installed');
      await checkEveryLanguage(employee, 'status page, GOST key installed', ['kk', 'en'], []);
      await checkGostKeyFile(
        files,
        PASSWORD,
        stack.ca.url,
        { iin: '911212307895', bin: '150440000013', roles: ['legal-entity', 'employee'] },
        await offeredChain(employee),
      );
    },
  );

  /**
   * The NCALayer stage of the two NCALayer walks: the first manager's key files in the folder the
   * emulated NCALayer serves (`--keys DIR`), a person at NCALayer who picks the file the test names
   * (`pick`), a portal whose pages look for NCALayer where the emulator listens (config.json), and
   * an employee's application of the manager's organisation waiting for approval, made through
   * the API, which installs its certificates once approved. `run` drives the cabinet; afterwards the
   * employee's application is checked installed, and everything is closed.
   */
  async function withNcaLayer(
    managerFiles: ReadonlyArray<{ fileName: string; bytes: Uint8Array }>,
    employeeOf: { template: 'employee' | 'treasury'; iin: string; bin: string },
    run: (stage: {
      page: Page;
      number: string;
      pick: (fileName: string) => void;
      events: EmulatorEvent[];
    }) => Promise<void>,
  ): Promise<void> {
    const keysDir = mkdtempSync(join(tmpdir(), 'kzpki-portal-ncalayer-'));
    for (const f of managerFiles) writeFileSync(join(keysDir, f.fileName), f.bytes, { mode: 0o600 });
    let picked = '';
    const person: Person = {
      async choose(prompt) {
        const chosen = prompt.files.find((f) => f.name === picked);
        return chosen ? { action: 'choose', file: chosen, password: MANAGER_PASSWORD } : { action: 'cancel' };
      },
      async retryPassword() {
        return undefined;
      },
    };
    const events: EmulatorEvent[] = [];
    const emulator = await startEmulator({
      keysDir,
      person,
      tls: false,
      port: 0,
      onEvent: (e) => events.push(e),
    });
    const portal = await startPortal({
      caUrl: stack.ca.url,
      statusUrl: stack.statusUrl,
      staticDir: inject('portalBuildDir'),
      config: { ncalayerUrl: emulator.url },
    });
    let employee: ReturnType<typeof enroll> | undefined;
    try {
      let awaiting!: (n: string) => void;
      const numberKnown = new Promise<string>((r) => {
        awaiting = r;
      });
      employee = enroll({
        caUrl: stack.ca.url,
        ...employeeOf,
        password: PASSWORD,
        otp: devSmsOutbox(stack.ca.url).otp,
        onAwaitingApproval: (a) => awaiting(a.number),
        wait: { approvalTimeoutMs: 240_000, pollIntervalMs: 500 },
      });
      // A failure before the application is submitted must not leave the test waiting for its number.
      const ended = employee.then(() => {
        throw new Error('The employee application ended without waiting for approval');
      });
      ended.catch(() => undefined); // settles after the approval too: only the race reads it
      const number = await Promise.race([numberKnown, ended]);
      const page = await newPage(undefined, true, `${portal.url}/#/cabinet`);
      await expectScreen(page, 'Личный кабинет');
      // NCALayer is found, and offered first.
      await page.getByText('Программа NCALayer запущена (версия 1.4)').waitFor({ timeout: 60_000 });
      await expect
        .poll(() => page.getByRole('radio', { name: /В программе NCALayer/ }).isChecked())
        .toBe(true);
      expect(await page.getByLabel('Файл ключа AUTH').count()).toBe(0);
      await run({
        page,
        number,
        pick: (name) => {
          picked = name;
        },
        events,
      });
      expect((await employee).status).toBe('installed');
      // The CA recorded the decision.
      const view = (await (await fetch(`${stack.ca.url}/v1/application-status/${number}`)).json()) as {
        history: Array<{ status: string }>;
      };
      expect(view.history.map((h) => h.status)).toContain('approved');
    } finally {
      await employee?.catch(() => undefined);
      await portal.close();
      await emulator.close();
      rmSync(keysDir, { recursive: true, force: true });
    }
  }

  /** The raw signatures NCALayer made (legacy signPlainData), by key file. */
  const rawSignatures = (events: EmulatorEvent[]): string[] =>
    events
      .filter(
        (e): e is Extract<EmulatorEvent, { type: 'signed' }> => e.type === 'signed' && e.format === 'raw',
      )
      .map((e) => e.file);

  it(
    'NCALayer: the first manager logs in and approves with keys held by NCALayer (the emulator)',
    {
      timeout: 300_000,
    },
    async () => {
      // The first manager's NCA-style key files, in the folder the emulated NCALayer serves: the
      // older RSA AUTH + SIGN generation (`--key-algorithm RSA-2048`), so that an AUTH file can be
      // refused as a signing key.
      const manager = await enroll({
        caUrl: stack.ca.url,
        template: 'first-manager',
        keyAlgorithm: 'RSA-2048',
        iin: '900720301239',
        bin: '961141000023',
        password: MANAGER_PASSWORD,
        otp: devSmsOutbox(stack.ca.url).otp,
      });
      const file = (purpose: 'auth' | 'sign') => manager.keyFiles.find((f) => f.purpose === purpose)!;
      await withNcaLayer(
        manager.keyFiles,
        { template: 'employee', iin: '921125402344', bin: '961141000023' },
        async ({ page, number, pick, events }) => {
          await checkEveryLanguage(page, 'cabinet login with NCALayer');
          // A wrong password is NCALayer's refusal, said in the page's words.
          pick(file('auth').fileName);
          await page.locator('#cabinet-login-password').fill('Wrong-password1');
          await page.getByRole('button', { name: 'Войти' }).click();
          await page.getByRole('alert').filter({ hasText: 'Неверный пароль к файлу ключа.' }).waitFor();
          await page.locator('#cabinet-login-password').fill(MANAGER_PASSWORD);
          await page.getByRole('button', { name: 'Войти' }).click();
          await page.locator('#holder-name').filter({ hasText: 'ДОСМУХАМЕДОВ АРМАН' }).waitFor();
          expect(await page.locator('.holder').innerText()).toContain(
            `${file('auth').fileName} (в NCALayer)`,
          );

          // The SIGN key, also in NCALayer; the AUTH file is refused as a signing key.
          await page.locator('#sign-key-password').fill(MANAGER_PASSWORD);
          await page.getByRole('button', { name: 'Загрузить ключ подписи' }).click();
          await page.getByRole('alert').filter({ hasText: 'нужен ключ подписи' }).waitFor();
          pick(file('sign').fileName);
          await page.getByRole('button', { name: 'Загрузить ключ подписи' }).click();
          await page.getByText(`Ключ подписи в NCALayer выбран: ${file('sign').fileName}`).waitFor();
          // The rows now name both files: the AUTH one of the login, the SIGN one just chosen.
          await expect.poll(() => page.locator('table.certs').innerText()).toContain(file('sign').fileName);
          expect(await page.locator('table.certs').innerText()).toContain(file('auth').fileName);
          await shot(page, 'ncalayer-01-cabinet');
          const card = page.locator(`li[data-application="${number}"]`);
          await card.getByRole('button', { name: `Подтвердить ${number}` }).click();
          await page.getByText(`Заявка ${number} подтверждена`).waitFor();
          // NCALayer made the signatures: the login challenge with the AUTH key, the decision with SIGN.
          expect(rawSignatures(events)).toEqual([file('auth').fileName, file('sign').fileName]);
        },
      );
    },
  );

  it(
    'NCALayer, GOST: the first manager logs in and approves with one GOST512 key file held by NCALayer',
    {
      timeout: 300_000,
    },
    async () => {
      // The first manager's key as the NCA issues it to legal entities today (the CA's default):
      // one GOST-2015-512 key, `GOST512_<ski>.p12`, for authentication and signing.
      const manager = await enroll({
        caUrl: stack.ca.url,
        template: 'first-manager',
        iin: '700305408908',
        bin: '120140000037',
        password: MANAGER_PASSWORD,
        otp: devSmsOutbox(stack.ca.url).otp,
      });
      expect(manager.keyFiles.map((f) => f.purpose)).toEqual(['auth+sign']);
      const gost = manager.keyFiles[0]!;
      expect(gost.fileName).toMatch(/^GOST512_[0-9a-f]{40}\.p12$/);
      await withNcaLayer(
        manager.keyFiles,
        { template: 'treasury', iin: '990101309017', bin: '120140000037' },
        async ({ page, number, pick, events }) => {
          pick(gost.fileName);
          // The page says which file to pick in NCALayer: the AUTH file, or the one GOST key.
          expect(await page.locator('main').innerText()).toContain(
            'файл ключа AUTH (AUTH_RSA256_….p12) или ключа ГОСТ (GOST512_….p12)',
          );
          // A wrong password is refused by NCALayer, as for RSA files.
          await page.locator('#cabinet-login-password').fill('Wrong-password1');
          await page.getByRole('button', { name: 'Войти' }).click();
          await page.getByRole('alert').filter({ hasText: 'Неверный пароль к файлу ключа.' }).waitFor();
          // NCALayer lists the GOST key as an AUTH key: the login goes through.
          await page.locator('#cabinet-login-password').fill(MANAGER_PASSWORD);
          await page.getByRole('button', { name: 'Войти' }).click();
          await page
            .locator('#holder-name')
            .filter({ hasText: 'ТЕМИРОВА САУЛЕ' })
            .waitFor({ timeout: 60_000 });
          await expect
            .poll(() => page.locator('#holder-roles').textContent())
            .toBe('Юридическое лицо, Первый руководитель');
          expect(await page.locator('.holder').innerText()).toContain(`${gost.fileName} (в NCALayer)`);
          const card = page.locator(`li[data-application="${number}"]`);
          await card.waitFor({ timeout: 60_000 });
          expect(await card.textContent()).toContain('ГОСТ Р 34.10-2015, 512 бит');

          // The same file, picked again in NCALayer, is the signing key (the page says so).
          expect(await page.locator('main').innerText()).toContain(
            'или ключа ГОСТ (GOST512_….p12: один ключ и для входа, и для подписи)',
          );
          await page.locator('#sign-key-password').fill(MANAGER_PASSWORD);
          await page.getByRole('button', { name: 'Загрузить ключ подписи' }).click();
          await page
            .getByText(`Ключ подписи в NCALayer выбран: ${gost.fileName}`)
            .waitFor({ timeout: 60_000 });
          // One certificate, for authentication and signing, named by the one file.
          expect(await page.locator('table.certs tbody tr').count()).toBe(1);
          const certsText = await page.locator('table.certs').innerText();
          expect(certsText).toContain(gost.fileName);
          expect(certsText).toContain('Аутентификация и подпись');
          await shot(page, 'ncalayer-gost-01-cabinet');
          await checkEveryLanguage(page, 'cabinet with a GOST key in NCALayer', ['kk', 'en'], []);
          await card.getByRole('button', { name: `Подтвердить ${number}` }).click();
          await page.getByText(`Заявка ${number} подтверждена`).waitFor({ timeout: 60_000 });
          await page.getByText('Нет заявок, ожидающих подтверждения').waitFor();
          // NCALayer made both signatures (the login challenge and the decision) with the GOST key.
          expect(rawSignatures(events)).toEqual([gost.fileName, gost.fileName]);
        },
      );
    },
  );

  it(
    'moderation: the applicant screen says how to come back and moves on by itself; the operator decision names the person',
    {
      timeout: 300_000,
    },
    async () => {
      // The applicant's document differs from the registry: the wizard stops at moderation.
      const applicant = await newPage(undefined, false);
      applicant.on('dialog', (d) => void d.accept()); // the browser asks before the reload below
      await walkToSubmission(applicant, {
        caUrl: stack.ca.url,
        kind: 'individual',
        iin: '010202502227',
        camera: false,
        prefix: 'moderation',
        untilModeration: true,
      });
      const main = await applicant.locator('main').innerText();
      expect(main).toContain('ИИН 010202502227');
      expect(main).toContain('Как вернуться к заявке');
      expect(main).toContain('Номер заявки присваивается при подаче онлайн-заявки');
      await checkEveryLanguage(applicant, 'moderation screen');
      // "Проверить результат" while the operator has not decided: the keyboard stays, the answer is said.
      await applicant.getByRole('button', { name: 'Проверить результат' }).click();
      await applicant.getByText('Документ еще на проверке.').waitFor();
      expect(await applicant.evaluate(() => document.activeElement?.textContent)).toBe('Проверить результат');
      // The same tab after a reload is still at moderation.
      await applicant.reload();
      await expectScreen(applicant, 'Документ направлен на проверку');

      const keyFile = await operatorKeyFile(stack.dataDir, TEST_CA_PASSPHRASE, 'Operator2025x');
      const page = await newPage();
      await page.goto(`${stack.portal.url}/#/operator`);
      await expectScreen(page, 'Оператор НУЦ: модерация документов');
      await page.getByLabel('Файл ключа AUTH').setInputFiles({
        name: 'operator.p12',
        mimeType: 'application/x-pkcs12',
        buffer: Buffer.from(keyFile),
      });
      await page.locator('#operator-login-password').fill('Operator2025x');
      await page.getByRole('button', { name: 'Войти' }).click();
      const item = page.locator('li[data-moderation]').filter({ hasText: '010202502227' });
      await item.waitFor();
      await expect.poll(() => page.locator('#operator-holder').textContent()).toMatch(/Оператор НУЦ/i);
      expect(await page.locator('#operator-holder').textContent()).not.toMatch(/nca-operator/);
      await expect.poll(() => item.locator('tbody').textContent()).toMatch(/045678901/);
      const id = (await item.getAttribute('data-moderation')) as string;
      await shot(page, 'operator-01-queue');
      await checkEveryLanguage(page, 'operator queue');
      await item.getByRole('button', { name: 'Принять документ' }).click();
      const notice = page.locator('#queue-notice');
      await notice.filter({ hasText: /ИСАЕВ ТИМУР/ }).waitFor();
      expect(await notice.textContent()).toMatch(/ИИН 010202502227/);
      expect(await notice.textContent()).not.toContain(id);
      await expect.poll(() => focusedId(page)).toBe('queue-notice');

      // The applicant's page notices the decision and goes on to the consent.
      await expectScreen(applicant, 'Запрос доступа');

      await page.getByLabel('Серийный номер (hex)').fill('0a1b2c3d');
      await page.getByRole('button', { name: 'Отозвать' }).click();
      const dialog = page.getByRole('dialog', { name: 'Отозвать сертификат?' });
      await dialog.getByText('Отозвать сертификат № 0a1b2c3d по причине «Без указания причины»?').waitFor();
      await dialog.getByText(/Отзыв необратим/).waitFor();
      await dialog.getByRole('button', { name: 'Отмена' }).click();
      await expect.poll(() => dialog.count()).toBe(0);
    },
  );

  it('not in the Mobile Citizens Database: register an 8 777 number, start again, code not received, resend', async () => {
    const page = await newPage();
    await page.goto(`${stack.portal.url}/#/obtain`);
    await page.getByRole('radio', { name: 'Физическое лицо' }).check();
    await page.getByLabel('Введите ИИН').fill('940615400124');
    await page.getByRole('button', { name: 'Отправить запрос' }).click();
    await expectScreen(page, 'Регистрация номера телефона в базе мобильных граждан');
    await page.getByText('Пользователь не зарегистрирован в базе мобильных граждан.').waitFor();
    await page.getByText(/Виртуальный ассистент Kenes/).waitFor();
    await page.getByLabel('Номер мобильного телефона').fill('8 777 123');
    await page.getByRole('button', { name: 'Зарегистрировать номер' }).click();
    await page.locator('#bmg-phone-error').waitFor();
    // The common written form is accepted and shown back as it will be registered.
    await page.getByLabel('Номер мобильного телефона').fill('8 777 123 45 67');
    await page.locator('#bmg-phone-ok').filter({ hasText: '+7 777 123 45 67' }).waitFor();
    await page.getByRole('button', { name: 'Зарегистрировать номер' }).click();
    await page
      .getByText('Пользователь зарегистрирован в базе мобильных граждан: +7 777 *** ** 67.')
      .waitFor();
    await shot(page, 'bmg-01-registered');
    await checkEveryLanguage(page, 'phone registration', ['kk', 'en'], ['en']);
    await page.getByRole('button', { name: 'Начать заново' }).click();
    await expectScreen(page, 'Получение электронной цифровой подписи удаленно');
    expect(await page.getByLabel('Введите ИИН').inputValue()).toBe('940615400124');
    await page.getByRole('button', { name: 'Отправить запрос' }).click();

    await expectScreen(page, 'Одноразовый пароль');
    await page.getByText('Одноразовый пароль отправлен на номер телефона +7 777 *** ** 67').waitFor();
    // "Не получили?" does not tell a registered user that they are not registered.
    await page.getByRole('button', { name: 'Не получили одноразовый пароль?' }).click();
    await expectScreen(page, 'Не пришёл одноразовый пароль');
    expect(await page.locator('main').innerText()).not.toMatch(/не зарегистрирован/);
    await page.evaluate(() => history.back());
    await expectScreen(page, 'Одноразовый пароль');

    const first = await devSmsOutbox(stack.ca.url).latestOtp('940615400124');
    const wrong = first === '000000' ? '111111' : '000000';
    await page.getByLabel('Введите одноразовый пароль').fill(wrong);
    await page.getByRole('button', { name: 'Проверить одноразовый пароль' }).click();
    await page.getByRole('alert').filter({ hasText: 'Неверный одноразовый пароль.' }).waitFor();
    await page.getByText('Осталось попыток: 2').waitFor();
    // Resend is offered once the cooldown is over (2 s in this CA).
    const resend = page.getByRole('button', { name: /Отправить код повторно|Повторная отправка через/ });
    await expect.poll(() => resend.textContent(), { timeout: 5000 }).toBe('Отправить код повторно');
    await resend.click();
    await page.getByText('Новый одноразовый пароль отправлен.').waitFor();
    // The new code's countdown starts again from the CA's 90 seconds.
    await expect
      .poll(() => page.locator('.countdown').textContent())
      .toMatch(/^Оставшееся время: (8\d|90) секунд$/);
    const second = (await devSmsOutbox(stack.ca.url).messages({ iin: '940615400124' })).filter(
      (m) => m.kind === 'otp',
    );
    expect(second.length).toBe(2);
    await shot(page, 'bmg-02-otp-resent');
    await page.getByLabel('Введите одноразовый пароль').fill(second[0]?.code as string);
    await page.getByRole('button', { name: 'Проверить одноразовый пароль' }).click();
    await passDigitalIdPhone(page, stack.ca.url, '940615400124');
    await expectScreen(page, 'Создать Digital ID');
  });

  it(
    'test mode: a test identifier is accepted with a note, "not found" at the field, spent codes say when to ask again',
    {
      timeout: 300_000,
    },
    async () => {
      const testCa = await startTestModeCa(inject('portalBuildDir'));
      try {
        const page = await newPage(undefined, true, `${testCa.portal.url}/#/obtain`);
        await expectScreen(page, 'Получение электронной цифровой подписи удаленно');
        await page.getByRole('radio', { name: 'Физическое лицо' }).check();
        const iin = page.getByLabel('Введите ИИН');
        // A mistyped check digit: accepted in test mode, and the note says so and names the digit.
        await iin.fill('850315300129');
        const note = page.locator('#start-iin-note');
        await note.filter({ hasText: 'Тестовый режим: номер принят как тестовый' }).waitFor();
        expect(await note.textContent()).toContain('последняя цифра должна быть 8');
        expect(await page.locator('#start-iin-ok').count()).toBe(0);
        await page.getByRole('button', { name: 'Отправить запрос' }).click();
        // The registry's answer stands at the field, with no green tick beside it.
        await page
          .locator('#start-iin-error')
          .filter({ hasText: 'ИИН не найден в государственной базе данных физических лиц.' })
          .waitFor();
        expect(await page.locator('#start-iin-ok, #start-iin-note').count()).toBe(0);
        await expect.poll(() => focusedId(page)).toBe('start-iin');
        await auditA11y(page, 'start with a registry refusal (ru)');
        // An NCA test identifier (month 34, no valid check digit) goes through.
        await iin.fill('123456789011');
        await note.waitFor();
        await page.getByRole('button', { name: 'Отправить запрос' }).click();
        await expectScreen(page, 'Одноразовый пароль');
        // Three wrong codes: the page says a new code can be asked for when the countdown ends,
        // while the resend button still counts down (60 s here).
        const code = await devSmsOutbox(testCa.ca.url).latestOtp('123456789011');
        const wrong = code === '000000' ? '111111' : '000000';
        for (let n = 0; n < 3; n++) {
          await page.getByLabel('Введите одноразовый пароль').fill(wrong);
          await page.getByRole('button', { name: 'Проверить одноразовый пароль' }).click();
          await expect.poll(() => page.getByRole('alert').count()).toBe(1);
        }
        await page
          .getByRole('alert')
          .filter({ hasText: 'Новый код можно будет запросить, когда закончится отсчёт' })
          .waitFor();
        expect(await page.getByRole('button', { name: /Повторная отправка через/ }).isDisabled()).toBe(true);
        await shot(page, 'test-mode-otp-spent');
        // "Начать заново" asks first.
        await page.getByRole('button', { name: 'Начать заново (новая заявка)' }).click();
        const dialog = page.getByRole('dialog', { name: 'Начать заново?' });
        await dialog.waitFor();
        await auditA11y(page, 'restart dialog (ru)');
        await dialog.getByRole('button', { name: 'Начать заново' }).click();
        await expectScreen(page, 'Получение электронной цифровой подписи удаленно');
      } finally {
        await testCa.stop();
      }
    },
  );

  it(
    'key files saved at submission install the certificates on the status page in another browser: wrong password, a stranger key, then the final files',
    { timeout: 300_000 },
    async () => {
      const page = await newPage(undefined, false);
      const number = await walkToSubmission(page, {
        caUrl: stack.ca.url,
        kind: 'individual',
        iin: '061211600012',
        camera: false,
        prefix: 'keyfiles',
      });
      // "Путь к хранилищу ключей": the keys saved as password-protected files.
      const save = page.getByRole('region', { name: 'Сохранение ключей в папку' });
      await save.locator('#pending-password').fill(PASSWORD);
      await save.locator('#pending-repeat').fill(PASSWORD);
      const saved: Download[] = [];
      const both = new Promise<void>((resolve) => {
        page.on('download', (d) => {
          saved.push(d);
          if (saved.length === 2) resolve();
        });
      });
      await save.getByRole('button', { name: 'Сохранить ключи в файлы' }).click();
      await both;
      await save.getByText('Файлы ключей сохранены').waitFor();
      await checkEveryLanguage(page, 'submitted, key files saved', ['kk', 'en'], []);
      const pending: Array<{ name: string; buffer: Buffer }> = [];
      for (const d of saved) {
        pending.push({ name: d.suggestedFilename(), buffer: readFileSync(await d.path()) });
      }
      expect(pending.map((f) => f.name.replace(/[0-9a-f]{40}/, '<ski>')).sort()).toEqual([
        'AUTH_RSA256_<ski>.p12',
        'RSA256_<ski>.p12',
      ]);
      // Key-only files: @kzpki/pki's complete-key-file reader refuses them, the key reader opens them.
      for (const f of pending) {
        await expect(openPkcs12(f.buffer, PASSWORD)).rejects.toMatchObject({ code: 'ERR_PKCS12_INVALID' });
      }

      // Another browser (nothing in its storage), the status page, the files.
      const other = await newPage(undefined, false, `/#/status/${number}`);
      await other.locator('#status-current').waitFor();
      const panel = other.getByRole('region', { name: 'Установка сертификатов из файлов ключей' });
      await panel.waitFor();
      await checkEveryLanguage(other, 'status page, key files');
      const files = panel.getByLabel('Файлы ключей');
      const asFiles = (list: typeof pending) =>
        list.map((f) => ({ name: f.name, mimeType: 'application/x-pkcs12', buffer: f.buffer }));
      await files.setInputFiles(asFiles(pending));
      await panel.getByLabel('Пароль на ключи ЭЦП').fill('Portal2025y');
      await panel.getByRole('button', { name: 'Загрузить сертификаты' }).click();
      const problems = other.locator('#keyfiles-problems');
      for (const f of pending) await problems.getByText(`Неверный пароль для файла ${f.name}.`).waitFor();
      await problems.getByText('Сертификаты не установлены, файлы не созданы').waitFor();
      // A stranger's key file beside the right ones: named, nothing installed.
      const stranger = await enroll({
        caUrl: stack.ca.url,
        template: 'individual',
        iin: '830414306786',
        password: PASSWORD,
        otp: devSmsOutbox(stack.ca.url).otp,
      });
      const strangerFile = stranger.keyFiles[0] as { fileName: string; bytes: Uint8Array };
      await files.setInputFiles(
        asFiles([...pending, { name: strangerFile.fileName, buffer: Buffer.from(strangerFile.bytes) }]),
      );
      await panel.getByLabel('Пароль на ключи ЭЦП').fill(PASSWORD);
      await panel.getByRole('button', { name: 'Загрузить сертификаты' }).click();
      await problems
        .getByText(`Ключ из файла ${strangerFile.fileName} не подходит ни к одному сертификату этой заявки.`)
        .waitFor();
      expect(
        (await (await fetch(`${stack.ca.url}/v1/application-status/${number}`)).json()).application.status,
      ).not.toBe('installed');
      // The right files, as a folder (webkitdirectory) that also holds something else: the
      // certificates installed, the final key files downloaded.
      await files.setInputFiles([]);
      const folder = tempDir('kzpki-portal-keys-');
      for (const f of pending) folder.write(f.name, f.buffer);
      folder.write('readme.txt', 'Ключи ЭЦП');
      await panel.getByLabel('Папка с ключами').setInputFiles(folder.dir);
      await panel.locator('#keyfiles-picked').filter({ hasText: 'Выбрано файлов ключей: 2' }).waitFor();
      folder.dispose();
      const finals: Download[] = [];
      const done = new Promise<void>((resolve) => {
        other.on('download', (d) => {
          finals.push(d);
          if (finals.length === 2) resolve();
        });
      });
      await panel.getByRole('button', { name: 'Загрузить сертификаты' }).click();
      await done;
      await other.getByText('Поздравляем! Процедура получения ключей ЭЦП завершена!').waitFor();
      const installed: Array<{ name: string; bytes: Uint8Array }> = [];
      for (const d of finals)
        installed.push({ name: d.suggestedFilename(), bytes: readFileSync(await d.path()) });
      installed.sort((a, b) => (a.name.startsWith('AUTH_') ? -1 : b.name.startsWith('AUTH_') ? 1 : 0));
      // Named as the files saved at submission, now with the certificates.
      expect(installed.map((f) => f.name).sort()).toEqual(pending.map((f) => f.name).sort());
      await other.locator('#ca-chain a[data-ca="root"]').waitFor();
      await checkKeyFiles(
        installed,
        PASSWORD,
        { iin: '061211600012', roles: ['individual'] },
        await offeredChain(other),
      );
      await expect
        .poll(
          async () =>
            (await (await fetch(`${stack.ca.url}/v1/application-status/${number}`)).json()).application
              .status,
        )
        .toBe('installed');
      await other.locator('#status-current [data-status="installed"]').waitFor();
      // The page moved on to "installed" and still shows what was made, with the links.
      await other.locator('#keyfiles-done').waitFor();
      expect(await panel.locator('a[data-installed-purpose]').count()).toBe(2);
      await shot(other, 'keyfiles-installed');
    },
  );

  it('fits a phone screen: a compact header, a menu button, languages', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${stack.portal.url}/#/obtain`);
    await expectScreen(page, 'Получение электронной цифровой подписи удаленно');
    const header = await page.locator('.site-header').boundingBox();
    expect(header?.height).toBeLessThanOrEqual(120);
    // The sections are behind "Меню".
    const menu = page.getByRole('button', { name: 'Меню' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('navigation').getByRole('link').count()).toBe(0);
    await menu.click();
    await page.getByRole('navigation').getByRole('link', { name: 'Проверка статуса заявки' }).waitFor();
    await auditA11y(page, 'phone menu open (ru)');
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('kk');
    await page
      .locator('main h1')
      .filter({ hasText: 'Электрондық цифрлық қолтаңбаны қашықтан алу' })
      .waitFor();
    await page.getByRole('radio', { name: 'Заңды тұлға' }).check();
    await page.getByRole('radio', { name: 'Ұйым қызметкері' }).waitFor();
    // No horizontal scrolling at phone width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'phone-kk-start');
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('main h1').filter({ hasText: 'Obtain a digital signature remotely' }).waitFor();
    await page.getByRole('button', { name: 'Send request' }).click();
    // Errors are announced and focus goes to the first invalid field, with a full sentence.
    await expect.poll(() => focusedId(page)).toBe('start-bin');
    expect(await page.locator('#start-iin-error').textContent()).toBe('Enter the IIN: 12 digits');
    await expectTranslated(page, 'en', 'start with errors');
    await auditA11y(page, 'start with errors, phone (en)');
    // The pages outside the wizard, in Kazakh and English, at phone width.
    for (const route of ['#/', '#/status', '#/key-check', '#/cabinet', '#/operator']) {
      await page.goto(`${stack.portal.url}/${route}`);
      await page.locator('main h1').waitFor();
      await checkEveryLanguage(page, `phone ${route}`, ['kk', 'en']);
    }
    // A status lookup at phone width: the table fits.
    await page.goto(`${stack.portal.url}/#/status`);
    await page.locator('main h1').waitFor();
    await page.getByLabel('Номер заявки').fill('00000000000000');
    await page.getByRole('button', { name: 'Искать' }).click();
    await page.getByRole('alert').waitFor();
    await expectTranslated(page, 'ru', 'status lookup refused');
  });
});
