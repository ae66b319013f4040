import type { CombinedError } from "urql";

interface UserError {
  field: readonly string[];
  code: string;
  message: string;
}

/** A mutation's userErrors: what the user can fix, each with the input field at fault. */
export function UserErrors({ errors }: { errors: readonly UserError[] }) {
  if (errors.length === 0) return null;
  return (
    <ul role="alert" className="user-errors">
      {errors.map((error, index) => (
        <li key={index} data-code={error.code}>
          {error.field.length > 0 && <strong>{error.field.at(-1)}: </strong>}
          {error.message}
        </li>
      ))}
    </ul>
  );
}

/** A request that failed: a network failure, or top-level GraphQL errors with their code. */
export function RequestError({ error }: { error: CombinedError | undefined }) {
  if (!error) return null;
  const messages = error.networkError
    ? [error.networkError.message]
    : error.graphQLErrors.map((e) => `${e.message} (${String(e.extensions.code ?? "ERROR")})`);
  return (
    <p role="alert" className="request-error">
      {messages.join("; ")}
    </p>
  );
}
