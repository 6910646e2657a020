// A real OpenID provider (oidc-provider, a certified implementation) for the sign-in tests
// in cli/tests/cli/sign_in.rs, on 127.0.0.1 only.
//
//   node oidc-provider.mjs REDIRECT_URI
//
// Prints "ready <port>" when it listens. Every sign-in is the account that
// `GET /test/mode?who=…` chose last: anne (Anne de Vries, HR-adviseur, the first), bert
// (Bert Jansen, HR-adviseur), mallory (Mallory Stagiair, stagiair) or redactie (Rita
// Redactie, wiel-redacteur); the interaction finishes itself: the test is about the node,
// not the login form. For the tests of what the node refuses, `m=aud|expired|ok` makes the
// token endpoint hand out ID tokens for another audience, or expired ones, signed with the
// provider's own key: the signature is right, the claims are not.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const redirect = process.argv[2];
if (!redirect) {
  console.error('usage: node oidc-provider.mjs REDIRECT_URI');
  process.exit(2);
}

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

let mode = 'ok';
let who = 'anne';
const accounts = {
  anne: { name: 'Anne de Vries', roles: ['HR-adviseur'] },
  bert: { name: 'Bert Jansen', roles: ['HR-adviseur'] },
  mallory: { name: 'Mallory Stagiair', roles: ['stagiair'] },
  redactie: { name: 'Rita Redactie', roles: ['wiel-redacteur'] },
};
let handler = (_req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'wiel',
    client_secret: 'geheim-voor-de-test',
    redirect_uris: [redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], profile: ['name', 'roles'] },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (_ctx, sub) => ({
    accountId: sub,
    claims: () => ({ sub, ...accounts[sub] }),
  }),
});
provider.on('server_error', (_ctx, err) => console.error('provider error:', err));

const callback = provider.callback();

handler = async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/test/mode') {
      mode = url.searchParams.get('m') ?? mode;
      who = url.searchParams.get('who') ?? who;
      res.end(mode);
      return;
    }
    if (url.pathname.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: who, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, {
        login: { accountId: who },
        consent: { grantId },
      }, { mergeWithLastSubmission: false });
      return;
    }
    if (url.pathname === '/token' && mode !== 'ok') {
      tamper(res);
    }
    callback(req, res);
  } catch (err) {
    console.error('test provider:', err);
    res.statusCode = 500;
    res.end(String(err));
  }
};

// Rewrites the ID token in the token endpoint's answer, signed again with the same key.
function tamper(res) {
  const end = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    if (!chunk) return end(chunk, ...rest);
    const answer = JSON.parse(chunk.toString());
    if (!answer.id_token) return end(chunk, ...rest);
    const claims = jose.decodeJwt(answer.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (mode === 'aud') claims.aud = 'een-andere-dienst';
    if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
    new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .sign(privateKey)
      .then((token) => {
        answer.id_token = token;
        const body = JSON.stringify(answer);
        res.setHeader('content-length', Buffer.byteLength(body));
        end(body, ...rest);
      });
    return res;
  };
}

console.log(`ready ${server.address().port}`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
