/**
 * Compares what Digital ID recognised on the document with the registry of individuals: names,
 * birth date, sex, document type and number, and that the document is still valid. Any difference
 * sends the identification to an operator (moderation).
 */

import type { FieldMismatch, RecognizedDocument } from '@kzpki/ca-store';
import type { RegistryPerson } from '../providers/types.js';

function norm(v: string | undefined): string {
  return (v ?? '').trim().replace(/\s+/g, ' ').toUpperCase().replace(/Ё/g, 'Е');
}

/** Differences between the recognised document and the registry (empty: they match). */
export function compareWithRegistry(
  doc: RecognizedDocument,
  person: RegistryPerson,
  today: string,
): FieldMismatch[] {
  const out: FieldMismatch[] = [];
  const check = (field: string, document: string | undefined, registry: string | undefined): void => {
    if (norm(document) !== norm(registry))
      out.push({ field, document: document ?? '', registry: registry ?? '' });
  };
  check('iin', doc.iin, person.iin);
  check('surname', doc.surname, person.surname);
  check('givenName', doc.givenName, person.givenName);
  check('patronymic', doc.patronymic, person.patronymic);
  check('birthDate', doc.birthDate, person.birthDate);
  check('sex', doc.sex, person.sex);
  check('documentType', doc.type, person.document.type);
  check('documentNumber', doc.number, person.document.number);
  if (doc.validUntil < today)
    out.push({ field: 'validUntil', document: doc.validUntil, registry: `>= ${today}` });
  return out;
}
