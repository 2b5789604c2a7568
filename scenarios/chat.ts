// scenarios/chat.yaml in code: sign up, log in, join a room of 10, wait for the whole room, send 20 messages one
// every 100 ms with a tracked id, wait until every message of the room reached every member, close.
import { defineScenario } from 'runner';

export default defineScenario({
  target: 'http://127.0.0.1:3000',
  load: { executor: 'per-vu-iterations', vus: 100, iterations: 1, maxDuration: '2m' },
  fields: {
    userId: { gen: 'string', length: 8, charset: 'alpha', unique: true },
    room: { gen: 'sequence', prefix: 'room-', repeat: 10 }, // room-1 ×10, room-2 ×10, …
  },
  iteration: async ({ http, ws, check, fields, gen }) => {
    const user = { userId: String(fields.userId), userName: gen.koreanName(), email: gen.email(), userPw: gen.string(12, 'alnum') };
    const signup = await http.post('/signup', user, { name: 'signup' });
    if (!check(signup, { 'signup: status is 200': (r) => r.status === 200 })) return;
    const login = await http.post('/login', { userId: user.userId, userPw: user.userPw }, { name: 'login' });
    if (!check(login, { 'login: status is 200': (r) => r.status === 200 })) return;
    const { token } = login.json<{ token: string }>();

    const room = String(fields.room);
    const chat = await ws.connect(`/chat?room=${encodeURIComponent(room)}`, {
      headers: { Authorization: `Bearer ${token}` },
      timeout: '5s',
      track: { id: '$.id', room, grace: '10s' },
    });
    if (!check(chat, { 'chat: connected': (c) => c.open })) return;
    const full = await chat.next({ json: '$.members', equals: 10 }, { timeout: '30s' });
    if (!check(full, { 'chat: room of 10': (m) => m !== undefined })) return;
    await chat.sendMany((id) => ({ type: 'message', id, from: user.userId, text: `hello from ${user.userName}` }), { count: 20, every: '100ms' });
    check(await chat.drain({ timeout: '15s' }), { 'chat: delivered': (ok) => ok });
    await chat.close(1000);
  },
});
