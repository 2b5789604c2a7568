// The signup load test of scenarios/signup.yaml, written as a typed TypeScript scenario: same keys, same job.
import { defineScenario } from 'runner';

export default defineScenario({
  version: 1,
  name: 'signup',
  target: 'http://127.0.0.1:3000',
  http: { connections: 100, timeout: '5s' },
  headers: { 'Content-Type': 'application/json' },
  fields: {
    userId: { gen: 'string', length: 8, charset: 'alpha', unique: true },
    userName: { gen: 'koreanName', given: 2 },
    email: { gen: 'email', length: 5, charset: 'alpha', domain: 'gmail.com' },
    userPw: { gen: 'string', length: 10, charset: 'alpha' },
  },
  requests: [
    {
      name: 'signup',
      method: 'POST',
      path: '/signup',
      template: '../templates/user.json',
      expect: 200,
    },
  ],
  load: { executor: 'shared-iterations', vus: 100, iterations: 10000 },
});
