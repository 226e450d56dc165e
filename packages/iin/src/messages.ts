/**
 * Human-readable messages for {@link IinErrorCode}s in Russian, Kazakh and English. Messages never
 * quote the whole identifier (it is personal data); they name the digit or position at fault.
 */
import type { IinErrorCode, IinErrorDetails } from './errors.js';

/** Languages messages exist in: Russian, Kazakh, English. */
export type Lang = 'ru' | 'kk' | 'en';

/** The languages messages exist in, in the order the NCA documents use them. */
export const LANGS: readonly Lang[] = ['ru', 'kk', 'en'];

type Template = (d: IinErrorDetails, subject: string) => string;

/** English indefinite article before the spoken abbreviation: "an IIN", "a BIN". */
const article = (subject: string): string => (subject.startsWith('I') ? 'an' : 'a');

// Subject names: IIN/BIN are ИИН/БИН in Russian, ЖСН/БСН in Kazakh.
// `IIN/BIN` is the subject of the errors of checkDigit, which serves both.
const SUBJECTS: Record<Lang, Record<Subject, string>> = {
  en: { IIN: 'IIN', BIN: 'BIN', 'IIN/BIN': 'IIN/BIN' },
  ru: { IIN: 'ИИН', BIN: 'БИН', 'IIN/BIN': 'ИИН/БИН' },
  kk: { IIN: 'ЖСН', BIN: 'БСН', 'IIN/BIN': 'ЖСН/БСН' },
};

/** What an error is about; carried in `details.subject`. */
export type Subject = 'IIN' | 'BIN' | 'IIN/BIN';

function subjectOf(details: IinErrorDetails): Subject {
  const s = details.subject;
  return s === 'BIN' || s === 'IIN/BIN' ? s : 'IIN';
}

