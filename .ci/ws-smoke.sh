#!/usr/bin/env bash
# Subscriptions with the unmodified `graphql-ws` client (../shared/tools/ws-smoke.mjs)
# against a running demo server: Kingsmead's headteacher follows `notificationAdded`
# while a Kingsmead teacher submits a practice for review; the headteacher, one of the
# school's approvers, must receive it.
#
# Usage: .ci/ws-smoke.sh http://127.0.0.1:PORT/graphql
set -euo pipefail
cd "$(dirname "$0")/.."
url="$1"
password="demo-trellis-2026"

# Runs a GraphQL request; prints the answer's JSON.
gql() {
  local token="$1" body="$2"
  curl -fs "$url" -H 'Content-Type: application/json' \
    ${token:+-H "Authorization: Bearer $token"} --data "$body"
}

sign_in() {
  gql "" "$(python3 -c 'import json,sys; print(json.dumps({"query": "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }", "variables": {"e": sys.argv[1], "p": sys.argv[2]}}))' "$1" "$password")" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["signIn"]["session"]["accessToken"])'
}

head_token=$(sign_in headteacher@kingsmead.example)
teacher_token=$(sign_in teacher@kingsmead.example)

out=$(mktemp)
bash .ci/shared-tools.sh ws-smoke "$url" \
  'subscription { notificationAdded { id type text subjectId } }' \
  --count 1 --timeout 20000 \
  --connection-params "{\"authorization\":\"Bearer $head_token\"}" >"$out" 2>&1 &
smoke=$!
# Once the client is connected and subscribed, the teacher acts.
for _ in $(seq 100); do grep -q '^connected' "$out" && break; sleep 0.2; done
sleep 1

# Kingsmead is in the demo's first alliance, Severn Valley.
alliance=$(printf 'Alliance:1' | base64 | tr '+/' '-_' | tr -d '=')
school=$(gql "$teacher_token" '{"query": "{ viewer { staffRoles { school { id } } } }"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["viewer"]["staffRoles"][0]["school"]["id"])')
created=$(gql "$teacher_token" "$(python3 -c 'import json,sys; print(json.dumps({"query": "mutation($i: CreatePracticeInput!) { createPractice(input: $i) { practice { id } userErrors { message } } }", "variables": {"i": {"schoolId": sys.argv[1], "kind": "CASE_STUDY", "title": "Subscription smoke", "summary": "Checked by CI.", "bodyMarkdown": "A practice to review.", "audience": {"visibility": "ALLIANCE", "allianceId": sys.argv[2]}}}}))' "$school" "$alliance")")
practice=$(echo "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["createPractice"]["practice"]["id"])')
submitted=$(gql "$teacher_token" "$(python3 -c 'import json,sys; print(json.dumps({"query": "mutation($i: SubmitPracticeForReviewInput!) { submitPracticeForReview(input: $i) { userErrors { message } } }", "variables": {"i": {"practiceId": sys.argv[1]}}}))' "$practice")")
echo "$submitted" | python3 -c 'import json,sys; errors = json.load(sys.stdin)["data"]["submitPracticeForReview"]["userErrors"]; sys.exit(f"submitPracticeForReview refused: {errors}" if errors else 0)'

status=0
wait "$smoke" || status=$?
cat "$out"
grep -q 'PRACTICE_SUBMITTED' "$out" || status=1
rm -f "$out"
exit "$status"
