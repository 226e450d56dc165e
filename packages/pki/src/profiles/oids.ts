/**
 * Object identifiers of the NCA RK PKI and the standard ones its certificates carry, with names in
 * Russian, Kazakh and English.
 *
 * Sources: the NCA's public test and production certificates (`fixtures/nca`), the public OID
 * arc 1.2.398 (Kazakhstan) and RFC 5280 / RFC 4519 / RFC 6960 for the standard identifiers. The
 * Kazakh and English names of NCA roles are this project's translations of the Russian names the
 * NCA uses on its issuance pages.
 *
 * Everything here is data: {@link NCA_OIDS} for code that needs an OID by meaning, and the
 * registry behind {@link describeOid} / {@link lookupOid} for code that needs a meaning by OID.
 */
import { PkiError } from '../errors.js';
import { KEY_ALGORITHM_OIDS } from '../keys/key-algorithm.js';
import { HASH_OIDS, SIGNATURE_OIDS } from '../signature/algorithms.js';
import { ACCESS_METHOD_OIDS, EXTENSION_OIDS } from '../x509/extension-oids.js';

/** A language of the names in the registry. */
export type OidLanguage = 'ru' | 'kk' | 'en';

/** Template-style name of a role an NCA certificate carries in its ExtendedKeyUsage. */
export type CertificateRole =
  | 'individual'
  | 'legal-entity'
  | 'first-manager'
  | 'signer'
  | 'finance'
  | 'hr'
  | 'employee'
  | 'information-system'
  | 'treasury'
  | 'nca-staff'
  | 'nca-admin'
  | 'nca-manager'
  | 'nca-operator';

/** How the NCA identified the certificate holder (an OID in ExtendedKeyUsage). */
export type IdentificationMethod = 'service-centre' | 'remote' | 'remote-digital-id';

/** What an OID identifies; groups the registry. */
export type OidGroup =
  | 'role'
  | 'identification-method'
  | 'policy'
  | 'attribute'
  | 'extended-key-usage'
  | 'extension'
  | 'access-method'
  | 'key-algorithm'
  | 'signature-algorithm'
  | 'hash-algorithm'
  | 'curve';

/** One registry entry. */
export interface OidEntry {
  /** Dotted-decimal OID. */
  oid: string;
  /** Stable short identifier (e.g. `clientAuth`, `sha256WithRSAEncryption`, `CN`). */
  name: string;
  /** What kind of object it identifies. */
  group: OidGroup;
  /** Russian name. */
  ru: string;
  /** Kazakh name. */
  kk: string;
  /** English name. */
  en: string;
  /** For role OIDs: the template-style role name. */
  role?: CertificateRole;
  /** For identification-method OIDs: the method. */
  identification?: IdentificationMethod;
}

/**
 * The OIDs of the NCA RK PKI by meaning (docs/domain.md, Templates and role OIDs), plus the standard ones the profiles use.
 *
 * @example
 * ```ts
 * profile.extKeyUsage.includes(NCA_OIDS.role.firstManager);
 * ```
 */
