// Type declarations of the mpgs package (index.js): a Mastercard Payment Gateway client over
// libmpgs. Every call exists twice: blocking (the calling thread waits) and ...Async (a Promise,
// the call running on libuv's thread pool).

/** The C library's statuses (stable numbers). */
export declare const Status: Readonly<{
  OK: 0; INVALID_ARGUMENT: 1; CONFIG: 2; VALIDATION: 3; GATEWAY: 4; AUTHENTICATION: 5; DECODE: 6;
  CONNECT: 7; TLS: 8; TIMEOUT: 9; IO: 10; NOT_FOUND: 11; INTERNAL: 12;
}>;
export type Status = (typeof Status)[keyof typeof Status];

/** Where a call failed: not sent, answered by the gateway, or sent and unanswered. */
export declare const Stage: Readonly<{ UNKNOWN: 0; NOT_SENT: 1; ANSWERED: 2; UNANSWERED: 3 }>;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** The operations (a CallEvent's operation); validate() takes the three with a body. */
export declare const Operation: Readonly<{
  CREATE_SESSION: 1; CREATE_TOKEN: 2; UPDATE_SESSION: 3; RETRIEVE_SESSION: 4; RETRIEVE_TOKEN: 5;
  DELETE_TOKEN: 6; CHECK_GATEWAY: 7;
}>;
export type Operation = (typeof Operation)[keyof typeof Operation];

/** Whether a session can be tokenized (the core's rule). */
export declare const Readiness: Readonly<{ READY: 0; NOT_UPDATED: 1; NO_CARD_DETAILS: 2; VERSION_DIFFERS: 3 }>;
export type Readiness = (typeof Readiness)[keyof typeof Readiness];

export type ValidationLevel = 'auto' | 'strict' | 'known-fields' | 'off';
export type Trust = 'mozilla' | 'system' | 'ca-files-only';

/** A request body: an object in the gateway's documented shape (nested or dotted names), or JSON text. */
export type Body = string | Record<string, unknown>;

/** The client's settings; unset keeps the library's default. */
export interface Config {
  merchantId: string;
  /** The integration password (or certFile + keyFile). Never shown in any error. */
  password?: string;
  certFile?: string;
  keyFile?: string;
  /** The gateway's base URL, or `region` ('mtf', 'na', 'eu', 'ap', ...). */
  baseUrl?: string;
  region?: string;
  /** One more trusted CA (PEM). */
  caFile?: string;
  connectTimeoutMs?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** 'http://[user:password@]host:port' */
  proxy?: string;
  proxyFromEnv?: boolean;
  sessionApiVersion?: number;
  tokenApiVersion?: number;
  validationLevel?: ValidationLevel;
  trust?: Trust;
  /** The merchant's token repository is "Unique Card": Create Token may then be resent after a dropped reused connection. */
  tokenRepositoryUniqueCard?: boolean;
  /**
   * Called once after every call (success, failure, or refusal before sending) with its event,
   * on the main thread, before the call returns or its Promise settles. It must not call the
   * client. What it throws is printed (console.error) and the call goes on unchanged.
   */
  onCall?: (event: CallEvent) => void;
}

export interface FieldError {
  field: string | null;
  validationType: string | null;
  explanation: string | null;
}

/** A failed call: every field of the C library's mpgs_error. Never holds a secret. */
export declare class MpgsError extends Error {
  readonly name: 'MpgsError';
  readonly status: Status;
  readonly statusName: string;
  readonly stage: Stage;
  /** The gateway's HTTP status; 0 when it did not answer. */
  readonly httpStatus: number;
  /** Sent, and no answer came: look the result up before sending again. */
  readonly outcomeUnknown: boolean;
  readonly attempts: number;
  /** The gateway's error.cause (`cause` is JavaScript's own). */
  readonly gatewayCause: string | null;
  readonly field: string | null;
  readonly validationType: string | null;
  readonly explanation: string | null;
  readonly supportCode: string | null;
  readonly gatewayJson: string | null;
  readonly fieldErrors: FieldError[];
}

interface Verbatim {
  /** The answer exactly as the gateway sent it (secrets in clear if it sent them). Never log it. Not enumerable. */
  jsonVerbatim(): string | null;
}

export interface Session extends Verbatim {
  id: string | null;
  aes256Key: string | null;
  version: string | null;
  updateStatus: string | null;
  merchant: string | null;
  result: string | null;
  correlationId: string | null;
  /** The whole answer, secrets masked. */
  json: string | null;
  authenticationLimit: number | null;
  httpStatus: number;
  apiVersion: number;
  attempts: number;
  readiness: Readiness;
  readinessName: string;
}

export interface Token extends Verbatim {
  token: string | null;
  status: string | null;
  repositoryId: string | null;
  gatewayCode: string | null;
  result: string | null;
  verificationStrategy: string | null;
  sourceOfFundsType: string | null;
  correlationId: string | null;
  cardBrand: string | null;
  /** Masked 6.4: 512345xxxxxx0008. */
  cardNumber: string | null;
  cardExpiry: string | null;
  cardScheme: string | null;
  cardFundingMethod: string | null;
  cardIssuer: string | null;
  cardLocalBrand: string | null;
  achAccountType: string | null;
  achBankAccountHolder: string | null;
  achRoutingNumber: string | null;
  achSecCode: string | null;
  giftCardBrand: string | null;
  giftCardLocalBrand: string | null;
  giftCardNumber: string | null;
  giftCardScheme: string | null;
  usageLastUpdated: string | null;
  usageLastUpdatedBy: string | null;
  usageLastUsed: string | null;
  /** The whole answer, secrets masked. */
  json: string | null;
  httpStatus: number;
  apiVersion: number;
  attempts: number;
}

export interface DeleteResult {
  result: string | null;
  correlationId: string | null;
  httpStatus: number;
  apiVersion: number;
  attempts: number;
  json: string | null;
}

export interface GatewayInfo {
  gatewayVersion: string | null;
  status: string | null;
  operating: boolean;
  httpStatus: number;
  apiVersion: number;
  attempts: number;
  json: string | null;
}

/**
 * One call, after it ended: the onCall hook's argument, frozen. Never a body, a header or a
 * secret.
 */
export declare class CallEvent {
  private constructor();
  readonly operation: number;
  /** The operation's name in the gateway's documentation ('Create Session'). */
  readonly operationName: string;
  readonly method: string;
  /** The path after the base URL's own, merchant included, ids as sent (a card-like token masked 6.4). */
  readonly path: string;
  readonly apiVersion: number;
  /** 0 when no answer was read. */
  readonly httpStatus: number;
  /** 0 when refused before sending. */
  readonly attempts: number;
  readonly elapsedUs: number;
  readonly outcomeUnknown: boolean;
  /** Status.OK for a success, else the status of the MpgsError thrown. */
  readonly status: Status;
  readonly statusName: string;
  /** Stage.UNKNOWN for a success. */
  readonly stage: Stage;
  readonly ok: boolean;
}

/** A libmpgs client; thread-safe: one per process is enough. Release it with close(). */
export declare class Client {
  /** @throws MpgsError (CONFIG, INVALID_ARGUMENT) or TypeError for an unknown validationLevel/trust name. */
  constructor(config: Config);
  /** Releases the client; later calls throw MpgsError (INVALID_ARGUMENT). Idempotent; throws while async calls are under way. */
  close(): void;
  createSession(json?: Body | null): Session;
  createToken(json: Body): Token;
  /** `readiness` is judged against `expectedVersion`, the version the payment page reported. */
  retrieveSession(sessionId: string, expectedVersion?: string | null): Session;
  updateSession(sessionId: string, json?: Body | null): Session;
  retrieveToken(token: string): Token;
  deleteToken(token: string): DeleteResult;
  /** Sends no credentials. */
  checkGateway(): GatewayInfo;
  /** When the client certificate expires; null with a password. */
  certificateNotAfter(): Date | null;
  /** Warm-up: opens and keeps one idle connection; sends no request. */
  connect(): void;
  createSessionAsync(json?: Body | null): Promise<Session>;
  createTokenAsync(json: Body): Promise<Token>;
  retrieveSessionAsync(sessionId: string, expectedVersion?: string | null): Promise<Session>;
  updateSessionAsync(sessionId: string, json?: Body | null): Promise<Session>;
  retrieveTokenAsync(token: string): Promise<Token>;
  deleteTokenAsync(token: string): Promise<DeleteResult>;
  checkGatewayAsync(): Promise<GatewayInfo>;
  connectAsync(): Promise<void>;
}

/**
 * Checks a body against every rule of `operation` without sending it; throws MpgsError
 * (VALIDATION, every problem in fieldErrors). With `apiVersion` (0: documented) or
 * `validationLevel`, as a client so configured would check it.
 */
export declare function validate(operation: Operation, json: Body | null, apiVersion?: number | null, validationLevel?: ValidationLevel | null): void;

/** The loaded libmpgs's version (equal to this package's). */
export declare function version(): string;
