import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { RequestError, UserErrors } from "./Errors";
import { graphql } from "./gql";

const SearchPractice = graphql(`
  query SearchPractice($query: String!, $first: Int!) {
    practices(query: $query, first: $first) {
      totalCount
      edges {
        snippet
        node {
          id
          title
          summary
          school {
            name
          }
        }
      }
    }
  }
`);

const CommentOnPractice = graphql(`
  mutation CommentOnPractice($input: CommentOnPracticeInput!) {
    commentOnPractice(input: $input) {
      thread {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export function PracticeSearch() {
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [{ data, fetching, error }] = useQuery({
    query: SearchPractice,
    variables: { query, first: 10 },
    pause: query === "",
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setQuery(text.trim());
  }

  const results = data?.practices;
  return (
    <section aria-labelledby="practice-heading">
      <h2 id="practice-heading">Practice</h2>
      <form onSubmit={submit} role="search">
        <input
          type="search"
          aria-label="Search practice"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      {fetching && <p>Searching…</p>}
      <RequestError error={error} />
      {results && (
        <>
          <p className="count">{results.totalCount} found</p>
          <ul className="practices">
            {results.edges.map(({ node, snippet }) => (
              <li key={node.id} className="practice">
                <h3>{node.title}</h3>
                <p>{node.school.name}</p>
                {snippet ? (
                  // Trellis escapes the snippet's text and adds only <mark> tags.
                  <p className="snippet" dangerouslySetInnerHTML={{ __html: snippet }} />
                ) : (
                  <p>{node.summary}</p>
                )}
                <CommentForm practiceId={node.id} title={node.title} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Comments on a practice; a blank comment comes back as a userError on `bodyMarkdown`. */
function CommentForm({ practiceId, title }: { practiceId: string; title: string }) {
  const [body, setBody] = useState("");
  const [result, comment] = useMutation(CommentOnPractice);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { data } = await comment({ input: { practiceId, bodyMarkdown: body } });
    if (data?.commentOnPractice.thread) setBody("");
  }

  const payload = result.data?.commentOnPractice;
  return (
    <form onSubmit={submit} aria-label={`Comment on ${title}`}>
      <textarea aria-label="Comment" value={body} onChange={(e) => setBody(e.target.value)} />
      <button type="submit" disabled={result.fetching}>
        Comment
      </button>
      {payload?.thread && <p role="status">Comment posted.</p>}
      <UserErrors errors={payload?.userErrors ?? []} />
      <RequestError error={result.error} />
    </form>
  );
}
