// A cookie jar: tough-cookie's RFC 6265 rules (domain and path matching, expiry, Secure, HttpOnly, SameSite are
// stored) behind a small synchronous API, for YAML flows, code scenarios (`ctx.jar`) and k6's `http.cookieJar()`.
// tough-cookie (with its public-suffix list) costs ~100 ms to load, so it is loaded on first use: a run whose
// server never sets a cookie never loads it.
import { createRequire } from 'node:module';
import type * as Tough from 'tough-cookie';

type ToughModule = typeof Tough;
let tough: ToughModule | undefined;

function loadTough(): ToughModule {
  // The CommonJS build, synchronously: a jar is needed in the middle of a response callback.
  tough ??= createRequire(import.meta.url)('tough-cookie') as ToughModule;
  return tough;
}

export interface CookieOptions {
  /** Default: the host of the URL the cookie is set for (a host-only cookie). */
  domain?: string;
  /** Default '/'. */
  path?: string;
  secure?: boolean;
  httpOnly?: boolean;
  /** Seconds; 0 or less deletes the cookie. */
  maxAge?: number;
  expires?: Date;
}

export class CookieJar {
  private jar: Tough.CookieJar | undefined;

  /** Keeps the cookies of `Set-Cookie` header value(s) received from `url`; malformed or foreign ones are ignored, as browsers do. */
  store(url: string, setCookie: string | readonly string[] | undefined): void {
    if (setCookie === undefined) return;
    const jar = this.open();
    if (typeof setCookie === 'string') jar.setCookieSync(setCookie, url, { ignoreError: true });
    else for (const c of setCookie) jar.setCookieSync(c, url, { ignoreError: true });
  }

  /** The `Cookie` header value for a request to `url`; '' when no cookie applies. */
  header(url: string): string {
    return this.jar === undefined ? '' : this.jar.getCookieStringSync(url);
  }

  /** The value of cookie `name` that a request to `url` would send. */
  get(url: string, name: string): string | undefined {
    if (this.jar === undefined) return undefined;
    return this.jar.getCookiesSync(url).find((c) => c.key === name)?.value;
  }

  /** Every cookie a request to `url` would send, name → value. */
  all(url: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.jar !== undefined) for (const c of this.jar.getCookiesSync(url)) out[c.key] = c.value;
    return out;
  }

  /** Sets a cookie as if `url` had sent it. Throws a TypeError for a cookie the URL may not set (another domain). */
  set(url: string, name: string, value: string, opts: CookieOptions = {}): void {
    const { Cookie } = loadTough();
    const cookie = new Cookie({
      key: name,
      value,
      domain: opts.domain ?? null,
      path: opts.path ?? '/',
      secure: opts.secure ?? false,
      httpOnly: opts.httpOnly ?? false,
      maxAge: opts.maxAge ?? null,
      expires: opts.expires ?? 'Infinity',
    });
    try {
      this.open().setCookieSync(cookie, url);
    } catch (err) {
      throw new TypeError(`cookie '${name}' cannot be set for ${url}: ${(err as Error).message}`);
    }
  }

  /** Forgets every cookie. */
  clear(): void {
    this.jar = undefined;
  }

  /** Whether a cookie was ever stored (since the last clear). */
  get empty(): boolean {
    return this.jar === undefined;
  }

  private open(): Tough.CookieJar {
    if (this.jar === undefined) {
      const { CookieJar: Jar, MemoryCookieStore } = loadTough();
      // Loose mode: a nameless `Set-Cookie: value` is kept as browsers keep it.
      this.jar = new Jar(new MemoryCookieStore(), { looseMode: true });
    }
    return this.jar;
  }
}
