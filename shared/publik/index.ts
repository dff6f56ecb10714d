// Pure Publik webservice core: form encoding, URL signatures, value coercion, body unwrapping,
// response envelope and data-source filtering. No AWS dependency.

export * from '#shared/publik/form-encoding.ts';
export * from '#shared/publik/signature.ts';
export * from '#shared/publik/coerce.ts';
export * from '#shared/publik/whole-form.ts';
export * from '#shared/publik/envelope.ts';
export * from '#shared/publik/data-source.ts';
