/**
 * What aimeter adds to instrumentation-http's SERVER spans, as HttpInstrumentation options:
 * the framework's route (`http.route`, and the span named `GET /route` as the semantic
 * conventions ask), and no span at all for requests to aimeter's own servers.
 */
import { SpanKind } from '@opentelemetry/api';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { recordInternalError } from '../internal/errors';
import { ATTR_HTTP_ROUTE } from '../semconv/attributes';
import { isOwnServerRequest } from './own-servers';
import { routeOf } from './route';

type ServerSpanHooks = Required<Pick<HttpInstrumentationConfig, 'ignoreIncomingRequestHook' | 'applyCustomAttributesOnSpan'>>;

/** The SDK's span, as far as these hooks read it. */
interface SpanFields {
  readonly kind?: SpanKind;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export function serverSpanHooks(): ServerSpanHooks {
  return {
    ignoreIncomingRequestHook: (request) => isOwnServerRequest(request),
    // Called as each span ends (client ones too), after instrumentation-http set its attributes.
    applyCustomAttributesOnSpan: (span, request) => {
      try {
        const fields = span as SpanFields;
        if (fields.kind !== SpanKind.SERVER) return;
        if (fields.attributes?.[ATTR_HTTP_ROUTE] !== undefined) return; // a framework instrumentation set it
        const route = routeOf(request);
        if (route === undefined) return;
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${(request as { method?: string }).method ?? 'GET'} ${route}`);
      } catch (error) {
        recordInternalError('http-route', error);
      }
    },
  };
}
