// The headers every page we serve to a person carries beside its own Content-Security-Policy
// (the API reference, the organisers' console): no MIME sniffing, no referrer to other sites,
// no framing, no opener shared with other sites.
export const PAGE_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
} as const;
