// Parameter Store's two calls over the direct client (src/aws/direct-client.ts), shaped as the SDK's SSM client answers them.
import { PARAMETER_STORE } from './aws-services.ts';
import { DirectClient, type DirectRouteSettings } from './direct-client.ts';
import type {
  GetParametersByPathInput,
  GetParametersByPathOutput,
  GetParametersInput,
  GetParametersOutput,
  ParameterStoreApi,
} from './parameter-store-api.ts';

/** Both calls are retried as the SDK's SSM client retries them: throttling included (their quotas are shared, not capped). */
export class DirectParameterStore implements ParameterStoreApi {
  readonly #client: DirectClient;

  constructor(settings: DirectRouteSettings) {
    this.#client = new DirectClient({ ...settings, service: PARAMETER_STORE });
  }

  async getParameters(input: GetParametersInput, abortSignal: AbortSignal): Promise<GetParametersOutput> {
    return (await this.#client.call('GetParameters', input, abortSignal)) as GetParametersOutput;
  }

  async getParametersByPath(
    input: GetParametersByPathInput,
    abortSignal: AbortSignal,
  ): Promise<GetParametersByPathOutput> {
    return (await this.#client.call('GetParametersByPath', input, abortSignal)) as GetParametersByPathOutput;
  }
}
