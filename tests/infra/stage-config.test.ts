// Stage configuration, route-key parsing and the cdk-nag helper itself: no bundling, fast.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { parseRouteKey } from '#infra/constructs/http-api.ts';
import { DEV_MAIL_FROM, mailAddressOf, sesIdentityFor, stageConfig, stageConfigFromContext } from '#infra/stage-config.ts';
import { nagViolations, newApp } from './helpers.ts';

const fromContext = (context: Record<string, unknown>) => stageConfigFromContext((key) => context[key]);

describe('stage configuration', () => {
  it('defaults to dev, which cleans up after itself', () => {
    const config = fromContext({});
    expect(config.stage).toBe('dev');
    expect(config.stackName).toBe('PublikClub-dev');
    expect(config.retainData).toBe(false);
    expect(config.logRetention).toBe(RetentionDays.TWO_WEEKS);
  });

  it('keeps prod data and logs longer', () => {
    const config = fromContext({ stage: 'prod', mailFrom: 'club@club.example.org', alarmEmail: 'ops@club.example.org' });
    expect(config.retainData).toBe(true);
    expect(config.logRetention).toBe(RetentionDays.THREE_MONTHS);
  });

  it('names the SSM parameters per stage, with an overridable prefix', () => {
    expect(stageConfig('prod', { mailFrom: 'club@club.example.org', alarmEmail: 'ops@club.example.org' }).parameters).toEqual({
      publikSignatureKeys: '/publik-club/prod/publik-signature-keys',
      publikDefaultSignatureKey: '/publik-club/prod/publik-default-signature-key',
      adminTokens: '/publik-club/prod/admin-tokens',
      participationHashKey: '/publik-club/prod/participation-hash-key',
      checkinTokenKey: '/publik-club/prod/checkin-token-key',
      consoleSessionKey: '/publik-club/prod/console-session-key',
      oidcClientSecret: '/publik-club/prod/oidc-client-secret',
    });
    expect(fromContext({ parameterPrefix: '/club/' }).parameters.adminTokens).toBe('/club/admin-tokens');
    expect(() => fromContext({ parameterPrefix: 'club' })).toThrow(/must start with "\/"/);
  });

  it('takes the console\'s OpenID settings from context, and refuses an issuer that is not https', () => {
    expect(fromContext({}).console).toEqual({ oidcIssuer: undefined, oidcClientId: undefined, organiserRole: undefined, rolesClaim: undefined, organisers: undefined });
    expect(fromContext({ oidcIssuer: 'https://connexion.example.org/', oidcClientId: 'club', oidcOrganiserRole: 'club-organisateur' }).console).toMatchObject({
      oidcIssuer: 'https://connexion.example.org/',
      oidcClientId: 'club',
      organiserRole: 'club-organisateur',
    });
    expect(() => fromContext({ oidcIssuer: 'http://connexion.example.org/' })).toThrow(/https/);
  });

  it('takes the public base URL and orig from context, or leaves them unset', () => {
    expect(fromContext({}).publicBaseUrl).toBeUndefined();
    expect(fromContext({ publicBaseUrl: 'https://club.example.org', publikOrig: 'club.example.org' })).toMatchObject({
      publicBaseUrl: 'https://club.example.org',
      publikOrig: 'club.example.org',
    });
    expect(() => fromContext({ publicBaseUrl: 'club.example.org' })).toThrow(/absolute URL/);
  });

  it('sends dev emails from the placeholder sender, as the domain identity', () => {
    expect(fromContext({}).mail).toEqual({
      from: DEV_MAIL_FROM,
      fromAddress: 'club@example.org',
      sesIdentity: 'example.org',
    });
  });

  it('requires the prod sender to be given, and derives the SES identity from its domain', () => {
    expect(() => fromContext({ stage: 'prod' })).toThrow(/needs the sender of its emails: -c mailFrom=/);
    expect(fromContext({ stage: 'prod', mailFrom: 'Club Publik <Club@Lists.Example.ORG>', alarmEmail: 'ops@example.org' }).mail).toEqual({
      from: 'Club Publik <Club@Lists.Example.ORG>',
      fromAddress: 'Club@Lists.Example.ORG',
      sesIdentity: 'lists.example.org',
    });
  });

  it('accepts an SES identity that covers the sender: the address, its domain or a parent domain', () => {
    const mail = (sesIdentity: string) => fromContext({ mailFrom: 'Club <club@lists.example.org>', sesIdentity }).mail;
    expect(mail('club@lists.example.org').sesIdentity).toBe('club@lists.example.org');
    expect(mail('lists.example.org').sesIdentity).toBe('lists.example.org');
    expect(mail('example.org').sesIdentity).toBe('example.org');
    expect(() => mail('other.org')).toThrow(/does not cover the mailFrom address club@lists\.example\.org/);
    expect(() => mail('ample.org')).toThrow(/does not cover/);
    expect(() => mail('someone@lists.example.org')).toThrow(/does not cover/);
  });

  it.each(['Club utilisateurs Publik <club@example.org>', 'club@example.org', '  club@example.org  '])(
    'reads the address of "%s"',
    (mailFrom) => {
      expect(mailAddressOf(mailFrom)).toBe('club@example.org');
      expect(sesIdentityFor(mailAddressOf(mailFrom))).toBe('example.org');
    },
  );

  it.each(['Club utilisateurs Publik', 'Club <club>', 'club@localhost', 'a <b@c.org> <d@e.org>'])('refuses mailFrom "%s"', (mailFrom) => {
    expect(() => fromContext({ mailFrom })).toThrow(/mailFrom must be/);
  });

  it('requires the prod alarm address, checks it, and leaves it optional in dev', () => {
    expect(() => fromContext({ stage: 'prod', mailFrom: 'club@club.example.org' })).toThrow(/needs the address its alarms are sent to: -c alarmEmail=/);
    expect(fromContext({ stage: 'prod', mailFrom: 'club@club.example.org', alarmEmail: ' ops@club.example.org ' }).alarmEmail).toBe(
      'ops@club.example.org',
    );
    expect(fromContext({}).alarmEmail).toBeUndefined();
    expect(fromContext({ alarmEmail: 'dev-ops@example.org' }).alarmEmail).toBe('dev-ops@example.org');
    for (const bad of ['ops', 'Ops <ops@example.org>', 'a@b.org,c@d.org', 'ops@localhost']) {
      expect(() => fromContext({ alarmEmail: bad })).toThrow(/alarmEmail must be a bare email address/);
    }
  });

  it('reserves concurrency per kind of function and keeps prod queues', () => {
    const prod = fromContext({ stage: 'prod', mailFrom: 'club@club.example.org', alarmEmail: 'ops@club.example.org' });
    expect(prod.reservedConcurrency).toEqual({ http: 20, queue: 5, scheduled: 1 });
    expect(prod.queueRemovalPolicy).toBe(RemovalPolicy.RETAIN);
    const dev = fromContext({});
    expect(dev.reservedConcurrency).toEqual({ http: 5, queue: 2, scheduled: 1 });
    expect(dev.queueRemovalPolicy).toBe(RemovalPolicy.DESTROY);
  });

  it('refuses an unknown stage', () => {
    expect(() => fromContext({ stage: 'staging' })).toThrow(/Unknown stage "staging"/);
  });
});

describe('route keys', () => {
  it('splits a manifest route key into method and path', () => {
    expect(parseRouteKey('GET /meetings/{meetingId}/days')).toEqual({ method: 'GET', path: '/meetings/{meetingId}/days' });
    expect(parseRouteKey('PUT /admin/meetings/{meetingId}')).toEqual({ method: 'PUT', path: '/admin/meetings/{meetingId}' });
  });

  it.each(['GET meetings', 'FETCH /meetings', 'get /meetings', 'GET  /meetings', 'GET /a b'])('rejects "%s"', (key) => {
    expect(() => parseRouteKey(key)).toThrow(/Invalid route key/);
  });
});

describe('the cdk-nag check used by the stack tests', () => {
  it('does report findings that nobody acknowledged', () => {
    const stack = new Stack(newApp(), 'NagProbe');
    new sqs.Queue(stack, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const rules = nagViolations(stack).map((v) => v.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});
