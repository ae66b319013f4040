// The example against a real Trellis with its demo data (started by servers.ts), as a
// user would use it in a browser.
import { expect, test, type Page, type Request } from "@playwright/test";
import type { Session } from "../src/session";

const PASSWORD = "demo-trellis-2026";

function exampleUrl(): string {
  const url = process.env.EXAMPLE_URL;
  if (!url) throw new Error("EXAMPLE_URL is set by tests/servers.ts");
  return url;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(exampleUrl());
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Signed in as")).toBeVisible();
}

function storedSession(page: Page): Promise<Session | null> {
  return page.evaluate(() => {
    const stored = localStorage.getItem("trellis.session");
    return stored === null ? null : (JSON.parse(stored) as Session);
  });
}

async function storeSession(page: Page, session: Session): Promise<void> {
  await page.evaluate((s) => localStorage.setItem("trellis.session", JSON.stringify(s)), session);
}

/** The GraphQL operations the page sends, by name, with their Authorization header. */
function recordOperations(page: Page): { name: string; authorization?: string; status?: number }[] {
  const sent: { name: string; authorization?: string; status?: number }[] = [];
  const names = new Map<Request, (typeof sent)[number]>();
  page.on("request", (request) => {
    if (!request.url().endsWith("/graphql")) return;
    const body = request.postDataJSON() as { operationName?: string } | null;
    const entry = {
      name: body?.operationName ?? "?",
      authorization: request.headers()["authorization"],
    };
    sent.push(entry);
    names.set(request, entry);
  });
  page.on("response", (response) => {
    const entry = names.get(response.request());
    if (entry) entry.status = response.status();
  });
  return sent;
}

/** The same token with its signature broken: Trellis refuses it as it does an expired one. */
function spoiled(token: string): string {
  const [header, payload, signature] = token.split(".");
  return `${header}.${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
}

test("a wrong password shows the sign-in's userError", async ({ page }) => {
  await page.goto(exampleUrl());
  await page.getByLabel("Email").fill("teacher@ashcroft.example");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  const error = page.getByRole("alert");
  await expect(error.locator("li")).toHaveAttribute("data-code", "INVALID_CREDENTIALS");
  await expect(page.getByText("Signed in as")).toHaveCount(0);
});

test("the viewer's communities, a page at a time", async ({ page }) => {
  await signIn(page, "teacher@ashcroft.example");
  const communities = page.locator(".community");
  await expect(communities).toHaveText(["Early Career Coaching Circle (active)"]);
  await expect(page.getByText("2 in all.")).toBeVisible();
  await page.getByRole("button", { name: "More" }).click();
  await expect(communities).toHaveText([
    "Early Career Coaching Circle (active)",
    "Year 6 to 7 Transition Network (declined)",
  ]);
  await expect(page.getByRole("button", { name: "More" })).toHaveCount(0);
});

test("practice search, and a comment's userError", async ({ page }) => {
  await signIn(page, "teacher@staidans.example");
  await page.getByRole("searchbox", { name: "Search practice" }).fill("retrieval");
  await page.getByRole("button", { name: "Search" }).click();
  const hit = page.locator(".practice", { hasText: "Retrieval practice starters in KS2 maths" });
  await expect(hit).toBeVisible();
  await expect(hit.locator(".snippet mark").first()).toHaveText(/retrieval/i);

  const form = page.getByRole("form", { name: "Comment on Retrieval practice starters in KS2 maths" });
  await form.getByLabel("Comment").fill("   ");
  await form.getByRole("button", { name: "Comment" }).click();
  await expect(form.getByRole("alert")).toHaveText("bodyMarkdown: must not be blank");

  await form.getByLabel("Comment").fill("We tried this in Year 4 too.");
  await form.getByRole("button", { name: "Comment" }).click();
  await expect(form.getByRole("status")).toHaveText("Comment posted.");
  await expect(form.getByRole("alert")).toHaveCount(0);
});

test("a refused access token is refreshed, and the request sent again", async ({ page }) => {
  await signIn(page, "teacher@ashcroft.example");
  const before = await storedSession(page);
  if (!before) throw new Error("signed in, but no session stored");
  await storeSession(page, { ...before, accessToken: spoiled(before.accessToken) });

  const sent = recordOperations(page);
  await page.reload();
  await expect(page.locator(".community")).toHaveCount(1);
  await expect(page.getByText("Signed in as")).toBeVisible();

  // Trellis refused the spoiled token; the client refreshed without it, then retried.
  expect(sent.find((op) => op.status === 401)?.authorization).toBe(
    `Bearer ${spoiled(before.accessToken)}`,
  );
  const refresh = sent.find((op) => op.name === "RefreshSession");
  expect(refresh?.status).toBe(200);
  expect(refresh?.authorization).toBeUndefined();
  const after = await storedSession(page);
  expect(after?.refreshToken).not.toBe(before.refreshToken);
  expect(sent.filter((op) => op.name === "MyCommunities").at(-1)).toMatchObject({
    status: 200,
    authorization: `Bearer ${after?.accessToken}`,
  });
});

test("an access token about to expire is refreshed before it is sent", async ({ page }) => {
  await signIn(page, "teacher@ashcroft.example");
  const before = await storedSession(page);
  if (!before) throw new Error("signed in, but no session stored");
  await storeSession(page, { ...before, accessTokenExpiresAt: new Date().toISOString() });

  const sent = recordOperations(page);
  await page.reload();
  await expect(page.locator(".community")).toHaveCount(1);
  expect(sent[0]?.name).toBe("RefreshSession");
  expect(sent.filter((op) => op.status === 401)).toEqual([]);
  const after = await storedSession(page);
  expect(after?.refreshToken).not.toBe(before.refreshToken);
  expect(Date.parse(after?.accessTokenExpiresAt ?? "")).toBeGreaterThan(Date.now());
});

test("a refresh token that no longer works leads back to signing in", async ({ page }) => {
  await signIn(page, "teacher@ashcroft.example");
  const before = await storedSession(page);
  if (!before) throw new Error("signed in, but no session stored");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();

  // The signed-out session, as a stale tab would still hold it.
  await storeSession(page, before);
  await page.reload();
  await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
  expect(await storedSession(page)).toBeNull();
});
