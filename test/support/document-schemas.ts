import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// CommonJS modules that also name themselves `default`: the same class under ESM and Jest.
const Ajv2020 = Ajv2020Module.default;

/** Where the document's component schemas are registered, for `$ref`s from outside. */
const DOCUMENT_ID = 'https://shop.example/openapi.json';

/**
 * Compiles the schemas of an OpenAPI 3.1 document with Ajv (JSON Schema 2020-12, which 3.1's
 * schemas are), so a value can be checked against `#/components/schemas/<name>`. OpenAPI's own
 * keywords (`example`, `discriminator`…) are annotations; formats are checked.
 */
export class DocumentSchemas {
  private readonly ajv: InstanceType<typeof Ajv2020>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: { components?: { schemas?: Record<string, unknown> } }) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(this.ajv);
    // Multipart file parts (`format: binary`) are not JSON values to check.
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components ?? {} });
  }

  /** Checks `value` against a schema of the document; the error messages, or [] when valid. */
  errors(schema: Record<string, unknown>, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate: ValidateFunction | undefined = this.compiled.get(key);
    if (validate === undefined) {
      // Local `#/components/…` references resolve against the document.
      const resolved = JSON.parse(
        key.replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`),
      ) as Record<string, unknown>;
      validate = this.ajv.compile(resolved);
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  }

  /** Checks `value` against `#/components/schemas/<name>`. */
  errorsFor(name: string, value: unknown): string[] {
    return this.errors({ $ref: `#/components/schemas/${name}` }, value);
  }
}
