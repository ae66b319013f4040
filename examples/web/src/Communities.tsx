import { useState } from "react";
import { useQuery } from "urql";
import { RequestError } from "./Errors";
import { graphql } from "./gql";

const MyCommunities = graphql(`
  query MyCommunities($first: Int!, $after: String) {
    viewer {
      communityMemberships(first: $first, after: $after) {
        totalCount
        edges {
          node {
            id
            status
            role
            community {
              id
              name
              kind
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

/** One, so that the demo accounts' one or two communities take more than one page. */
const PAGE_SIZE = 1;

/**
 * The viewer's communities, a page at a time: each page is its own query, from the cursor
 * where the previous one ended (Relay's `pageInfo.endCursor`), so pages already shown
 * stay put and are cached on their own.
 */
export function Communities() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <section aria-labelledby="communities-heading">
      <h2 id="communities-heading">Your communities</h2>
      <ul className="communities">
        {cursors.map((after, index) => (
          <CommunityPage
            key={after ?? "first"}
            after={after}
            isLast={index === cursors.length - 1}
            onMore={(endCursor) => setCursors([...cursors, endCursor])}
          />
        ))}
      </ul>
    </section>
  );
}

interface PageProps {
  after: string | null;
  isLast: boolean;
  onMore: (endCursor: string) => void;
}

function CommunityPage({ after, isLast, onMore }: PageProps) {
  const [{ data, fetching, error }] = useQuery({
    query: MyCommunities,
    variables: { first: PAGE_SIZE, after },
  });
  const connection = data?.viewer.communityMemberships;
  const endCursor = connection?.pageInfo.endCursor;
  return (
    <>
      {connection?.edges.map(({ node }) => (
        <li key={node.id} className="community">
          <strong>{node.community.name}</strong> ({node.status.toLowerCase()})
        </li>
      ))}
      {fetching && <li>Loading…</li>}
      {error && (
        <li>
          <RequestError error={error} />
        </li>
      )}
      {isLast && connection && (
        <li>
          <span className="count">
            {connection.totalCount} in all.{" "}
          </span>
          {connection.pageInfo.hasNextPage && endCursor && (
            <button type="button" onClick={() => onMore(endCursor)}>
              More
            </button>
          )}
        </li>
      )}
    </>
  );
}
