import { useMemo } from "react";
import { Provider, useMutation, useQuery } from "urql";
import { makeClient } from "./client";
import { Communities } from "./Communities";
import { RequestError } from "./Errors";
import { graphql } from "./gql";
import { PracticeSearch } from "./PracticeSearch";
import { getSession, setSession, useSession } from "./session";
import { SignIn } from "./SignIn";

const Viewer = graphql(`
  query Viewer {
    viewer {
      person {
        id
        displayName
      }
    }
  }
`);

const SignOut = graphql(`
  mutation SignOut($input: SignOutInput!) {
    signOut(input: $input) {
      signedOut
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export function App() {
  const signedIn = useSession() !== null;
  // A new client (and so an empty cache) for each sign-in: nothing one person saw is
  // shown to the next.
  const client = useMemo(makeClient, [signedIn]);
  return (
    <Provider value={client}>
      <h1>Trellis</h1>
      {signedIn ? <Home /> : <SignIn />}
    </Provider>
  );
}

function Home() {
  const [{ data, error }] = useQuery({ query: Viewer });
  const [, signOut] = useMutation(SignOut);

  async function leave() {
    const session = getSession();
    if (session) await signOut({ input: { refreshToken: session.refreshToken } });
    setSession(null);
  }

  return (
    <main>
      <header>
        {data && <p>Signed in as {data.viewer.person.displayName}</p>}
        <RequestError error={error} />
        <button type="button" onClick={leave}>
          Sign out
        </button>
      </header>
      <Communities />
      <PracticeSearch />
    </main>
  );
}
