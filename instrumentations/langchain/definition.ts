/**
 * The LangChain instrumentation's identity (scope name, version, the component label on
 * aimeter_internal_errors_total), apart from index.ts so that the span modules it loads lazily
 * (agent-span.ts, tool-span.ts) label their swallowed errors the same way without importing it.
 */
import { defineInstrumentation } from '../../src/tracing/define';

export const LANGCHAIN = defineInstrumentation({ name: 'langchain' });
