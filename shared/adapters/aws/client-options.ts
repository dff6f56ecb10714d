// Options for AWS SDK clients: in AWS the defaults; locally an emulator endpoint with
// dummy credentials (the emulators accept any).
export function clientOptions(endpoint: string | undefined) {
  if (endpoint === undefined) return {};
  return {
    endpoint,
    region: process.env.AWS_REGION ?? 'eu-west-3',
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  };
}
