/** What the money helpers refuse: an error with a code to switch on and a message naming the input. */

export type MoneyErrorCode =
  | "INVALID_CURRENCY"
  | "UNKNOWN_CURRENCY"
  | "INVALID_AMOUNT"
  | "TOO_MANY_DECIMALS"
  | "OUT_OF_RANGE"
  | "INVALID_LOCALE"
  | "INVALID_RATES"
  | "MISSING_RATE";

export class MoneyError extends Error {
  // a plain field, not a parameter property: the message crosses RPC as `CODE: message`, the code with it
  readonly code: MoneyErrorCode;

  constructor(code: MoneyErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "MoneyError";
    this.code = code;
  }
}
