// The page: signs in, chats (streamed or not), shows health, and tells the person what an error means for them.
import { RevoClient, apiBaseFrom } from "./api.js";

const client = new RevoClient(apiBaseFrom(window.location), { storage: window.sessionStorage });
const $ = (selector) => document.querySelector(selector);
let waitUntil = 0; // after a 429: no sending before this time (ms)

function notify(text, { error = false } = {}) {
  const notice = $("#notice");
  notice.textContent = text;
  notice.className = error ? "error" : "";
  notice.hidden = !text;
}

function showSignedIn() {
  const user = client.user;
  $("#who").textContent = user ? `signed in as ${user.username}` : "";
  $("#logout").hidden = !user;
  $("#account").hidden = Boolean(user);
  $("#chat").hidden = !user;
}

function addMessage(who, text, meta = "") {
  const item = document.createElement("li");
  item.className = who;
  item.textContent = text;
  if (meta) {
    const small = document.createElement("span");
    small.className = "meta";
    small.textContent = meta;
    item.append(small);
  }
  $("#messages").append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

/** What an error means for the person: log in again, wait, or why no model could answer. */
async function explain(error) {
  if (error.needsLogin) {
    client.logout();
    showSignedIn();
    notify(`Your session has ended (${error.message}). Log in again.`, { error: true });
  } else if (error.status === 429) {
    const seconds = error.retryAfter ?? 1;
    waitUntil = Date.now() + seconds * 1000;
    notify(`Too many requests: wait ${seconds} s before sending again.`, { error: true });
  } else if (error.status === 503) {
    const reasons = await client.health().then(unavailableReasons).catch(() => []);
    notify(`No model could answer: ${error.message}${reasons.length ? ` (${reasons.join("; ")})` : ""}`, { error: true });
  } else {
    notify(`${error.message}${error.field ? ` (field ${error.field})` : ""}`, { error: true });
  }
}

function unavailableReasons(health) {
  return Object.entries(health.services ?? {})
    .filter(([, service]) => service.status !== "healthy")
    .map(([name, service]) => `${name}: ${(service.reasons ?? []).join(", ") || service.status}`);
}

async function signIn(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const action = event.submitter?.value === "register" ? "register" : "login";
  try {
    await client[action](form.get("username"), form.get("password"));
    notify("");
    showSignedIn();
  } catch (error) {
    await explain(error);
  }
}

async function ask(event) {
  event.preventDefault();
  if (Date.now() < waitUntil) {
    notify(`Still rate limited: wait ${Math.ceil((waitUntil - Date.now()) / 1000)} s.`, { error: true });
    return;
  }
  const form = new FormData(event.target);
  const content = String(form.get("content")).trim();
  if (!content) return;
  const options = form.get("use_memory") ? { use_memory: true } : {};
  addMessage("you", content);
  event.target.reset();
  $("#send").disabled = true;
  try {
    if (form.get("stream")) {
      const item = addMessage("revo", "…");
      const answer = await client.stream(content, {
        options,
        onToken: (_, soFar) => (item.textContent = soFar),
        onRestart: () => (item.textContent = "… (reconnected, resending)"),
      });
      item.textContent = answer.content;
      item.append(Object.assign(document.createElement("span"), { className: "meta", textContent: `${answer.provider} · streamed` }));
    } else {
      const answer = await client.chat(content, options);
      addMessage("revo", answer.content, `${answer.provider}${answer.stale ? " · stale (from cache)" : ""}`);
    }
    notify("");
  } catch (error) {
    await explain(error);
  } finally {
    $("#send").disabled = false;
  }
}

async function showHealth() {
  try {
    const health = await client.health();
    $("#overall").textContent = health.status;
    $("#overall").className = `status-${health.status}`;
    $("#services").replaceChildren(
      ...Object.entries(health.services ?? {}).map(([name, service]) => {
        const item = document.createElement("li");
        item.className = `status-${service.status}`;
        item.textContent = `${name}: ${service.status}${service.reasons?.length ? ` (${service.reasons.join(", ")})` : ""}`;
        return item;
      }),
    );
  } catch (error) {
    $("#overall").textContent = "unreachable";
    $("#services").replaceChildren(Object.assign(document.createElement("li"), { textContent: error.message }));
  }
}

$("#api-base").textContent = client.baseURL;
$("#sign-in").addEventListener("submit", signIn);
$("#ask").addEventListener("submit", ask);
$("#logout").addEventListener("click", () => {
  client.logout();
  showSignedIn();
});
showSignedIn();
showHealth();
setInterval(showHealth, 10_000);
