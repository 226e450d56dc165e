/**
 * The ajv instance for OpenAPI 3.1 documents: JSON Schema 2020-12 (the dialect of OpenAPI 3.1),
 * all errors, formats from ajv-formats.
 *
 * Why the cast below: ajv-formats is CommonJS with `exports.default = formatsPlugin` and
 * `module.exports = formatsPlugin`. Under `module: NodeNext` TypeScript types the default import
 * as the module namespace (so `addFormats(ajv)` does not type-check), while Node at run time may
 * hand over either the function or the namespace object depending on the loader (Node's ESM
 * loader, vitest, tsx). Taking `.default` when present and the import itself otherwise works in
 * all of them. This is the one place the workaround lives.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;

/** ajv-formats' plugin function, whichever way the loader exposes it. */
export const addFormats: FormatsPlugin = ((formatsModule as unknown as { default?: FormatsPlugin }).default ??
  formatsModule) as unknown as FormatsPlugin;

/**
 * A new ajv for OpenAPI 3.1 schemas. `strict: false` because an OpenAPI document carries keywords
 * that are not JSON Schema (`paths`, `example`, `discriminator`...).
 * @example
 * ```ts
 * const ajv = createAjv();
 * ajv.addSchema(document, 'urn:spec');
 * const validate = ajv.compile({ $ref: 'urn:spec#/components/schemas/Iin' });
 * ```
 */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}