export const NCA_OIDS = {
  /** Role OIDs, carried in ExtendedKeyUsage after the purpose (clientAuth / emailProtection). */
  role: {
    individual: '1.2.398.3.3.4.1.1',
    legalEntity: '1.2.398.3.3.4.1.2',
    firstManager: '1.2.398.3.3.4.1.2.1',
    signer: '1.2.398.3.3.4.1.2.2',
    finance: '1.2.398.3.3.4.1.2.3',
    hr: '1.2.398.3.3.4.1.2.4',
    employee: '1.2.398.3.3.4.1.2.5',
    /** Legal-entity information system; the NCA may append a further arc (`.N`). */
    informationSystem: '1.2.398.3.3.4.1.2.6',
    treasuryClient: '1.2.398.5.19.1.2.2.1',
    ncaStaff: '1.2.398.3.3.4.2',
    ncaAdmin: '1.2.398.3.3.4.2.1',
    ncaManager: '1.2.398.3.3.4.2.2',
    ncaOperator: '1.2.398.3.3.4.2.3',
  },
  /** Identification-method OIDs (ExtendedKeyUsage). */
  identification: {
    serviceCentre: '1.2.398.3.3.4.3.1',
    remote: '1.2.398.3.3.4.3.2',
    remoteDigitalId: '1.2.398.3.3.4.3.2.1',
  },
  /** certificatePolicies OIDs. */
  policy: {
    legalEntitySign: '1.2.398.3.3.2.1',
    legalEntityAuth: '1.2.398.3.3.2.2',
    individualSign: '1.2.398.3.3.2.3',
    individualAuth: '1.2.398.3.3.2.4',
    /** End-entity policy of the GOST-2015 generation (one certificate per key for both uses). */
    endEntity: '1.2.398.3.3.2',
    /** Policy in the NCA's issuing-CA certificates. */
    issuingCa: '1.2.398.3.3.1.1',
    /** Policy in the root CA certificates. */
    rootCa: '1.2.398.3.1.2',
  },
  /** Subject attribute types (X.520, RFC 4519, PKCS#9). */
  attribute: {
    commonName: '2.5.4.3',
    surname: '2.5.4.4',
    serialNumber: '2.5.4.5',
    country: '2.5.4.6',
    locality: '2.5.4.7',
    stateOrProvince: '2.5.4.8',
    street: '2.5.4.9',
    organization: '2.5.4.10',
    organizationalUnit: '2.5.4.11',
    title: '2.5.4.12',
    businessCategory: '2.5.4.15',
    /** givenName; the NCA puts the patronymic here. */
    givenName: '2.5.4.42',
    domainComponent: '0.9.2342.19200300.100.1.25',
    userId: '0.9.2342.19200300.100.1.1',
    emailAddress: '1.2.840.113549.1.9.1',
  },
  /** Standard ExtendedKeyUsage purposes (RFC 5280 §4.2.1.12). */
  eku: {
    serverAuth: '1.3.6.1.5.5.7.3.1',
    clientAuth: '1.3.6.1.5.5.7.3.2',
    codeSigning: '1.3.6.1.5.5.7.3.3',
    emailProtection: '1.3.6.1.5.5.7.3.4',
    timeStamping: '1.3.6.1.5.5.7.3.8',
    ocspSigning: '1.3.6.1.5.5.7.3.9',
    anyExtendedKeyUsage: '2.5.29.37.0',
  },
  /** Certificate extensions (values from `EXTENSION_OIDS`). */
  extension: {
    subjectKeyIdentifier: EXTENSION_OIDS.subjectKeyIdentifier,
    keyUsage: EXTENSION_OIDS.keyUsage,
    privateKeyUsagePeriod: EXTENSION_OIDS.privateKeyUsagePeriod,
    subjectAltName: EXTENSION_OIDS.subjectAltName,
    issuerAltName: EXTENSION_OIDS.issuerAltName,
    basicConstraints: EXTENSION_OIDS.basicConstraints,
    nameConstraints: EXTENSION_OIDS.nameConstraints,
    crlDistributionPoints: EXTENSION_OIDS.cRLDistributionPoints,
    certificatePolicies: EXTENSION_OIDS.certificatePolicies,
    policyMappings: EXTENSION_OIDS.policyMappings,
    authorityKeyIdentifier: EXTENSION_OIDS.authorityKeyIdentifier,
    policyConstraints: EXTENSION_OIDS.policyConstraints,
    extKeyUsage: EXTENSION_OIDS.extKeyUsage,
    freshestCrl: EXTENSION_OIDS.freshestCRL,
    inhibitAnyPolicy: EXTENSION_OIDS.inhibitAnyPolicy,
    authorityInfoAccess: EXTENSION_OIDS.authorityInfoAccess,
    subjectInfoAccess: EXTENSION_OIDS.subjectInfoAccess,
    ocspNoCheck: EXTENSION_OIDS.ocspNoCheck,
  },
  /** AuthorityInfoAccess access methods. */
  accessMethod: ACCESS_METHOD_OIDS,
  /** Public-key algorithms (values from `KEY_ALGORITHM_OIDS`). */
  keyAlgorithm: {
    rsaEncryption: KEY_ALGORITHM_OIDS.rsaEncryption,
    rsassaPss: KEY_ALGORITHM_OIDS.rsassaPss,
    ecPublicKey: KEY_ALGORITHM_OIDS.ecPublicKey,
    ed25519: KEY_ALGORITHM_OIDS.ed25519,
    ed448: KEY_ALGORITHM_OIDS.ed448,
    /** GOST 34.310-2004 (Kazakhstan). */
    gost2004: KEY_ALGORITHM_OIDS.gost2004,
    /** GOST R 34.10-2015, 512-bit (Kazakhstan profile). */
    gost2015_512: KEY_ALGORITHM_OIDS.gost2015_512,
  },
  /** Signature algorithms (values from `SIGNATURE_OIDS`). */
  signatureAlgorithm: {
    sha1WithRSAEncryption: SIGNATURE_OIDS.sha1WithRSAEncryption,
    sha256WithRSAEncryption: SIGNATURE_OIDS.sha256WithRSAEncryption,
    sha384WithRSAEncryption: SIGNATURE_OIDS.sha384WithRSAEncryption,
    sha512WithRSAEncryption: SIGNATURE_OIDS.sha512WithRSAEncryption,
    rsassaPss: SIGNATURE_OIDS.rsassaPss,
    ecdsaWithSHA256: SIGNATURE_OIDS.ecdsaWithSHA256,
    ecdsaWithSHA384: SIGNATURE_OIDS.ecdsaWithSHA384,
    ecdsaWithSHA512: SIGNATURE_OIDS.ecdsaWithSHA512,
    ed25519: SIGNATURE_OIDS.ed25519,
    /** GOST 34.310-2004 with GOST 34.311-95. */
    gost2004: SIGNATURE_OIDS.gost2004,
    /** GOST R 34.10-2015 512-bit with Streebog-512 (byte order reversed vs RFC 4491). */
    gost2015_512: SIGNATURE_OIDS.gost2015_512,
  },
  /** Hash algorithms (SHA values from `HASH_OIDS`). */
  hashAlgorithm: {
    sha1: HASH_OIDS['SHA-1'],
    sha256: HASH_OIDS['SHA-256'],
    sha384: HASH_OIDS['SHA-384'],
    sha512: HASH_OIDS['SHA-512'],
    gost34311: '1.2.398.3.10.1.3.1',
    streebog512: '1.2.398.3.10.1.3.3',
  },
  /** Elliptic curves (values from `KEY_ALGORITHM_OIDS`) and GOST parameter sets. */
  curve: {
    p256: KEY_ALGORITHM_OIDS.secp256r1,
    p384: KEY_ALGORITHM_OIDS.secp384r1,
    p521: KEY_ALGORITHM_OIDS.secp521r1,
    gost2004ParamSetA: '1.2.398.3.10.1.1.1.1.1',
    /** GOST R 34.10-2015 512-bit parameter set A (tc26-512-paramSetA). */
    gost2015_512ParamSetA: '1.2.398.3.10.1.1.2.2.1',
  },
} as const;

