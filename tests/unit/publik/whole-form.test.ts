import { describe, expect, it } from 'vitest';
import * as z from 'zod';

import formdata from '#tests/fixtures/wcs-registration-formdata.json' with { type: 'json' };
import keyvalue from '#tests/fixtures/wcs-registration-keyvalue.json' with { type: 'json' };
import { zBool, zDate, zEmail, zEnum, zInt, zList, zOptional, zOptionalText, zSlug, zText } from '#shared/publik/coerce.ts';
import { isWholeForm, unwrapPublikBody } from '#shared/publik/whole-form.ts';

const registration = z.object({
  form_uuid: zText(),
  form_number: zOptionalText(),
  form_url: zOptionalText(),
  callback_url: zOptionalText(),
  user_name_id: zOptionalText(),
  email: zEmail(),
  first_name: zOptionalText(),
  last_name: zText(),
  organisation: zText(),
  organisation_kind: zOptionalText(),
  profile: zOptional(zEnum(['newcomer', 'expert'])),
  onsite_days: zList(zDate()),
  remote_days: zList(zDate()),
  workshops: zList(zSlug()),
  evening_event: zBool().default(false),
  image_rights: zOptional(zEnum(['accepted', 'refused'])),
  badge_name: zOptionalText(),
  nb_accompagnants: zInt({ min: 0 }).optional(),
});

/** A deep copy of the whole-form fixture body, to tweak per test. */
function wholeForm(): Record<string, unknown> & { fields: Record<string, unknown>; extra?: Record<string, unknown> } {
  return structuredClone(formdata.body);
}

describe('isWholeForm', () => {
  it('recognises the post_formdata export and not key/value data', () => {
    expect(isWholeForm(formdata.body)).toBe(true);
    expect(isWholeForm(keyvalue.body)).toBe(false);
  });

  it('needs a fields object and one of uuid, display_id, receipt_time, workflow', () => {
    expect(isWholeForm({ fields: {} })).toBe(false);
    expect(isWholeForm({ uuid: 'u', fields: 'x' })).toBe(false);
    expect(isWholeForm({ uuid: 'u', fields: [] })).toBe(false);
    expect(isWholeForm({ uuid: 'u' })).toBe(false);
    for (const marker of ['uuid', 'display_id', 'receipt_time', 'workflow']) {
      expect(isWholeForm({ fields: {}, [marker]: 'x' })).toBe(true);
    }
    for (const input of [null, undefined, 'x', 3, [], [{ fields: {}, uuid: 'u' }]]) expect(isWholeForm(input)).toBe(false);
  });
});

describe('unwrapPublikBody on the whole form fixture', () => {
  const flat = unwrapPublikBody(formdata.body);

  it('reads x_raw for item and list fields and drops the companions', () => {
    expect(flat['profile']).toBe('expert');
    expect(flat['organisation_kind']).toBe('commune');
    expect(flat['onsite_days']).toEqual(['2025-06-07', '2025-06-08']);
    expect(flat['workshops']).toEqual(['socle-personnes-morales', 'mutualiser-publik']);
    expect(flat['image_rights']).toBe('accepted');
    expect(Object.keys(flat).filter((k) => k.endsWith('_raw'))).toEqual([]);
  });

  it('keeps plain fields as they are', () => {
    expect(flat['email']).toBe('claire.martin@villejuif.fr');
    expect(flat['first_name']).toBe('Claire');
    expect(flat['evening_event']).toBe(true);
    expect(flat['nb_accompagnants']).toBe('0');
    expect(flat['badge_name']).toBe('Claire M.');
  });

  it('fills the form identifiers and the user, and applies extra', () => {
    expect(flat['form_uuid']).toBe('6f1d2a8e-3c4b-4f6e-9a51-2b7c0d9e8f11');
    expect(flat['form_number']).toBe('12-34');
    expect(flat['form_url']).toBe('https://demarches.example.org/backoffice/management/inscription-club/34/');
    expect(flat['user_name_id']).toBe('0e4f7c2b9a5d4e3f8b1a6c7d2e9f0a1b');
    expect(flat['callback_url']).toBe('https://demarches.example.org/inscription-club/34/jump/trigger/promu');
  });

  it('does not leak the export envelope', () => {
    for (const key of ['uuid', 'display_id', 'fields', 'workflow', 'extra', 'user', 'roles', 'evolution', 'receipt_time']) {
      expect(flat).not.toHaveProperty(key);
    }
  });

  it('validates with the same schema as key/value data', () => {
    const fromWhole = registration.parse(flat);
    const fromKeyValue = registration.parse(unwrapPublikBody(keyvalue.body));
    expect(fromWhole).toMatchObject({
      form_uuid: '6f1d2a8e-3c4b-4f6e-9a51-2b7c0d9e8f11',
      form_number: '12-34',
      profile: 'expert',
      onsite_days: ['2025-06-07', '2025-06-08'],
      workshops: ['socle-personnes-morales', 'mutualiser-publik'],
      evening_event: true,
      image_rights: 'accepted',
      nb_accompagnants: 0,
      remote_days: [],
    });
    for (const key of ['form_uuid', 'form_number', 'form_url', 'callback_url', 'user_name_id', 'email', 'profile', 'onsite_days', 'workshops', 'evening_event', 'image_rights'] as const) {
      expect(fromWhole[key], key).toEqual(fromKeyValue[key]);
    }
  });
});

