// AWS client settings for the local emulators. Fixed fake credentials and region: the local
// runtime must never reach a real AWS account, whatever the developer's shell exports.

export const LOCAL_REGION = 'eu-west-3';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Config object for any AWS SDK v3 client pointed at a local emulator. */
export function localClientConfig(endpoint: string): LocalClientConfig {
  return { region: LOCAL_REGION, endpoint, credentials: { ...LOCAL_CREDENTIALS } };
}