type Row = [oid: string, name: string, ru: string, kk: string, en: string, extra?: Partial<OidEntry>];

const ROLE_ROWS: Row[] = [
  [
    NCA_OIDS.role.individual,
    'individual',
    'Физическое лицо',
    'Жеке тұлға',
    'Individual',
    { role: 'individual' },
  ],
  [
    NCA_OIDS.role.legalEntity,
    'legalEntity',
    'Юридическое лицо',
    'Заңды тұлға',
    'Legal entity',
    { role: 'legal-entity' },
  ],
  [
    NCA_OIDS.role.firstManager,
    'firstManager',
    'Первый руководитель',
    'Бірінші басшы',
    'First manager',
    { role: 'first-manager' },
  ],
  [
    NCA_OIDS.role.signer,
    'signer',
    'Сотрудник с правом подписи',
    'Қол қою құқығы бар қызметкер',
    'Employee with signing right',
    { role: 'signer' },
  ],
  [
    NCA_OIDS.role.finance,
    'finance',
    'Сотрудник с правом подписи финансовых документов',
    'Қаржылық құжаттарға қол қою құқығы бар қызметкер',
    'Employee with the right to sign financial documents',
    { role: 'finance' },
  ],
  [
    NCA_OIDS.role.hr,
    'hr',
    'Сотрудник отдела кадров',
    'Кадр бөлімінің қызметкері',
    'HR employee',
    { role: 'hr' },
  ],
  [
    NCA_OIDS.role.employee,
    'employee',
    'Сотрудник организации',
    'Ұйым қызметкері',
    'Organisation employee',
    { role: 'employee' },
  ],
  [
    NCA_OIDS.role.informationSystem,
    'informationSystem',
    'Информационная система юридического лица',
    'Заңды тұлғаның ақпараттық жүйесі',
    'Legal-entity information system',
    { role: 'information-system' },
  ],
  [
    NCA_OIDS.role.treasuryClient,
    'treasuryClient',
    'Участник ИС Казначейство-Клиент',
    '«Қазынашылық-Клиент» АЖ қатысушысы',
    'Treasury-Client information system participant',
    { role: 'treasury' },
  ],
  [
    NCA_OIDS.role.ncaStaff,
    'ncaStaff',
    'Привилегии сотрудника НУЦ',
    'ҰКО қызметкерінің артықшылықтары',
    'NCA staff privileges',
    { role: 'nca-staff' },
  ],
  [
    NCA_OIDS.role.ncaAdmin,
    'ncaAdmin',
    'Администратор НУЦ',
    'ҰКО әкімшісі',
    'NCA administrator',
    { role: 'nca-admin' },
  ],
  [
    NCA_OIDS.role.ncaManager,
    'ncaManager',
    'Менеджер НУЦ',
    'ҰКО менеджері',
    'NCA manager',
    { role: 'nca-manager' },
  ],
  [
    NCA_OIDS.role.ncaOperator,
    'ncaOperator',
    'Оператор НУЦ',
    'ҰКО операторы',
    'NCA operator',
    { role: 'nca-operator' },
  ],
];

