import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { AsyncApiDocument } from '@/notifications/asyncapi-document.js';

/** The committed asyncapi.json: the contract clients read, and the one these tests hold the app to. */
export function committedAsyncApi(): AsyncApiDocument {
  return JSON.parse(readFileSync('asyncapi.json', 'utf8')) as AsyncApiDocument;
}

/** Socket.IO's own client-side events: not the server's to document. */
export const RESERVED_CLIENT_EVENTS = ['connect', 'disconnect', 'connect_error'];

/**
 * A validator of each message of the document's `/notifications` channel, by event name, with a
 * standard JSON Schema validator (Ajv, draft 2020-12, formats checked): `problems(event, payload)`
 * is empty when the payload matches the message's schema, and names what does not otherwise
 * (an event the document does not list is a problem too).
 */
export function messageValidator(document: AsyncApiDocument): {
  events: string[];
  problems: (event: string, payload: unknown) => string[];
} {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validators = new Map<string, ValidateFunction>();
  const channel = Object.values(document.channels).find((c) => c.address === '/notifications');
  if (!channel) throw new Error('asyncapi.json has no /notifications channel');
  for (const ref of Object.values(channel.messages)) {
    const name = ref.$ref.split('/').pop() ?? '';
    const message = document.components.messages[name];
    if (!message) throw new Error(`asyncapi.json: ${ref.$ref} does not resolve`);
    validators.set(message.name, ajv.compile(message.payload));
  }
  return {
    events: [...validators.keys()],
    problems: (event, payload) => {
      const validate = validators.get(event);
      if (!validate) return [`"${event}" is not a message of asyncapi.json`];
      if (validate(payload)) return [];
      return (validate.errors ?? []).map(
        (e) =>
          `${event}${e.instancePath || ''}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
      );
    },
  };
}
