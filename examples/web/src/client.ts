// The urql client: a document cache, then authExchange, which adds the access token to
// every request and refreshes the session when Trellis refuses the token.
import { authExchange } from "@urql/exchange-auth";
import { Client, cacheExchange, fetchExchange, type CombinedError } from "urql";
import { graphql } from "./gql";
import { accessTokenExpires, getSession, setSession } from "./session";

const RefreshSession = graphql(`
  mutation RefreshSession($input: RefreshSessionInput!) {
    refreshSession(input: $input) {
      session {
        accessToken
        accessTokenExpiresAt
        refreshToken
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

/** Refresh this long before the access token's expiry, so no request races it. */
const EXPIRY_MARGIN_MS = 10_000;

/** An expired, forged or revoked access token: Trellis answers 401 with this code. */
function isUnauthenticated(error: CombinedError): boolean {
  return (
    error.response?.status === 401 ||
    error.graphQLErrors.some((e) => e.extensions.code === "UNAUTHENTICATED")
  );
}

export function makeClient(): Client {
  return new Client({
    url: "/graphql",
    // Queries by POST too: a GET's query string (and its variables, search words included)
    // lands in proxy and access logs, and answers for one signed-in person are not for
    // shared HTTP caches anyway.
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const session = getSession();
          // The refresh is sent without the old access token: Trellis refuses a whole
          // request whose token is not valid, whatever it asks.
          if (session === null || operation.context.withoutAccessToken) return operation;
          return utils.appendHeaders(operation, {
            Authorization: `Bearer ${session.accessToken}`,
          });
        },
        willAuthError() {
          const session = getSession();
          return session !== null && accessTokenExpires(session, EXPIRY_MARGIN_MS);
        },
        didAuthError(error) {
          return getSession() !== null && isUnauthenticated(error);
        },
        // authExchange holds other requests meanwhile, then sends the failed one again
        // once (a second UNAUTHENTICATED is passed on, not refreshed again).
        async refreshAuth() {
          const session = getSession();
          if (session === null) return;
          const result = await utils.mutate(
            RefreshSession,
            { input: { refreshToken: session.refreshToken } },
            { withoutAccessToken: true },
          );
          // A used, expired or revoked refresh token answers a userError: sign in again.
          // (If Trellis could not be reached, keep the session for the next try.)
          if (result.data) setSession(result.data.refreshSession.session ?? null);
        },
      })),
      fetchExchange,
    ],
  });
}