const IDENTIFICATION_ROWS: Row[] = [
  [
    NCA_OIDS.identification.serviceCentre,
    'identifiedAtServiceCentre',
    'Идентификация в центре обслуживания',
    'Қызмет көрсету орталығында сәйкестендіру',
    'Identified at a service centre',
    { identification: 'service-centre' },
  ],
  [
    NCA_OIDS.identification.remote,
    'identifiedRemotely',
    'Удалённая идентификация',
    'Қашықтан сәйкестендіру',
    'Identified remotely',
    { identification: 'remote' },
  ],
  [
    NCA_OIDS.identification.remoteDigitalId,
    'identifiedRemotelyDigitalId',
    'Удалённая идентификация через Digital ID',
    'Digital ID арқылы қашықтан сәйкестендіру',
    'Identified remotely via Digital ID',
    { identification: 'remote-digital-id' },
  ],
];

const POLICY_ROWS: Row[] = [
  [
    NCA_OIDS.policy.legalEntitySign,
    'legalEntitySignPolicy',
    'Политика: подпись юридического лица',
    'Саясат: заңды тұлғаның қолтаңбасы',
    'Policy: legal entity, signing',
  ],
  [
    NCA_OIDS.policy.legalEntityAuth,
    'legalEntityAuthPolicy',
    'Политика: аутентификация юридического лица',
    'Саясат: заңды тұлғаның аутентификациясы',
    'Policy: legal entity, authentication',
  ],
  [
    NCA_OIDS.policy.individualSign,
    'individualSignPolicy',
    'Политика: подпись физического лица',
    'Саясат: жеке тұлғаның қолтаңбасы',
    'Policy: individual, signing',
  ],
  [
    NCA_OIDS.policy.individualAuth,
    'individualAuthPolicy',
    'Политика: аутентификация физического лица',
    'Саясат: жеке тұлғаның аутентификациясы',
    'Policy: individual, authentication',
  ],
  [
    NCA_OIDS.policy.endEntity,
    'endEntityPolicy',
    'Политика: регистрационные свидетельства НУЦ (один ключ для подписи и аутентификации)',
    'Саясат: ҰКО тіркеу куәліктері (қол қою мен аутентификацияға бір кілт)',
    'Policy: NCA end-entity certificates (one key for signing and authentication)',
  ],
  [
    NCA_OIDS.policy.issuingCa,
    'issuingCaPolicy',
    'Политика: сертификат НУЦ',
    'Саясат: ҰКО сертификаты',
    'Policy: NCA issuing CA certificate',
  ],
  [
    NCA_OIDS.policy.rootCa,
    'rootCaPolicy',
    'Политика: корневой удостоверяющий центр',
    'Саясат: негізгі куәландырушы орталық',
    'Policy: root certification authority',
  ],
];