describe('unwrapPublikBody rules', () => {
  it('lets extra override fields and defaults', () => {
    const body = wholeForm();
    body.extra = { email: 'autre@example.org', form_number: 'X-1', profile: 'newcomer' };
    const flat = unwrapPublikBody(body);
    expect(flat['email']).toBe('autre@example.org');
    expect(flat['form_number']).toBe('X-1');
    expect(flat['profile']).toBe('newcomer');
    expect(flat['form_uuid']).toBe(body['uuid']);
  });

  it('falls back to url without backoffice_url, and to user.email without an email field', () => {
    const body = wholeForm();
    delete body['backoffice_url'];
    delete body.fields['email'];
    delete body.extra;
    const flat = unwrapPublikBody(body);
    expect(flat['form_url']).toBe('https://demarches.example.org/inscription-club/34/');
    expect(flat['email']).toBe('claire.martin@villejuif.fr');
    expect(flat['callback_url']).toBeUndefined();
    expect(flat['form_uuid']).toBe('6f1d2a8e-3c4b-4f6e-9a51-2b7c0d9e8f11');
  });

  it('keeps values the fields already set over the defaults', () => {
    const body = wholeForm();
    delete body.extra;
    body.fields['form_uuid'] = 'from-field';
    body.fields['email'] = 'champ@example.org';
    body.fields['user_name_id'] = 'nid-field';
    const flat = unwrapPublikBody(body);
    expect(flat['form_uuid']).toBe('from-field');
    expect(flat['email']).toBe('champ@example.org');
    expect(flat['user_name_id']).toBe('nid-field');
  });

  it('uses the user email when the email field is empty, and handles a form without user', () => {
    const body = wholeForm();
    body.fields['email'] = '';
    expect(unwrapPublikBody(body)['email']).toBe('claire.martin@villejuif.fr');
    delete body['user'];
    const flat = unwrapPublikBody(body);
    expect(flat['email']).toBe('');
    expect(flat).not.toHaveProperty('user_name_id');
  });

  it('drops companions only for real fields, and never a field that merely shares a prefix', () => {
    const flat = unwrapPublikBody({
      uuid: 'u',
      fields: {
        first: 'A',
        first_name: 'Claire',
        city: 'Villejuif',
        city_structured: { id: '94076', text: 'Villejuif' },
        city_display: 'Villejuif (94)',
        days: 'Lundi, Mardi',
        days_raw: ['2025-06-09', '2025-06-10'],
        days_structured: [{ id: '2025-06-09' }],
        orphan_raw: 'kept',
        empty: 'Aucun',
        empty_raw: null,
      },
    });
    expect(flat).toEqual({
      first: 'A',
      first_name: 'Claire',
      city: 'Villejuif',
      days: ['2025-06-09', '2025-06-10'],
      orphan_raw: 'kept',
      empty: null,
      form_uuid: 'u',
    });
  });

  it('returns a shallow copy of key/value data', () => {
    const flat = unwrapPublikBody(keyvalue.body);
    expect(flat).toEqual(keyvalue.body);
    expect(flat).not.toBe(keyvalue.body);
    flat['email'] = 'changed';
    expect(keyvalue.body.email).toBe('Claire.Martin@Villejuif.fr ');
  });

  it('applies the key/value variants unchanged', () => {
    for (const variant of keyvalue.variants) {
      const body = { ...keyvalue.body, ...variant.body_overrides };
      expect(unwrapPublikBody(body)).toEqual(body);
      expect(registration.safeParse(unwrapPublikBody(body)).success).toBe(true);
    }
  });

  it('returns {} for anything but a plain object', () => {
    for (const input of [null, undefined, 'texte', 42, true, [], [{ a: 1 }], new Date(0)]) {
      expect(unwrapPublikBody(input)).toEqual({});
    }
    const result = registration.safeParse(unwrapPublikBody('texte'));
    expect(result.success).toBe(false);
  });

  it('keeps a __proto__ key from JSON as plain data', () => {
    const flat = unwrapPublikBody(JSON.parse('{"uuid":"u","fields":{"a":1},"extra":{"__proto__":{"polluted":true}}}'));
    expect(Object.getPrototypeOf(flat)).toBe(Object.prototype);
    expect((flat as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(flat, '__proto__')).toBe(true);
  });
});
