// The HTTP API in front of the functions. Payload format 2.0 is required: the Publik signature
// is checked over `rawQueryString`, which only the 2.0 event carries verbatim.
import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ALARM_PERIOD, thresholdAlarm } from './alarms.ts';

export interface RouteKey {
  method: HttpMethod;
  path: string;
}

const METHODS = new Set<string>(Object.values(HttpMethod));

/** `GET /meetings/{meetingId}` → `{ method: GET, path: '/meetings/{meetingId}' }`. */
export function parseRouteKey(routeKey: string): RouteKey {
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  const method = match?.[1];
  const routePath = match?.[2];
  if (method === undefined || routePath === undefined || !METHODS.has(method)) {
    throw new Error(`Invalid route key "${routeKey}": expected "<METHOD> /path"`);
  }
  return { method: method as HttpMethod, path: routePath };
}

export interface ServiceHttpApiProps {
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  throttle: { rateLimit: number; burstLimit: number };
}

export class ServiceHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  /** Any 5xx answered on the stage: our functions never answer 500 on purpose. */
  readonly serverErrorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ServiceHttpApiProps) {
    super(scope, id);

    // No CORS: Publik calls us server to server, and the admin page is served by this API.
    this.api = new HttpApi(this, 'Api', {
      description: 'publik-club: webservices and data sources called by Publik forms, admin API',
      // The default stage is declared below, with throttling and access logs.
      createDefaultStage: false,
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        // The route only, never the query string (it carries the Publik signature) nor the path
        // (a one-click link `/u/{token}` carries its credential there).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    this.serverErrorAlarm = thresholdAlarm(this, 'ServerErrorAlarm', {
      // HTTP API v2: metric `5xx` of namespace AWS/ApiGateway, dimensions ApiId and Stage.
      metric: this.stage.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
      description:
        'The API answered 5xx (a 500 from a function, a 503 service-busy after DynamoDB throttling, or an integration failure: timeout, throttled function): find the requests in the API access logs (status, integrationError), then the function log lines with the same request id (docs/operations.md, "Alarms").',
    });
  }

  /** One Lambda integration per function, one route per route key. */
  addFunctionRoutes(
    id: string,
    fn: IFunction,
    routeKeys: readonly string[],
    linkTokenRoutes: readonly string[] = [],
    publicRoutes: readonly string[] = [],
  ): void {
    const integration = new HttpLambdaIntegration(`${id}Integration`, fn, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    for (const routeKey of routeKeys) {
      const { method, path } = parseRouteKey(routeKey);
      const [route] = this.api.addRoutes({ path, methods: [method], integration });
      if (route === undefined) throw new Error(`No route created for "${routeKey}"`);
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: publicRoutes.includes(routeKey)
          ? 'The API reference (the OpenAPI document and its page) is public by design: it describes the routes and holds no data.'
          : linkTokenRoutes.includes(routeKey)
          ? 'A personal link (e.g. a calendar file opened by a calendar application) authenticated inside the function by the unguessable token of the registration it names, compared in constant time; neither a Publik signature nor an authorizer applies.'
          : path.startsWith('/admin')
          ? 'Admin routes are authenticated inside the function: each request must carry an "Authorization: Bearer" token matching one of the tokens kept in SSM (shared/lambda/http.ts); an API Gateway authorizer would only duplicate that check.'
          : 'Publik routes are authenticated inside the function by the w.c.s. URL signature (HMAC over the raw query string, with timestamp and nonce, shared/publik/signature.ts); no API Gateway authorizer can verify it.',
      });
    }
  }

  /** The API's own URL (the `$default` stage is served at the root). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