const ATTRIBUTE_ROWS: Row[] = [
  [NCA_OIDS.attribute.commonName, 'CN', 'Общее имя', 'Жалпы атау', 'Common name'],
  [NCA_OIDS.attribute.surname, 'SURNAME', 'Фамилия', 'Тегі', 'Surname'],
  [
    NCA_OIDS.attribute.serialNumber,
    'SERIALNUMBER',
    'ИИН (серийный номер субъекта)',
    'ЖСН (субъектінің сериялық нөмірі)',
    'IIN (subject serial number)',
  ],
  [NCA_OIDS.attribute.country, 'C', 'Страна', 'Ел', 'Country'],
  [NCA_OIDS.attribute.locality, 'L', 'Населённый пункт', 'Елді мекен', 'Locality'],
  [NCA_OIDS.attribute.stateOrProvince, 'ST', 'Область', 'Облыс', 'State or province'],
  [NCA_OIDS.attribute.street, 'STREET', 'Улица', 'Көше', 'Street'],
  [NCA_OIDS.attribute.organization, 'O', 'Организация', 'Ұйым', 'Organisation'],
  [
    NCA_OIDS.attribute.organizationalUnit,
    'OU',
    'БИН (подразделение)',
    'БСН (бөлімше)',
    'BIN (organisational unit)',
  ],
  [NCA_OIDS.attribute.title, 'T', 'Должность', 'Лауазымы', 'Title'],
  [
    NCA_OIDS.attribute.businessCategory,
    'BUSINESSCATEGORY',
    'Код участника Казначейства',
    'Қазынашылық қатысушысының коды',
    'Treasury participant code (business category)',
  ],
  [NCA_OIDS.attribute.givenName, 'GIVENNAME', 'Отчество', 'Әкесінің аты', 'Patronymic (given name)'],
  [NCA_OIDS.attribute.domainComponent, 'DC', 'Код роли', 'Рөл коды', 'Role code (domain component)'],
  [NCA_OIDS.attribute.userId, 'UID', 'Идентификатор пользователя', 'Пайдаланушы идентификаторы', 'User ID'],
  [NCA_OIDS.attribute.emailAddress, 'E', 'Электронная почта', 'Электрондық пошта', 'E-mail address'],
];

const EKU_ROWS: Row[] = [
  [
    NCA_OIDS.eku.serverAuth,
    'serverAuth',
    'Аутентификация сервера',
    'Серверді аутентификациялау',
    'TLS server authentication',
  ],
  [
    NCA_OIDS.eku.clientAuth,
    'clientAuth',
    'Аутентификация клиента',
    'Клиентті аутентификациялау',
    'Client authentication',
  ],
  [NCA_OIDS.eku.codeSigning, 'codeSigning', 'Подпись кода', 'Кодқа қол қою', 'Code signing'],
  [
    NCA_OIDS.eku.emailProtection,
    'emailProtection',
    'Защита электронной почты (подпись)',
    'Электрондық поштаны қорғау (қол қою)',
    'E-mail protection (signing)',
  ],
  [NCA_OIDS.eku.timeStamping, 'timeStamping', 'Метки времени', 'Уақыт белгілері', 'Time stamping'],
  [
    NCA_OIDS.eku.ocspSigning,
    'OCSPSigning',
    'Подпись ответов OCSP',
    'OCSP жауаптарына қол қою',
    'OCSP signing',
  ],
  [
    NCA_OIDS.eku.anyExtendedKeyUsage,
    'anyExtendedKeyUsage',
    'Любое назначение',
    'Кез келген мақсат',
    'Any extended key usage',
  ],
];

