// The awsJson1_1 wire of Secrets Manager and SSM: a call as an HttpRequest, an answer as output or the error the SDK would throw.
import {
  HttpRequest,
  type HttpResponse,
  loadJsonRpcErrorCode,
  parseJsonBody,
  parseJsonErrorBody,
} from '@smithy/core/protocols';
import { fromBase64, fromUtf8, streamCollector, toBase64, toUtf8 } from '@smithy/core/serde';
import type { AwsService } from './aws-services.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Says in AWS's logs (and CloudTrail's userAgent) which requests were withsecrets' own. */
const USER_AGENT = `withsecrets node/${process.version}`;
/** What @smithy/core/protocols reads a body with: the SDK client's own defaults in Node. */
const SERDE = {
  streamCollector,
  base64Decoder: fromBase64,
  base64Encoder: toBase64,
  utf8Decoder: fromUtf8,
  utf8Encoder: toUtf8,
};

/** What a failed call throws: the SDK's error shape, so that both routes report failures alike. */
interface ServiceErrorShape extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId?: string };
  $response: HttpResponse;
}

/** A POST of the service's `operation` to the endpoint's root (src/aws/direct-route.ts gives only endpoints without a path). */
export function awsJsonRequest(
  endpoint: URL,
  service: AwsService,
  operation: string,
  input: object,
): HttpRequest {
  const body = JSON.stringify(input);
  return new HttpRequest({
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
    method: 'POST',
    path: '/',
    headers: {
      'content-type': CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(body)),
      host: endpoint.host,
      'x-amz-target': `${service.targetPrefix}${operation}`,
      'user-agent': USER_AGENT,
    },
    body,
  });
}

/** The output of a 2xx answer; otherwise throws the service error it carries, as the SDK's awsJson1_1 protocol does. */
export async function awsJsonOutput(response: HttpResponse): Promise<unknown> {
  const metadata = {
    httpStatusCode: response.statusCode,
    ...(typeof response.headers['x-amzn-requestid'] === 'string'
      ? { requestId: response.headers['x-amzn-requestid'] }
      : {}),
  };
  if (response.statusCode >= 200 && response.statusCode < 300) {
    try {
      return await parseJsonBody(response.body, SERDE);
    } catch (thrown) {
      // The parser's error carries the body (secret values) in $responseBodyText: it is never kept.
      if ((thrown as Error).name !== 'SyntaxError') throw thrown;
      throw serviceError('SyntaxError', 'the response body is not JSON', response, metadata);
    }
  }
  let data: Record<string, unknown> = {};
  try {
    data = (await parseJsonErrorBody(response.body, SERDE)) as Record<string, unknown>;
  } catch {
    // An error page that is not JSON (a proxy's, say): the status and header still tell what happened.
  }
  const code = loadJsonRpcErrorCode(response, data) ?? 'Unknown';
  const message = typeof data.message === 'string' ? data.message : 'UnknownError';
  throw serviceError(code, message, response, metadata);
}

function serviceError(
  name: string,
  message: string,
  response: HttpResponse,
  metadata: ServiceErrorShape['$metadata'],
): ServiceErrorShape {
  return Object.assign(new Error(message), {
    name,
    $fault: response.statusCode < 500 ? ('client' as const) : ('server' as const),
    $metadata: metadata,
    $response: response,
  });
}
