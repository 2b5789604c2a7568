// k6's cookie jar API (http.cookieJar(), new http.CookieJar()) over tough-cookie's RFC 6265 jar: domain and
// path matching, expiry, Secure and host-only rules come from tough-cookie, not from code of ours.
import { Cookie, CookieJar } from 'tough-cookie';

export interface CookieOptions {
  domain?: string;
  path?: string;
  expires?: string;
  max_age?: number;
  secure?: boolean;
  http_only?: boolean;
}

const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';

export class K6CookieJar {
  private jar = new CookieJar(undefined, { looseMode: true, allowSpecialUseDomain: true, rejectPublicSuffixes: false });

  /** `{ name: [value, …] }` of the cookies the jar would send to `url`. */
  cookiesForURL(url: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.jar.getCookiesSync(String(url))) (out[c.key] ??= []).push(c.value);
    return out;
  }

  set(url: string, name: string, value: string, opts: CookieOptions = {}): void {
    let line = `${name}=${value}`;
    if (opts.domain) line += `; Domain=${opts.domain}`;
    line += `; Path=${opts.path ?? '/'}`;
    if (opts.expires) line += `; Expires=${opts.expires}`;
    if (opts.max_age !== undefined) line += `; Max-Age=${opts.max_age}`;
    if (opts.secure) line += '; Secure';
    if (opts.http_only) line += '; HttpOnly';
    // k6 ignores a cookie the URL may not set (another domain): so does this jar.
    this.jar.setCookieSync(line, String(url), { ignoreError: true });
  }

  delete(url: string, name: string): void {
    for (const c of this.jar.getCookiesSync(String(url))) if (c.key === name) this.expire(url, c);
  }

  clear(url: string): void {
    for (const c of this.jar.getCookiesSync(String(url))) this.expire(url, c);
  }

  /** The Cookie header for `url`, '' when none. */
  headerFor(url: string): string {
    return this.jar.getCookieStringSync(url);
  }

  /** Stores the Set-Cookie lines of a response from `url`. */
  store(url: string, setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) this.jar.setCookieSync(line, url, { ignoreError: true });
  }

  private expire(url: string, c: Cookie): void {
    const domain = c.hostOnly ? '' : `; Domain=${c.domain}`;
    this.jar.setCookieSync(`${c.key}=; Path=${c.path ?? '/'}${domain}; Expires=${EPOCH}`, String(url), { ignoreError: true });
  }
}
