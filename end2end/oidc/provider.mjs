// A real OpenID provider for the tests (the npm package oidc-provider, OpenID-certified),
// standing in for the council's Microsoft Entra ID on 127.0.0.1.
//
// Environment: PORT (0 for any), ISSUER (default http://127.0.0.1:PORT; the tests may put a
// proxy in front and name it here), CLIENT_ID, CLIENT_SECRET, REDIRECT_URI,
// POST_LOGOUT_REDIRECT_URI, USERS (a JSON file, read at every sign-in so a test can change
// a person's roles at the provider), KEYS_OUT (where to write the signing key as PEM, and a
// stranger's key, for the tests that forge tokens).
//
// USERS: { "kim": { "name": "Kim Handler", "roles": ["Complaints.Handler"], "team": "ig" } }
// Signing in: the provider's own login page asks for the username (no password: this is a
// test provider); an authorization request with login_hint=<username> signs in at once.
import http from 'node:http';
import fs from 'node:fs';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const env = process.env;
const users = () => JSON.parse(fs.readFileSync(env.USERS, 'utf8'));

function rsa() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey;
}
const key = rsa();
const stranger = rsa();
const kid = crypto.randomUUID();
const jwk = { ...key.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(env.PORT || 0), '127.0.0.1', resolve));
const port = server.address().port;
const issuer = env.ISSUER || `http://127.0.0.1:${port}`;

if (env.KEYS_OUT) {
  fs.writeFileSync(env.KEYS_OUT, JSON.stringify({
    kid,
    pem: key.export({ format: 'pem', type: 'pkcs8' }),
    stranger_pem: stranger.export({ format: 'pem', type: 'pkcs8' }),
  }));
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: env.CLIENT_ID || 'complaints',
    client_secret: env.CLIENT_SECRET || 'test-secret',
    redirect_uris: [env.REDIRECT_URI],
    post_logout_redirect_uris: env.POST_LOGOUT_REDIRECT_URI ? [env.POST_LOGOUT_REDIRECT_URI] : [],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  // As Entra ID does: the app roles (and here a team) in the ID token itself.
  claims: {
    openid: ['sub', 'roles', 'team'],
    profile: ['name', 'preferred_username'],
  },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['a test provider only'] },
  async findAccount(ctx, id) {
    const person = users()[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: person.name,
          preferred_username: `${id}@council.example`,
          roles: person.roles || [],
          team: person.team,
        };
      },
    };
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

async function finishLogin(req, res, accountId) {
  await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    // The council's own app: consented to by the council, not each person.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  if (action === 'login' && req.method === 'POST') {
    const body = await new Promise((resolve) => {
      let data = '';
      req.on('data', (c) => { data += c; });
      req.on('end', () => resolve(new URLSearchParams(data)));
    });
    const login = (body.get('login') || '').trim();
    if (users()[login]) return finishLogin(req, res, login);
  }
  const hint = details.params.login_hint;
  if (hint && users()[hint]) return finishLogin(req, res, hint);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page('Sign in to the test provider', `
<form method="post" action="/interaction/${uid}/login">
<label for="login">Username</label>
<input id="login" name="login" autocomplete="username" autofocus>
<button type="submit">Sign in</button></form>`));
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  const m = req.url.match(/^\/interaction\/([^/?]+)(?:\/(login))?/);
  if (!m) return callback(req, res);
  try {
    await interaction(req, res, m[1], m[2]);
  } catch (err) {
    console.error(err);
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`interaction failed: ${err.message}`);
  }
});
console.log(`listening on http://127.0.0.1:${port} as ${issuer}`);
