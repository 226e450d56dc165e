/**
 * The demo data file (`apps/ca/data/demo.json`): persons of the registry of individuals with their
 * phones and identity documents, organisations with first managers, employees and Treasury-Client
 * participants, and the NCA operator. Validated on load so a typo fails loudly.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { CaError } from '../errors.js';
import type { RegistryOrganization, RegistryPerson } from './types.js';

/** A person of the demo data. */
export interface DemoPerson extends RegistryPerson {
  /** Phone in the Mobile Citizens Database; `null`: not registered. */
  phone: string | null;
  /** What the person's physical document says where it differs from the registry (mismatch → moderation). */
  presentedDocument?: Partial<Omit<RegistryPerson, 'iin' | 'document'> & RegistryPerson['document']>;
  /** The selfie does not match the registry photo. */
  faceMismatch?: boolean;
  /** Only visible in test mode (NCA test identifiers). */
  testOnly?: boolean;
  note?: string;
}

/** An organisation of the demo data. */
export interface DemoOrganization extends RegistryOrganization {
  employees: Array<{ iin: string; template: string }>;
  testOnly?: boolean;
}

/** The whole demo data file. */
export interface DemoData {
  persons: DemoPerson[];
  organizations: DemoOrganization[];
  /** The NCA operator who holds the operator certificate. */
  operator: { iin: string; bin: string; organization: string };
}

const str = { type: 'string', minLength: 1 } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const digits12 = { type: 'string', pattern: '^\\d{12}$' } as const;
const documentSchema = {
  type: 'object',
  required: ['type', 'number', 'issuer', 'issuedAt', 'validUntil'],
  additionalProperties: false,
  properties: {
    type: { enum: ['id-card', 'passport'] },
    number: str,
    issuer: str,
    issuedAt: date,
    validUntil: date,
  },
};
const SCHEMA = {
  type: 'object',
  required: ['persons', 'organizations', 'operator'],
  properties: {
    persons: {
      type: 'array',
      items: {
        type: 'object',
        required: ['iin', 'surname', 'givenName', 'sex', 'birthDate', 'phone', 'document'],
        additionalProperties: false,
        properties: {
          iin: digits12,
          surname: str,
          givenName: str,
          patronymic: str,
          sex: { enum: ['male', 'female'] },
          birthDate: date,
          birthPlace: str,
          nationality: str,
          phone: { anyOf: [{ type: 'null' }, { type: 'string', pattern: '^\\+7\\d{10}$' }] },
          document: documentSchema,
          presentedDocument: { type: 'object' },
          faceMismatch: { type: 'boolean' },
          testOnly: { type: 'boolean' },
          note: { type: 'string' },
        },
      },
    },
    organizations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['bin', 'name', 'firstManagerIin', 'employees'],
        additionalProperties: false,
        properties: {
          bin: digits12,
          name: str,
          firstManagerIin: digits12,
          employees: {
            type: 'array',
            items: {
              type: 'object',
              required: ['iin', 'template'],
              additionalProperties: false,
              properties: { iin: digits12, template: str },
            },
          },
          treasuryParticipants: {
            type: 'array',
            items: {
              type: 'object',
              required: ['iin', 'roleCode', 'participantCode'],
              additionalProperties: false,
              properties: { iin: digits12, roleCode: str, participantCode: str },
            },
          },
          testOnly: { type: 'boolean' },
        },
      },
    },
    operator: {
      type: 'object',
      required: ['iin', 'bin', 'organization'],
      properties: { iin: digits12, bin: digits12, organization: str },
    },
  },
};

/** Path of the bundled demo data file. */
export function defaultDemoDataPath(): string {
  // src/providers/ and dist/providers/ are both two levels below the package root.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'demo.json');
}

/**
 * Parses and validates demo data.
 * @throws {CaError} `ERR_INTERNAL` naming the first problem.
 */
export function parseDemoData(value: unknown): DemoData {
  const validate = new Ajv({ allErrors: false, strict: true }).compile(SCHEMA);
  if (!validate(value)) {
    const e = validate.errors?.[0];
    throw new CaError(
      'ERR_INTERNAL',
      `Invalid demo data at ${e?.instancePath || '/'}: ${e?.message ?? 'invalid'}`,
    );
  }
  const data = value as unknown as DemoData;
  const iins = new Set(data.persons.map((p) => p.iin));
  for (const o of data.organizations) {
    for (const iin of [
      o.firstManagerIin,
      ...o.employees.map((e) => e.iin),
      ...(o.treasuryParticipants ?? []).map((t) => t.iin),
    ]) {
      if (!iins.has(iin))
        throw new CaError('ERR_INTERNAL', `Invalid demo data: ${o.bin} refers to unknown IIN ${iin}`);
    }
  }
  return data;
}

/** Loads the demo data file (default: the bundled `data/demo.json`). */
export function loadDemoData(path: string = defaultDemoDataPath()): DemoData {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CaError('ERR_INTERNAL', `Cannot read demo data ${path}`, { cause });
  }
  return parseDemoData(raw);
}
