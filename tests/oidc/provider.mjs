// A real OpenID Connect provider for Stabil's tests: the certified `oidc-provider` package, with its own
// development log-in and consent pages (any user name is accepted as the subject; the password is not
// checked). Started by tests/oidc/conftest-side fixtures (tests/oidc_provider.py) on 127.0.0.1, on a free port.
//
// Environment:
//   STABIL_OIDC_TEST_REDIRECT_URIS       comma-separated redirect URIs of the client (Stabil's callback)
//   STABIL_OIDC_TEST_POST_LOGOUT_URIS    comma-separated post-logout redirect URIs (Stabil's log-in page)
//   STABIL_OIDC_TEST_CLIENT_ID / _SECRET the client's credentials
//   STABIL_OIDC_TEST_ACCOUNTS            JSON: {"<sub>": {"employee_id": "...", "name": "...", ...}, ...}
//                                        extra claims per subject; any other subject has only `sub`
//
// On start it prints one line of JSON to stdout, {"issuer": "http://127.0.0.1:PORT"}, and serves until it
// is sent SIGTERM. Every end-session request is also printed, one JSON line each ({"end_session": ...}).
import http from 'node:http';

import Provider from 'oidc-provider';

const list = (name) => (process.env[name] || '').split(',').map((s) => s.trim()).filter(Boolean);
const accounts = JSON.parse(process.env.STABIL_OIDC_TEST_ACCOUNTS || '{}');

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: process.env.STABIL_OIDC_TEST_CLIENT_ID || 'stabil-test',
      client_secret: process.env.STABIL_OIDC_TEST_CLIENT_SECRET || 'stabil-test-secret',
      redirect_uris: list('STABIL_OIDC_TEST_REDIRECT_URIS'),
      post_logout_redirect_uris: list('STABIL_OIDC_TEST_POST_LOGOUT_URIS'),
      token_endpoint_auth_method: 'client_secret_post',
    }],
    // Scope "employee" carries the claims a municipality's IdP may map to roles and units.
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name'],
      employee: ['employee_id', 'roles', 'units'],
    },
    // Claims are put into the ID token too (as Entra ID and ADFS do), not only into userinfo.
    conformIdTokenClaims: false,
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, ...(accounts[sub] || {}) };
        },
      };
    },
    cookies: { keys: ['stabil-test-cookie-key-not-a-secret'] },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
  });
  provider.proxy = false;
  // Tell the tests that the end-session endpoint was reached, with what.
  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/session/end') && ctx.method === 'GET') {
      const q = ctx.query;
      process.stdout.write(`${JSON.stringify({ end_session: {
        client_id: q.client_id || null,
        has_id_token_hint: Boolean(q.id_token_hint),
        post_logout_redirect_uri: q.post_logout_redirect_uri || null,
      } })}\n`);
    }
    await next();
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