const EXTENSION_ROWS: Row[] = [
  [
    NCA_OIDS.extension.subjectKeyIdentifier,
    'subjectKeyIdentifier',
    'Идентификатор ключа субъекта',
    'Субъект кілтінің идентификаторы',
    'Subject key identifier',
  ],
  [NCA_OIDS.extension.keyUsage, 'keyUsage', 'Использование ключа', 'Кілтті пайдалану', 'Key usage'],
  [
    NCA_OIDS.extension.privateKeyUsagePeriod,
    'privateKeyUsagePeriod',
    'Срок действия закрытого ключа',
    'Жабық кілттің қолданылу мерзімі',
    'Private key usage period',
  ],
  [
    NCA_OIDS.extension.subjectAltName,
    'subjectAltName',
    'Альтернативное имя субъекта',
    'Субъектінің балама атауы',
    'Subject alternative name',
  ],
  [
    NCA_OIDS.extension.issuerAltName,
    'issuerAltName',
    'Альтернативное имя издателя',
    'Берушінің балама атауы',
    'Issuer alternative name',
  ],
  [
    NCA_OIDS.extension.basicConstraints,
    'basicConstraints',
    'Основные ограничения',
    'Негізгі шектеулер',
    'Basic constraints',
  ],
  [
    NCA_OIDS.extension.nameConstraints,
    'nameConstraints',
    'Ограничения имён',
    'Атау шектеулері',
    'Name constraints',
  ],
  [
    NCA_OIDS.extension.crlDistributionPoints,
    'cRLDistributionPoints',
    'Точки распространения СОС',
    'КТТ тарату нүктелері',
    'CRL distribution points',
  ],
  [
    NCA_OIDS.extension.certificatePolicies,
    'certificatePolicies',
    'Политики сертификата',
    'Сертификат саясаттары',
    'Certificate policies',
  ],
  [
    NCA_OIDS.extension.policyMappings,
    'policyMappings',
    'Сопоставление политик',
    'Саясаттарды сәйкестендіру',
    'Policy mappings',
  ],
  [
    NCA_OIDS.extension.authorityKeyIdentifier,
    'authorityKeyIdentifier',
    'Идентификатор ключа издателя',
    'Беруші кілтінің идентификаторы',
    'Authority key identifier',
  ],
  [
    NCA_OIDS.extension.policyConstraints,
    'policyConstraints',
    'Ограничения политик',
    'Саясат шектеулері',
    'Policy constraints',
  ],
  [
    NCA_OIDS.extension.extKeyUsage,
    'extKeyUsage',
    'Расширенное использование ключа',
    'Кілтті кеңейтілген пайдалану',
    'Extended key usage',
  ],
  [
    NCA_OIDS.extension.freshestCrl,
    'freshestCRL',
    'Точки распространения разностного СОС',
    'Дельта-КТТ тарату нүктелері',
    'Freshest CRL (delta CRL)',
  ],
  [
    NCA_OIDS.extension.inhibitAnyPolicy,
    'inhibitAnyPolicy',
    'Запрет anyPolicy',
    'anyPolicy тыйымы',
    'Inhibit anyPolicy',
  ],
  [
    NCA_OIDS.extension.authorityInfoAccess,
    'authorityInfoAccess',
    'Доступ к информации издателя',
    'Беруші туралы ақпаратқа қол жеткізу',
    'Authority information access',
  ],
  [
    NCA_OIDS.extension.subjectInfoAccess,
    'subjectInfoAccess',
    'Доступ к информации субъекта',
    'Субъект туралы ақпаратқа қол жеткізу',
    'Subject information access',
  ],
  [NCA_OIDS.extension.ocspNoCheck, 'ocspNoCheck', 'Без проверки OCSP', 'OCSP тексерусіз', 'OCSP no check'],
];

const ACCESS_METHOD_ROWS: Row[] = [
  [NCA_OIDS.accessMethod.ocsp, 'ocsp', 'Служба OCSP', 'OCSP қызметі', 'OCSP'],
  [NCA_OIDS.accessMethod.caIssuers, 'caIssuers', 'Сертификат издателя', 'Беруші сертификаты', 'CA issuers'],
];

