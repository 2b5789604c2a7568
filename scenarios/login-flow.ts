// The login flow of scenarios/login-flow.yaml as code: sign up a random user, log in with the same
// credentials, take the token from the response, call GET /me with it.
import { defineScenario } from 'runner';

export default defineScenario({
  name: 'login-flow',
  target: 'http://127.0.0.1:3000',
  http: { timeout: '5s' },
  load: { executor: 'shared-iterations', vus: 10, iterations: 300 },
  fields: {
    userId: { gen: 'string', length: 8, charset: 'alnum', unique: true },
  },
  iteration: async ({ http, check, fields, gen }) => {
    const user = { userId: fields.userId, userName: gen.koreanName(), email: gen.email(), userPw: gen.string(12, 'alnum') };

    const signup = await http.post('/signup', user, { name: 'signup' });
    if (!check(signup, { 'signup: status is 200': (r) => r.status === 200 })) return;

    const login = await http.post('/login', { userId: user.userId, userPw: user.userPw }, { name: 'login' });
    if (!check(login, { 'login: status is 200': (r) => r.status === 200 })) return;
    const { token } = login.json<{ token: string }>();

    const me = await http.get('/me', { name: 'me', headers: { Authorization: `Bearer ${token}` } });
    check(me, {
      'me: status is 200': (r) => r.status === 200,
      'me: is the same user': (r) => r.json<{ userId: string }>().userId === user.userId,
    });
  },
});
