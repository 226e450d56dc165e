/**
 * The user agreement the applicant accepts (docs/domain.md, Remote issuance for individuals, step 8: consent to the collection and
 * processing of personal data for the state service "Issue and revocation of a registration
 * certificate of the NCA RK"). The version and the time of acceptance are recorded.
 */
import type { LocalizedText } from '@kzpki/ca-store';

/** A version of the user agreement. */
export interface Agreement {
  version: string;
  publishedAt: Date;
  title: LocalizedText;
  text: LocalizedText;
}

/** The agreement currently in force. */
export const CURRENT_AGREEMENT: Agreement = {
  version: '2025-01',
  publishedAt: new Date('2025-01-01T00:00:00.000Z'),
  title: {
    ru: 'Пользовательское соглашение информационной системы «Национальный удостоверяющий центр Республики Казахстан» (тестовый УЦ kzpki)',
    kk: '«Қазақстан Республикасының Ұлттық куәландырушы орталығы» ақпараттық жүйесінің пайдаланушылық келісімі (kzpki сынақ КО)',
    en: 'User agreement of the "National Certification Authority of the Republic of Kazakhstan" information system (kzpki test CA)',
  },
  text: {
    ru:
      'Я, пользователь информационной системы, даю согласие на сбор и обработку моих персональных данных ' +
      '(фамилия, имя, отчество, ИИН, место работы и должность, контактные данные) для получения государственной ' +
      'услуги «Выдача и отзыв регистрационного свидетельства НУЦ РК», а также на их получение из государственных ' +
      'баз данных «Физические лица» и «Юридические лица» в целях идентификации и корректного заполнения заявления. ' +
      'Это тестовый удостоверяющий центр kzpki: его сертификаты не имеют юридической силы.',
    kk:
      'Мен, ақпараттық жүйенің пайдаланушысы, «ҚР ҰКО тіркеу куәлігін беру және кері қайтарып алу» мемлекеттік ' +
      'қызметін алу үшін дербес деректерімді (тегі, аты, әкесінің аты, ЖСН, жұмыс орны мен лауазымы, байланыс ' +
      'ақпараты) жинауға және өңдеуге, сондай-ақ оларды сәйкестендіру және өтінішті дұрыс толтыру мақсатында ' +
      '«Жеке тұлғалар» және «Заңды тұлғалар» мемлекеттік дерекқорларынан алуға келісім беремін. ' +
      'Бұл kzpki сынақ куәландырушы орталығы: оның сертификаттарының заңды күші жоқ.',
    en:
      'I, a user of the information system, consent to the collection and processing of my personal data ' +
      '(surname, name, patronymic, IIN, employer and position, contact details) to receive the state service ' +
      '"Issue and revocation of a registration certificate of the NCA RK", and to their retrieval from the state ' +
      'databases of individuals and legal entities for identification and for filling in the application. ' +
      'This is the kzpki test certification authority: its certificates have no legal force.',
  },
};