const MESSAGES: Record<Lang, Record<IinErrorCode, Template>> = {
  en: {
    ERR_INVALID_ARGUMENT: (d, s) => `${s} must be given as a string, got ${d.type}`,
    ERR_PREFIX: (d, s) => `Expected ${article(s)} ${s}, but the value starts with the ${d.prefix} prefix`,
    ERR_LENGTH: (d, s) => `${s} must have ${d.expectedLength ?? 12} digits, got ${d.length}`,
    ERR_NOT_DIGITS: (d, s) => `${s} must contain only digits; character ${d.position} is not a digit`,
    ERR_CENTURY: (d) => `IIN digit 7 (century and sex) must be 1 to 6, got ${d.digit}`,
    ERR_DATE: (d) => `IIN digits 1 to 6 are not a real birth date (${d.date})`,
    ERR_CHECKSUM: (d, s) =>
      `${s} check digit mismatch: the last digit should be ${d.expected}, got ${d.actual}`,
    ERR_NEVER_ISSUED: (_, s) =>
      `No check digit exists for these first 11 digits (both weighted sums give 10): such ${article(s)} ${s} is never issued`,
    ERR_BIN_MONTH: (d) => `BIN digits 3 to 4 are the registration month (01 to 12), got ${d.month}`,
    ERR_BIN_KIND: (d) => `BIN digit 5 is the entity type (4, 5 or 6), got ${d.digit}`,
    ERR_BIN_UNIT: (d) => `BIN digit 6 is the unit type (0 to 3), got ${d.digit}`,
    ERR_INVALID_OPTION: (d) => `Invalid option ${d.option}: ${d.reason}`,
  },
  ru: {
    ERR_INVALID_ARGUMENT: (d, s) => `${s} должен передаваться строкой, получено: ${d.type}`,
    ERR_PREFIX: (d, s) => `Ожидался ${s}, но значение начинается с префикса ${d.prefix}`,
    ERR_LENGTH: (d, s) => `${s} должен состоять из ${d.expectedLength ?? 12} цифр, получено: ${d.length}`,
    ERR_NOT_DIGITS: (d, s) => `${s} должен содержать только цифры; символ № ${d.position} не является цифрой`,
    ERR_CENTURY: (d) => `7-я цифра ИИН (век и пол) должна быть от 1 до 6, указана ${d.digit}`,
    ERR_DATE: (d) => `Цифры 1–6 ИИН не образуют существующую дату рождения (${d.date})`,
    ERR_CHECKSUM: (d, s) =>
      `Неверная контрольная цифра ${s}: последняя цифра должна быть ${d.expected}, указана ${d.actual}`,
    ERR_NEVER_ISSUED: (_, s) =>
      `Для этих первых 11 цифр контрольная цифра не существует (обе взвешенные суммы дают 10): такой ${s} не выдаётся`,
    ERR_BIN_MONTH: (d) => `Цифры 3–4 БИН — месяц регистрации (от 01 до 12), указано ${d.month}`,
    ERR_BIN_KIND: (d) => `5-я цифра БИН — тип юридического лица (4, 5 или 6), указана ${d.digit}`,
    ERR_BIN_UNIT: (d) => `6-я цифра БИН — признак подразделения (от 0 до 3), указана ${d.digit}`,
    ERR_INVALID_OPTION: (d) => `Недопустимое значение параметра ${d.option}`,
  },
  kk: {
    ERR_INVALID_ARGUMENT: (d, s) => `${s} жол ретінде берілуі керек, берілгені: ${d.type}`,
    ERR_PREFIX: (d, s) => `${s} күтілді, бірақ мән ${d.prefix} префиксінен басталады`,
    ERR_LENGTH: (d, s) => `${s} ${d.expectedLength ?? 12} цифрдан тұруы керек, берілгені: ${d.length}`,
    ERR_NOT_DIGITS: (d, s) => `${s} тек цифрлардан тұруы керек; ${d.position}-таңба цифр емес`,
    ERR_CENTURY: (d) =>
      `ЖСН-нің 7-цифры (ғасыр мен жыныс) 1-ден 6-ға дейін болуы керек, берілгені: ${d.digit}`,
    ERR_DATE: (d) => `ЖСН-нің 1–6 цифрлары нақты туған күнді құрамайды (${d.date})`,
    ERR_CHECKSUM: (d, s) =>
      `${s} бақылау цифры сәйкес емес: соңғы цифр ${d.expected} болуы керек, берілгені: ${d.actual}`,
    ERR_NEVER_ISSUED: (_, s) =>
      `Осы алғашқы 11 цифр үшін бақылау цифры жоқ (екі салмақты қосынды да 10 береді): мұндай ${s} берілмейді`,
    ERR_BIN_MONTH: (d) => `БСН-нің 3–4 цифрлары — тіркелген ай (01-ден 12-ге дейін), берілгені: ${d.month}`,
    ERR_BIN_KIND: (d) => `БСН-нің 5-цифры — заңды тұлға түрі (4, 5 немесе 6), берілгені: ${d.digit}`,
    ERR_BIN_UNIT: (d) => `БСН-нің 6-цифры — бөлімше белгісі (0-ден 3-ке дейін), берілгені: ${d.digit}`,
    ERR_INVALID_OPTION: (d) => `${d.option} параметрінің мәні жарамсыз`,
  },
};

/**
 * The message for an error code in a language, filled in from the error's details.
 * `details.subject` (`'IIN'`, `'BIN'` or `'IIN/BIN'`) picks the identifier's name; it defaults to IIN.
 *
 * @example
 * ```ts
 * messageFor('ERR_CHECKSUM', 'ru', { subject: 'IIN', expected: 7, actual: 3 });
 * // 'Неверная контрольная цифра ИИН: последняя цифра должна быть 7, указана 3'
 * ```
 */
export function messageFor(code: IinErrorCode, lang: Lang, details: IinErrorDetails = {}): string {
  // Unknown languages (from untyped callers) fall back to English rather than throwing.
  const known = lang === 'ru' || lang === 'kk' ? lang : 'en';
  return MESSAGES[known][code](details, SUBJECTS[known][subjectOf(details)]);
}
