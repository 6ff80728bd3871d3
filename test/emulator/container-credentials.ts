// The container credentials endpoint (ECS, EKS Pod Identity) the SDK asks when AWS_CONTAINER_CREDENTIALS_FULL_URI is set.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyPair } from './sigv4-verify.ts';

/** Point AWS_CONTAINER_CREDENTIALS_FULL_URI at `${emulator.url}${CONTAINER_CREDENTIALS_PATH}`. */
export const CONTAINER_CREDENTIALS_PATH = '/container-credentials';

/** The temporary key pair the endpoint hands out; the emulator accepts it like any other. */
export const CONTAINER_CREDENTIAL: KeyPair & { readonly sessionToken: string } = {
  accessKeyId: 'fake-container-key',
  secretAccessKey: 'container-secret',
  sessionToken: 'container-session-token',
};

const HOUR = 3_600_000;

/** Answers a GET of the endpoint as ECS does (true), or leaves the request to Secrets Manager's handler (false). */
export function serveContainerCredentials(
  request: IncomingMessage,
  response: ServerResponse,
  clock: () => number,
): boolean {
  if (request.method !== 'GET' || request.url !== CONTAINER_CREDENTIALS_PATH) return false;
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      AccessKeyId: CONTAINER_CREDENTIAL.accessKeyId,
      SecretAccessKey: CONTAINER_CREDENTIAL.secretAccessKey,
      Token: CONTAINER_CREDENTIAL.sessionToken,
      Expiration: new Date(clock() + HOUR).toISOString(),
    }),
  );
  return true;
}
