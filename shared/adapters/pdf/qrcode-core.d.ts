// qrcode's encoder module on its own (badge-pdf.ts): the same `create` as the package's main
// module, whose types @types/qrcode declares.
declare module 'qrcode/lib/core/qrcode.js' {
  export { create } from 'qrcode';
}
