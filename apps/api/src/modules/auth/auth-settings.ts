import type { PscConfig } from "./psc/psc-client.ts";
import { DEVELOPMENT_SECRETS_KEY, type SecretKeys, secretKeysOf } from "./secrets.ts";

/** How sign-in and sessions behave; from the configuration in the server, from defaults in tests. */
export interface AuthSettings {
  /** Secure cookies (HTTPS only); off for http://localhost development */
  cookieSecure: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** password and code attempts per client IP and per minute */
  loginAttemptsPerMinute: number;
  /** consecutive wrong passwords before the account is locked */
  accountLockThreshold: number;
  /** Pro Santé Connect; undefined = the PSC button is not offered */
  psc?: PscConfig;
  /** SECRETS_KEY (and SECRETS_KEY_PREVIOUS): authenticator seeds and recovery codes */
  secrets: SecretKeys;
}

export const defaultAuthSettings: AuthSettings = {
  cookieSecure: false,
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  loginAttemptsPerMinute: 10,
  accountLockThreshold: 10,
  secrets: secretKeysOf(DEVELOPMENT_SECRETS_KEY),
};

/** An emailed code is valid this long, and this many wrong tries invalidate it. */
export const CODE_VALIDITY_MINUTES = 10;
export const CODE_MAX_ATTEMPTS = 5;
/** Wrong passwords for one address (known or not) per quarter of an hour, beyond which the answer is 429. */
export const PASSWORD_TRIES_PER_ADDRESS = 20;
/** Codes mailed to one address per quarter of an hour, beyond which the request is answered but not mailed. */
export const CODE_MAILS_PER_QUARTER = 5;

export const SESSION_COOKIE = "medimail_session";
export const LOGIN_COOKIE = "medimail_login";
export const ANONYMOUS_CSRF_COOKIE = "medimail_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** Wrong factors (authenticator codes, re-authentication) one session may enter before it is ended. */
export const FACTOR_MAX_FAILURES = 5;
/** Wrong factors per account and per hour, across all its sessions, beyond which each further one ends its session. */
export const FACTOR_FAILURES_PER_ACCOUNT_HOUR = 10;
/** Enrolling an app, renewing recovery codes and linking PSC need a sign-in or re-authentication this recent. */
export const REAUTH_WINDOW_MINUTES = 10;
