/**
 * The CLI's own words (the SDK packages bring the messages of their errors and violations).
 */
import type { Lang } from './context.js';

const TEXTS = {
  en: {
    validIin: 'valid IIN',
    validBin: 'valid BIN',
    invalidIin: 'invalid IIN',
    invalidBin: 'invalid BIN',
    uncheckedIin: 'IIN accepted without the check digit and structure checks',
    uncheckedBin: 'BIN accepted without the check digit and structure checks',
    birthDate: 'birth date',
    sex: 'sex',
    male: 'male',
    female: 'female',
    registered: 'registered',
    kind: 'type',
    unit: 'unit',
    unknown: 'not encoded',
    passwordOk: 'the password meets the NCA rule',
    passwordBad: 'the password does not meet the NCA rule:',
    characters: 'characters',
  },
  ru: {
    validIin: 'корректный ИИН',
    validBin: 'корректный БИН',
    invalidIin: 'некорректный ИИН',
    invalidBin: 'некорректный БИН',
    uncheckedIin: 'ИИН принят без проверки контрольной цифры и структуры',
    uncheckedBin: 'БИН принят без проверки контрольной цифры и структуры',
    birthDate: 'дата рождения',
    sex: 'пол',
    male: 'мужской',
    female: 'женский',
    registered: 'зарегистрирован',
    kind: 'тип',
    unit: 'подразделение',
    unknown: 'не закодировано',
    passwordOk: 'пароль соответствует правилам НУЦ',
    passwordBad: 'пароль не соответствует правилам НУЦ:',
    characters: 'символы',
  },
  kk: {
    validIin: 'дұрыс ЖСН',
    validBin: 'дұрыс БСН',
    invalidIin: 'қате ЖСН',
    invalidBin: 'қате БСН',
    uncheckedIin: 'ЖСН бақылау цифры мен құрылымы тексерілмей қабылданды',
    uncheckedBin: 'БСН бақылау цифры мен құрылымы тексерілмей қабылданды',
    birthDate: 'туған күні',
    sex: 'жынысы',
    male: 'ер',
    female: 'әйел',
    registered: 'тіркелген',
    kind: 'түрі',
    unit: 'бөлімше',
    unknown: 'кодталмаған',
    passwordOk: 'құпиясөз ҰКО ережелеріне сәйкес',
    passwordBad: 'құпиясөз ҰКО ережелеріне сәйкес емес:',
    characters: 'таңбалар',
  },
} as const;

/** A key of the CLI's own texts. */
export type TextKey = keyof (typeof TEXTS)['en'];

/** The CLI's text for `key` in `lang`. */
export function t(lang: Lang, key: TextKey): string {
  return TEXTS[lang][key];
}
