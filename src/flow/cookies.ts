// Cookies of a run's VUs (`http.cookies`): one jar per VU, emptied at each iteration's start (`iteration`, the
// default: one iteration is one user's session, as in k6 and Gatling) or kept across its iterations (`vu`). The
// flows call it around each request only when cookies are on; until a server sets one, a request costs one lookup.
import { CookieJar } from '../http/cookie-jar.ts';
import type { Vu } from '../scheduler/vu.ts';

export type CookieMode = 'iteration' | 'vu';

export class VuCookies {
  private readonly jars = new WeakMap<Vu, CookieJar>();

  constructor(readonly mode: CookieMode) {}

  /** An iteration starts on `vu`. */
  begin(vu: Vu): void {
    if (this.mode === 'iteration') this.jars.get(vu)?.clear();
  }

  /** The VU's jar (created on first use). */
  jar(vu: Vu): CookieJar {
    let jar = this.jars.get(vu);
    if (jar === undefined) this.jars.set(vu, (jar = new CookieJar()));
    return jar;
  }

  /**
   * `headers` (flat [name, value, …]) with the VU's cookies for `origin` + `path` added: the same array when none
   * apply, else a copy (a `Cookie` header of the scenario's own is kept, the jar's cookies after it). Nothing is
   * allocated while the VU's jar is empty.
   */
  addTo(vu: Vu, origin: string, path: string, headers: string[]): string[] {
    const jar = this.jars.get(vu);
    if (jar === undefined || jar.empty) return headers;
    const value = jar.header(origin + path);
    if (value === '') return headers;
    const out = headers.slice();
    for (let i = 0; i < out.length; i += 2) {
      if (out[i] === 'cookie') {
        out[i + 1] = `${out[i + 1]}; ${value}`;
        return out;
      }
    }
    out.push('cookie', value);
    return out;
  }

  /** Keeps the cookies a response from `origin` + `path` set (its Set-Cookie values). */
  store(vu: Vu, origin: string, path: string, setCookie: string | readonly string[] | undefined): void {
    if (setCookie !== undefined) this.jar(vu).store(origin + path, setCookie);
  }
}
