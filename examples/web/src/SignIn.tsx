import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { UserErrors, RequestError } from "./Errors";
import { graphql } from "./gql";
import { setSession } from "./session";

const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
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

export function SignIn() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [result, signIn] = useMutation(SignInMutation);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { data } = await signIn({ input: { email, password } });
    const session = data?.signIn.session;
    if (session) setSession(session);
  }

  return (
    <form onSubmit={submit} aria-label="Sign in">
      <h2>Sign in</h2>
      <label>
        Email <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <label>
        Password{" "}
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <button type="submit" disabled={result.fetching}>
        Sign in
      </button>
      <UserErrors errors={result.data?.signIn.userErrors ?? []} />
      <RequestError error={result.error} />
    </form>
  );
}
