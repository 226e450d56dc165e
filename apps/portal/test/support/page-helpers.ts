/**
 * Helpers for driving the portal in chromium: screenshots per step, the wizard's identification
 * screens, downloads of the key files.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devSmsOutbox } from '@kzpki/client';
import type { Download, Page } from 'playwright-core';
import { expect } from 'vitest';
import { documentPng } from './png.js';

/** Where the step screenshots go (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** Saves a full-page screenshot named `<name>.png`. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The focused element's text (screens move focus to their heading). */
export async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent ?? '');
}

/** Waits for a screen heading (h1) with this text and checks it took focus. */
export async function expectScreen(page: Page, heading: string | RegExp): Promise<void> {
  const h1 = page.locator('main h1');
  await h1.filter({ hasText: heading }).waitFor();
  await expect
    .poll(() => focusedText(page))
    .toMatch(typeof heading === 'string' ? new RegExp(escapeRegExp(heading)) : heading);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The wizard's screens, as {@link walkToSubmission} names them for its hooks. */
export type WizardScreen =
  | 'start'
  | 'otp'
  | 'digital-id-phone'
  | 'digital-id-code'
  | 'digital-id'
  | 'selfie'
  | 'liveness'
  | 'pin'
  | 'document'
  | 'confirm-document'
  | 'consent'
  | 'agreement'
  | 'application-form'
  | 'submitted';

/** Options of {@link walkToSubmission}. */
export interface WalkOptions {
  /** Run on every screen once it is shown (audits, language scans). */
  check?: (screen: WizardScreen) => Promise<void>;
  /** Extra steps on particular screens, after `check`, before the screen is filled in. */
  at?: Partial<Record<WizardScreen, () => Promise<void>>>;
  caUrl: string;
  kind: 'individual' | 'legal-entity';
  /** Russian title of the legal-entity template. */
  templateTitle?: string;
  iin: string;
  bin?: string;
  /** The browser has a camera: selfie and liveness through it (else uploads, simulated liveness). */
  camera: boolean;
  email?: string;
  prefix: string;
  /** Stop on the moderation screen (a document that differs from the registry); returns ''. */
  untilModeration?: boolean;
}

/**
 * Digital ID's phone page (seed steps 8-9), from its first screen to the Digital ID intro: another
 * number is refused (and the page does not say which is registered), the registered one typed as
 * people write it gets the code, which is read from the dev outbox.
 */
export async function passDigitalIdPhone(
  page: Page,
  caUrl: string,
  iin: string,
  hooks: { check?: (screen: WizardScreen) => Promise<void>; step?: (name: string) => Promise<void> } = {},
): Promise<void> {
  await expectScreen(page, 'Удаленная идентификация (Digital ID)');
  await hooks.step?.('digital-id-phone');
  await hooks.check?.('digital-id-phone');
  const outbox = devSmsOutbox(caUrl);
  const phone = await outbox.registeredPhone(iin);
  const field = page.getByLabel('Номер телефона, зарегистрированный в БМГ');
  expect(await field.inputValue()).toBe('');
  await field.fill(phone === '+77000000001' ? '+77000000002' : '+77000000001');
  await page.getByRole('button', { name: 'Получить SMS-код' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'Этот номер не зарегистрирован' });
  await refusal.waitFor();
  expect(await refusal.innerText()).not.toContain(phone.slice(-4));
  const d = phone.slice(2);
  await field.fill(`8 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8)}`);
  await page.getByRole('button', { name: 'Получить SMS-код' }).click();
  await expectScreen(page, 'SMS-код Digital ID');
  await expect
    .poll(() => page.locator('.countdown').textContent())
    .toMatch(/^Оставшееся время: (8\d|90) секунд$/);
  await hooks.step?.('digital-id-code');
  await hooks.check?.('digital-id-code');
  const sms = (await outbox.messages({ iin })).find((m) => m.kind === 'otp');
  expect(sms?.text).toMatch(/^Digital ID:/);
  await page.getByLabel('Введите одноразовый пароль').fill(sms?.code as string);
  await page.getByRole('button', { name: 'Проверить одноразовый пароль' }).click();
}

/**
 * Walks the wizard from the home page to the submitted application (screenshots at each screen);
 * returns the application number shown.
 */
export async function walkToSubmission(page: Page, o: WalkOptions): Promise<string> {
  let n = 0;
  const step = (name: string) => shot(page, `${o.prefix}-${String(++n).padStart(2, '0')}-${name}`);
  const on = async (screen: WizardScreen): Promise<void> => {
    await o.check?.(screen);
    await o.at?.[screen]?.();
  };

  await page.getByRole('link', { name: 'Получить ЭЦП удаленно' }).click();
  await expectScreen(page, 'Получение электронной цифровой подписи удаленно');
  await on('start');
  await page
    .getByRole('radio', { name: o.kind === 'individual' ? 'Физическое лицо' : 'Юридическое лицо' })
    .check();
  if (o.kind === 'legal-entity') {
    await page.getByRole('radio', { name: o.templateTitle as string, exact: true }).check();
    await page.getByLabel('Введите БИН').fill(o.bin as string);
  }
  // Live validation: a wrong check digit is reported as soon as 12 digits are typed, with the
  // digit it should be.
  const wrong = o.iin.slice(0, 11) + String((Number(o.iin[11]) + 1) % 10);
  await page.getByLabel('Введите ИИН').fill(wrong);
  await expect
    .poll(() => page.locator('#start-iin-error').textContent())
    .toBe(`Неверная контрольная цифра ИИН: последняя цифра должна быть ${o.iin[11]}, указана ${wrong[11]}`);
  await expect.poll(() => page.getByLabel('Введите ИИН').getAttribute('aria-invalid')).toBe('true');
  await page.getByLabel('Введите ИИН').fill(o.iin);
  await page.locator('#start-iin-ok').waitFor();
  await page.getByText(o.camera ? 'Веб-камера имеется' : 'Не найдена веб-камера').waitFor();
  await step('start');
  await page.getByRole('button', { name: 'Отправить запрос' }).click();

  await expectScreen(page, 'Одноразовый пароль');
  await expect
    .poll(() => page.locator('.countdown').textContent())
    .toMatch(/^Оставшееся время: (8\d|90) секунд$/);
  await step('otp');
  await on('otp');
  await page.getByLabel('Введите одноразовый пароль').fill(await devSmsOutbox(o.caUrl).latestOtp(o.iin));
  await page.getByRole('button', { name: 'Проверить одноразовый пароль' }).click();

  await passDigitalIdPhone(page, o.caUrl, o.iin, { check: on, step });

  await expectScreen(page, 'Создать Digital ID');
  await step('digital-id');
  await on('digital-id');
  await page.getByRole('button', { name: 'Начать', exact: true }).click();

  await expectScreen(page, 'Добавление селфи');
  await on('selfie');
  if (o.camera) {
    const capture = page.getByRole('button', { name: 'Сделать снимок' });
    await expect.poll(() => capture.isEnabled()).toBe(true);
    await step('selfie-camera');
    await capture.click();
  } else {
    await page.getByText('Веб-камера недоступна').waitFor();
    await page.getByLabel('Загрузить фото (JPEG, PNG)').setInputFiles({
      name: 'selfie.png',
      mimeType: 'image/png',
      buffer: documentPng(240, 320, 180),
    });
  }
  await page.getByRole('img', { name: 'Ваше селфи' }).waitFor();
  await step('selfie-preview');
  await page.getByRole('button', { name: 'Отправить', exact: true }).click();

  await expectScreen(page, 'Видео-идентификация');
  await on('liveness');
  if (!o.camera) await page.getByText('Веб-камеры нет').waitFor();
  if (o.camera) {
    const start = page.getByRole('button', { name: 'Начать', exact: true });
    await expect.poll(() => start.isEnabled()).toBe(true);
    await start.click();
    await page.getByText('Видео-идентификация пройдена').waitFor();
    await step('liveness');
  }
  await page.getByRole('button', { name: 'Продолжить' }).click();

  await expectScreen(page, 'Задайте PIN-код');
  await on('pin');
  await page.locator('#pin-1').fill('1234');
  await expect.poll(() => page.locator('#pin-1-error').textContent()).toMatch(/слишком простой/);
  await page.locator('#pin-1').fill('4831');
  await page.locator('#pin-2').fill('4831');
  await step('pin');
  await page.getByRole('button', { name: 'Задать PIN-код' }).click();

  await expectScreen(page, 'Добавьте документ');
  await on('document');
  await page.getByRole('radio', { name: 'Загрузить файл' }).check();
  await page
    .getByLabel('Лицевая сторона')
    .setInputFiles({ name: 'front.png', mimeType: 'image/png', buffer: documentPng() });
  await page.getByLabel('Обратная сторона').setInputFiles({
    name: 'back.png',
    mimeType: 'image/png',
    buffer: documentPng(320, 200, 40),
  });
  await page.getByRole('img', { name: 'Обратная сторона' }).waitFor();
  await step('document');
  await page.getByRole('button', { name: 'Отправить', exact: true }).click();

  await expectScreen(page, 'Подтвердить документ');
  await step('confirm-document');
  await on('confirm-document');
  await page.getByRole('button', { name: 'Отправить', exact: true }).click();
  // The confirmation is required, and the error is announced.
  await page.locator('#confirm-check-error').waitFor();
  await page.getByLabel('Подтверждаю, что данные достоверны').check();
  await page.getByRole('button', { name: 'Отправить', exact: true }).click();
  if (o.untilModeration) {
    await expectScreen(page, 'Документ направлен на проверку');
    await step('moderation');
    return '';
  }

  await expectScreen(page, 'Запрос доступа');
  await step('consent');
  await on('consent');
  await page.getByLabel('Для предоставления доступа введите PIN-код от вашего Digital ID').fill('4831');
  await page.getByRole('button', { name: 'Продолжить' }).click();

  await expectScreen(page, /Пользовательское соглашение/);
  await on('agreement');
  await page.getByLabel(/Я ознакомился/).check();
  await step('agreement');
  await page.getByRole('button', { name: 'Подтвердить' }).click();

  await expectScreen(page, 'Данные онлайн заявки:');
  await on('application-form');
  if (o.email) await page.getByLabel('Электронная почта').fill(o.email);
  await page.getByLabel(/^Хранилище ключей/).selectOption('PKCS12');
  await step('application-form');
  await page.getByRole('button', { name: 'Подать заявку' }).click();

  await expectScreen(page, 'ЗАЯВКА УСПЕШНО СФОРМИРОВАНА!');
  const number = (await page.locator('#application-number').textContent()) ?? '';
  expect(number).toMatch(/^[0-9]{14}$/);
  await step('submitted');
  await on('submitted');
  return number;
}

/**
 * Sets the key-file password (checking the live policy feedback first), clicks "Загрузить
 * сертификаты" and returns the `count` downloaded files (two RSA key files, or one GOST512 file).
 */
export async function downloadKeyFiles(
  page: Page,
  password: string,
  screenshot?: string,
  count = 2,
): Promise<Array<{ name: string; bytes: Uint8Array }>> {
  await page.locator('#keyfile-password').fill('пароль');
  const feedback = page.locator('#keyfile-password-feedback');
  await expect.poll(() => feedback.textContent()).toMatch(/цифр/);
  // A password the rule refuses gets no strength rating.
  expect(await feedback.textContent()).not.toMatch(/Надёжность/);
  await page.locator('#keyfile-password').fill(password);
  await page.locator('#keyfile-repeat').fill(password);
  await expect.poll(() => feedback.textContent()).toMatch(/соответствует требованиям/);
  await expect
    .poll(() => feedback.textContent())
    .toMatch(/Надёжность пароля: \p{L}+ая|Надёжность пароля: \p{L}+яя/u);
  if (screenshot) await shot(page, screenshot);
  const downloads: Download[] = [];
  const all = new Promise<void>((resolve) => {
    page.on('download', (d) => {
      downloads.push(d);
      if (downloads.length === count) resolve();
    });
  });
  await page.getByRole('button', { name: 'Загрузить сертификаты' }).click();
  await all;
  await page.getByText('Поздравляем! Процедура получения ключей ЭЦП завершена!').waitFor();
  const files = [];
  for (const d of downloads) {
    const path = await d.path();
    files.push({ name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
