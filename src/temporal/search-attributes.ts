// Registers hookflow's search attributes with the server, idempotently. The
// dev server's --search-attribute flags are ignored for an existing db file,
// and a production cluster has none of them until someone adds them.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED_TYPE = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;
/** The dev server's spelling of each type in --search-attribute. */
const FLAG_TYPE = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList' } as const;

/** Either connection kind: the client's (gRPC in JavaScript) or a worker's NativeConnection. */
interface OperatorConnection {
  operatorService: proto.temporal.api.operatorservice.v1.OperatorService;
}

export async function registerSearchAttributes(connection: OperatorConnection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = new Set(Object.keys(customAttributes ?? {}));
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((key) => !existing.has(key.name));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_TYPE[key.type]])),
    });
  }
  return missing.map((key) => key.name);
}

/** The dev server flags that declare the same attributes for a new db file. */
export function searchAttributeFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).flatMap((key) => ['--search-attribute', `${key.name}=${FLAG_TYPE[key.type]}`]);
}