const ALGORITHM_ROWS: Row[] = [
  [NCA_OIDS.keyAlgorithm.rsaEncryption, 'rsaEncryption', 'RSA', 'RSA', 'RSA', { group: 'key-algorithm' }],
  [
    NCA_OIDS.keyAlgorithm.ecPublicKey,
    'ecPublicKey',
    'ECDSA',
    'ECDSA',
    'Elliptic curve public key',
    { group: 'key-algorithm' },
  ],
  [NCA_OIDS.keyAlgorithm.ed448, 'Ed448', 'Ed448', 'Ed448', 'Ed448', { group: 'key-algorithm' }],
  [
    NCA_OIDS.keyAlgorithm.gost2004,
    'gost34310-2004',
    'ГОСТ 34.310-2004 (открытый ключ)',
    'ГОСТ 34.310-2004 (ашық кілт)',
    'GOST 34.310-2004 public key',
    { group: 'key-algorithm' },
  ],
  [
    NCA_OIDS.keyAlgorithm.gost2015_512,
    'gost34310-2015-512',
    'ГОСТ Р 34.10-2015, 512 бит (открытый ключ)',
    'ГОСТ Р 34.10-2015, 512 бит (ашық кілт)',
    'GOST R 34.10-2015 512-bit public key',
    { group: 'key-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.sha1WithRSAEncryption,
    'sha1WithRSAEncryption',
    'RSA с SHA-1',
    'RSA, SHA-1',
    'RSA with SHA-1',
    { group: 'signature-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.sha256WithRSAEncryption,
    'sha256WithRSAEncryption',
    'RSA с SHA-256',
    'RSA, SHA-256',
    'RSA with SHA-256',
    { group: 'signature-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.sha384WithRSAEncryption,
    'sha384WithRSAEncryption',
    'RSA с SHA-384',
    'RSA, SHA-384',
    'RSA with SHA-384',
    { group: 'signature-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.sha512WithRSAEncryption,
    'sha512WithRSAEncryption',
    'RSA с SHA-512',
    'RSA, SHA-512',
    'RSA with SHA-512',
    { group: 'signature-algorithm' },
  ],
  // 1.2.840.113549.1.1.10 names both the RSASSA-PSS key and signature algorithm.
  [
    NCA_OIDS.signatureAlgorithm.rsassaPss,
    'RSASSA-PSS',
    'RSASSA-PSS',
    'RSASSA-PSS',
    'RSASSA-PSS',
    { group: 'signature-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.ecdsaWithSHA256,
    'ecdsa-with-SHA256',
    'ECDSA с SHA-256',
    'ECDSA, SHA-256',
    'ECDSA with SHA-256',
    { group: 'signature-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.ecdsaWithSHA384,
    'ecdsa-with-SHA384',
    'ECDSA с SHA-384',
    'ECDSA, SHA-384',
    'ECDSA with SHA-384',
    { group: 'signature-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.ecdsaWithSHA512,
    'ecdsa-with-SHA512',
    'ECDSA с SHA-512',
    'ECDSA, SHA-512',
    'ECDSA with SHA-512',
    { group: 'signature-algorithm' },
  ],
  // 1.3.101.112 names both the Ed25519 key and signature algorithm (RFC 8410).
  [
    NCA_OIDS.signatureAlgorithm.ed25519,
    'Ed25519',
    'Ed25519',
    'Ed25519',
    'Ed25519',
    { group: 'signature-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.gost2004,
    'gost34310-2004-with-gost34311-95',
    'ГОСТ 34.310-2004 с ГОСТ 34.311-95',
    'ГОСТ 34.310-2004, ГОСТ 34.311-95',
    'GOST 34.310-2004 with GOST 34.311-95',
    { group: 'signature-algorithm' },
  ],
  [
    NCA_OIDS.signatureAlgorithm.gost2015_512,
    'gost34310-2015-512-with-streebog512',
    'ГОСТ Р 34.10-2015 512 бит со Стрибог-512',
    'ГОСТ Р 34.10-2015 512 бит, Стрибог-512',
    'GOST R 34.10-2015 512-bit with Streebog-512',
    { group: 'signature-algorithm' },
  ],
  [NCA_OIDS.hashAlgorithm.sha1, 'SHA-1', 'SHA-1', 'SHA-1', 'SHA-1', { group: 'hash-algorithm' }],
  [NCA_OIDS.hashAlgorithm.sha256, 'SHA-256', 'SHA-256', 'SHA-256', 'SHA-256', { group: 'hash-algorithm' }],
  [NCA_OIDS.hashAlgorithm.sha384, 'SHA-384', 'SHA-384', 'SHA-384', 'SHA-384', { group: 'hash-algorithm' }],
  [NCA_OIDS.hashAlgorithm.sha512, 'SHA-512', 'SHA-512', 'SHA-512', 'SHA-512', { group: 'hash-algorithm' }],
  [
    NCA_OIDS.hashAlgorithm.gost34311,
    'gost34311-95',
    'ГОСТ 34.311-95',
    'ГОСТ 34.311-95',
    'GOST 34.311-95',
    { group: 'hash-algorithm' },
  ],
  [
    NCA_OIDS.hashAlgorithm.streebog512,
    'streebog512',
    'Стрибог-512',
    'Стрибог-512',
    'Streebog-512',
    { group: 'hash-algorithm' },
  ],
  [NCA_OIDS.curve.p256, 'P-256', 'P-256', 'P-256', 'NIST P-256 (secp256r1)', { group: 'curve' }],
  [NCA_OIDS.curve.p384, 'P-384', 'P-384', 'P-384', 'NIST P-384 (secp384r1)', { group: 'curve' }],
  [NCA_OIDS.curve.p521, 'P-521', 'P-521', 'P-521', 'NIST P-521 (secp521r1)', { group: 'curve' }],
  [
    NCA_OIDS.curve.gost2004ParamSetA,
    'gost2004-paramSetA',
    'Параметры ГОСТ 34.310-2004, набор A',
    'ГОСТ 34.310-2004 параметрлері, A жиыны',
    'GOST 34.310-2004 parameter set A',
    { group: 'curve' },
  ],
  [
    NCA_OIDS.curve.gost2015_512ParamSetA,
    'gost2015-512-paramSetA',
    'Параметры ГОСТ Р 34.10-2015 512 бит, набор A',
    'ГОСТ Р 34.10-2015 512 бит параметрлері, A жиыны',
    'GOST R 34.10-2015 512-bit parameter set A',
    { group: 'curve' },
  ],
];

function buildRegistry(): Map<string, OidEntry> {
  const registry = new Map<string, OidEntry>();
  const add = (group: OidGroup, rows: Row[]): void => {
    for (const [oid, name, ru, kk, en, extra] of rows) {
      registry.set(oid, { oid, name, group, ru, kk, en, ...extra });
    }
  };
  add('role', ROLE_ROWS);
  add('identification-method', IDENTIFICATION_ROWS);
  add('policy', POLICY_ROWS);
  add('attribute', ATTRIBUTE_ROWS);
  add('extended-key-usage', EKU_ROWS);
  add('extension', EXTENSION_ROWS);
  add('access-method', ACCESS_METHOD_ROWS);
  add('key-algorithm', ALGORITHM_ROWS);
  return registry;
}

// Built on first use so that importing the module does no work.
let registryCache: Map<string, OidEntry> | undefined;
function registry(): Map<string, OidEntry> {
  registryCache ??= buildRegistry();
  return registryCache;
}

/**
 * The registry entry of `oid`, or `undefined` when the OID is not known. Sub-arcs of the
 * legal-entity information-system role (`1.2.398.3.3.4.1.2.6.N`) resolve to that role.
 */
export function lookupOid(oid: string): OidEntry | undefined {
  const found = registry().get(oid);
  if (found) return found;
  const is = NCA_OIDS.role.informationSystem;
  if (oid.startsWith(`${is}.`) && /^\d+(\.\d+)*$/.test(oid.slice(is.length + 1))) {
    const parent = registry().get(is)!;
    return { ...parent, oid };
  }
  return undefined;
}

/**
 * A human-readable name of `oid` in `lang`; the OID itself when it is not in the registry.
 *
 * @example
 * ```ts
 * describeOid('1.2.398.3.3.4.1.2.1', 'ru'); // 'Первый руководитель'
 * describeOid('1.3.6.1.5.5.7.3.2');         // 'Client authentication'
 * ```
 */
export function describeOid(oid: string, lang: OidLanguage = 'en'): string {
  return lookupOid(oid)?.[lang] ?? oid;
}

/** Every registry entry, in registry order (for documentation and UIs). */
export function listOids(group?: OidGroup): OidEntry[] {
  const all = [...registry().values()];
  return group === undefined ? all : all.filter((e) => e.group === group);
}

/** The template-style role of a role OID (see {@link CertificateRole}), if it is one. */
export function roleOfOid(oid: string): CertificateRole | undefined {
  return lookupOid(oid)?.role;
}

/** The identification method an OID stands for, if it is an identification-method OID. */
export function identificationMethodOfOid(oid: string): IdentificationMethod | undefined {
  return lookupOid(oid)?.identification;
}

/** The OID of an identification method (the inverse of {@link identificationMethodOfOid}). */
export function identificationMethodOid(method: IdentificationMethod): string {
  switch (method) {
    case 'service-centre':
      return NCA_OIDS.identification.serviceCentre;
    case 'remote':
      return NCA_OIDS.identification.remote;
    case 'remote-digital-id':
      return NCA_OIDS.identification.remoteDigitalId;
    default:
      throw new PkiError('ERR_INVALID_ARGUMENT', `Unknown identification method: ${String(method)}`);
  }
}
