// The last guard of "logs without people" (contract-rgpd.md): every string the logger writes
// goes through here, so that what the code did not mean to log — an AWS error quoting the
// address SES refused, a callback error quoting a URL, a token in a path — is masked. Names
// cannot be recognised this way: the code never logs them (the e2e log scan checks that).

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi;
const QUERY_SECRET = /([?&](?:signature|token|access_token)=)[^&\s"',;]+/gi;
const PATH_TOKEN = /(\/(?:u|check-in)\/)[A-Za-z0-9_-]{16,}/g;
const PHONE = /(?<![\w.:/-])(?:\+33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\w)/g;

export function redactText(text: string): string {
  return text
    .replace(EMAIL, '<courriel>')
    .replace(BEARER, '$1<jeton>')
    .replace(QUERY_SECRET, '$1<secret>')
    .replace(PATH_TOKEN, '$1<jeton>')
    .replace(PHONE, '<téléphone>');
}

/** JSON replacer of the logger: every string value masked (errors are formatted first, then their strings come here). */
export function redactPersonalData(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? redactText(value) : value;
}
