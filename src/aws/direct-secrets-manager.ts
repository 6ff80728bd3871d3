// Secrets Manager's four calls over the direct client (src/aws/direct-client.ts), shaped as the SDK's client answers them.
import { SECRETS_MANAGER } from './aws-services.ts';
import { DirectClient, type DirectRouteSettings } from './direct-client.ts';
import type {
  BatchGetSecretValueInput,
  BatchGetSecretValueOutput,
  DescribeSecretInput,
  DescribeSecretOutput,
  GetSecretValueInput,
  ListSecretsInput,
  ListSecretsOutput,
  SecretsManagerApi,
  SecretValueEntry,
} from './secrets-manager-api.ts';

interface RawSecretValue extends Omit<SecretValueEntry, 'SecretBinary'> {
  readonly SecretBinary?: string;
}

export class DirectSecretsManager implements SecretsManagerApi {
  readonly #client: DirectClient;

  constructor(settings: DirectRouteSettings) {
    this.#client = new DirectClient({ ...settings, service: SECRETS_MANAGER });
  }

  async getSecretValue(input: GetSecretValueInput, abortSignal: AbortSignal): Promise<SecretValueEntry> {
    return withBinary((await this.#client.call('GetSecretValue', input, abortSignal)) as RawSecretValue);
  }

  /** BatchGetSecretValue's quota is low and fixed (100/s a region): a throttled call is not retried. */
  async batchGetSecretValue(
    input: BatchGetSecretValueInput,
    abortSignal: AbortSignal,
  ): Promise<BatchGetSecretValueOutput> {
    const output = (await this.#client.call('BatchGetSecretValue', input, abortSignal, {
      retryThrottled: false,
    })) as BatchGetSecretValueOutput & { SecretValues?: RawSecretValue[] };
    return { ...output, SecretValues: output.SecretValues?.map(withBinary) };
  }

  async listSecrets(input: ListSecretsInput, abortSignal: AbortSignal): Promise<ListSecretsOutput> {
    return (await this.#client.call('ListSecrets', input, abortSignal)) as ListSecretsOutput;
  }

  async describeSecret(input: DescribeSecretInput, abortSignal: AbortSignal): Promise<DescribeSecretOutput> {
    return (await this.#client.call('DescribeSecret', input, abortSignal)) as DescribeSecretOutput;
  }
}

/** JSON carries a binary secret as base64; the SDK hands out its bytes, and so does the direct client. */
function withBinary(value: RawSecretValue): SecretValueEntry {
  const { SecretBinary: base64, ...rest } = value;
  return base64 === undefined
    ? rest
    : { ...rest, SecretBinary: new Uint8Array(Buffer.from(base64, 'base64')) };
}
