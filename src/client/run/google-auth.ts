/**
 * Access tokens for Vertex AI from Application Default Credentials, without the Google SDKs:
 * the JSON file named by `GOOGLE_APPLICATION_CREDENTIALS` — a service account (a JWT signed with
 * its key, exchanged at its `token_uri`) or an authorized user from `gcloud auth
 * application-default login` (its refresh token exchanged). Tokens are cached until shortly
 * before they expire. The credentials only ever go to the token endpoint they name.
 */
import { createSign } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PromptLayerConfigError } from "../../errors.js";

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

interface ServiceAccount {
  type: "service_account";
  client_email: string;
  private_key: string;
  token_uri?: string;
}
interface AuthorizedUser {
  type: "authorized_user";
  client_id: string;
  client_secret: string;
  refresh_token: string;
  token_uri?: string;
}
type Credentials = ServiceAccount | AuthorizedUser;

const cache = new Map<string, { token: string; expiresAt: number }>();

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

function signedAssertion(sa: ServiceAccount, tokenUri: string, nowSeconds: number): string {
  const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const claims = b64url(JSON.stringify({ iss: sa.client_email, scope: SCOPE, aud: tokenUri, iat: nowSeconds, exp: nowSeconds + 3600 }));
  const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(sa.private_key);
  return `${header}.${claims}.${b64url(signature)}`;
}

async function loadCredentials(path: string): Promise<Credentials> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new PromptLayerConfigError("GOOGLE_APPLICATION_CREDENTIALS", path, `a readable JSON credentials file (${(error as Error).message})`);
  }
  const c = (parsed ?? {}) as Record<string, unknown>;
  if (c.type === "service_account" && typeof c.client_email === "string" && typeof c.private_key === "string") return c as unknown as ServiceAccount;
  if (c.type === "authorized_user" && typeof c.client_id === "string" && typeof c.client_secret === "string" && typeof c.refresh_token === "string") {
    return c as unknown as AuthorizedUser;
  }
  throw new PromptLayerConfigError("GOOGLE_APPLICATION_CREDENTIALS", path, "service-account or authorized-user credentials");
}

/** A bearer token for Vertex AI from the credentials file at `path`. */
export async function vertexAccessToken(path: string, fetchImpl: typeof fetch = fetch, now: () => number = Date.now): Promise<string> {
  const cached = cache.get(path);
  if (cached && cached.expiresAt > now() + 60_000) return cached.token;
  const creds = await loadCredentials(path);
  const tokenUri = creds.token_uri ?? DEFAULT_TOKEN_URI;
  const form: Record<string, string> =
    creds.type === "service_account"
      ? { grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: signedAssertion(creds, tokenUri, Math.floor(now() / 1000)) }
      : { grant_type: "refresh_token", client_id: creds.client_id, client_secret: creds.client_secret, refresh_token: creds.refresh_token };
  const res = await fetchImpl(tokenUri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error_description?: string; error?: string };
  if (!res.ok || !body.access_token) {
    // The reason, never the credentials.
    throw new PromptLayerConfigError("GOOGLE_APPLICATION_CREDENTIALS", path, `credentials the token endpoint accepts (${res.status} ${body.error_description ?? body.error ?? ""})`.trim());
  }
  cache.set(path, { token: body.access_token, expiresAt: now() + (body.expires_in ?? 3600) * 1000 });
  return body.access_token;
}
