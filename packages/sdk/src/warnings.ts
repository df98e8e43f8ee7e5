/** What the SDK warns about: today, a key whose secret is due for rotation (issue 17). */
export type PaymentGatewayWarningCode = 'API_KEY_ROTATION_DUE';

/**
 * A warning the client raised, passed to `onWarning` (or, by default, to
 * `process.emitWarning` where it exists, else `console.warn`). Never contains the key's secret.
 */
export interface PaymentGatewayWarning {
  code: PaymentGatewayWarningCode;
  /** Human-readable; names the key id and the date, never the secret. */
  message: string;
  /** The public key id (the part of the token after `sk_`, before the dot). */
  keyId: string;
  /** When the key fell due for rotation (ISO 8601), from the `Payment-Gateway-Key-Rotation-Due` header. */
  rotationDueAt: string;
}

/** Receives the client's warnings. */
export type WarningHandler = (warning: PaymentGatewayWarning) => void;

/**
 * The default `onWarning`: Node's `process.emitWarning` (type `PaymentGatewayWarning`, the
 * warning's code), so `node --no-warnings` and `process.on('warning')` apply; `console.warn`
 * in runtimes without it.
 */
export const emitWarning: WarningHandler = (warning) => {
  const proc = (globalThis as { process?: { emitWarning?: (message: string, options: { type: string; code: string }) => void } }).process;
  if (typeof proc?.emitWarning === 'function') proc.emitWarning(warning.message, { type: 'PaymentGatewayWarning', code: warning.code });
  else console.warn(`PaymentGatewayWarning [${warning.code}]: ${warning.message}`);
};
