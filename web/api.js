// A client for the revo API, for browsers: accounts, access tokens refreshed before they expire, chat, chat streamed
// over /ws/chat (resent with the same message_id after a dropped connection), and health. No dependencies.

/** An answer the API refused, in its error shape ({"error": {"code", "message", "field"}}), or a network failure. */
export class RevoError extends Error {
  constructor(status, code, message, { field = null, retryAfter = null, closeCode = null } = {}) {
    super(message);
    this.name = "RevoError";
    this.status = status; // HTTP status; 0 when the browser got no answer it may read (network, CORS)
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter; // seconds, on 429 and 503
    this.closeCode = closeCode; // WebSocket close code, for errors of a stream
  }

  /** The person must log in again: no token, or one that cannot be refreshed. */
  get needsLogin() {
    return this.status === 401 || this.closeCode === 1008;
  }
}

/** The API's base URL: `?api=` on the page's address, else the page's own origin. */
export function apiBaseFrom(location) {
  const given = new URLSearchParams(location.search).get("api");
  return (given || location.origin).replace(/\/+$/, "");
}

export class RevoClient {
  /**
   * @param {string} baseURL e.g. "http://127.0.0.1:8000"
   * @param {object} options `storage` keeps the session across reloads (e.g. sessionStorage); `refreshMargin` is how
   *   many seconds before expiry the access token is refreshed.
   */
  constructor(baseURL, { storage = null, refreshMargin = 60 } = {}) {
    this.baseURL = baseURL.replace(/\/+$/, "");
    this.storage = storage;
    this.refreshMargin = refreshMargin;
    this.refreshes = 0;
    this.session = storage ? JSON.parse(storage.getItem("revo.session") || "null") : null;
  }

  get user() {
    return this.session?.user ?? null;
  }

  get accessToken() {
    return this.session?.accessToken ?? null;
  }

  register(username, password) {
    return this.#signIn("/auth/register", username, password);
  }

  login(username, password) {
    return this.#signIn("/auth/login", username, password);
  }

  logout() {
    this.#keep(null);
  }

  /** New tokens for the refresh token; a refused refresh ends the session (log in again). */
  async refresh() {
    if (!this.session) throw new RevoError(401, "not_signed_in", "log in first");
    try {
      const answer = await this.request("POST", "/auth/refresh", { refresh_token: this.session.refreshToken }, { auth: false });
      this.#accept(answer);
      this.refreshes += 1;
      return answer;
    } catch (error) {
      if (error.status === 401) this.#keep(null);
      throw error;
    }
  }

  me() {
    return this.request("GET", "/auth/me");
  }

  /** `POST /api/chat`; `options` are the API's optional fields (conversation_id, use_memory, max_tokens, ...). */
  chat(content, options = {}) {
    return this.request("POST", "/api/chat", { content, ...options });
  }

  health() {
    return this.request("GET", "/health", undefined, { auth: false, acceptStatus: [503] });
  }

  /**
   * Sends `body` (an object, as JSON) and returns the parsed answer. An access token close to expiry is refreshed
   * first; a 401 is retried once after a refresh. Throws RevoError.
   */
  async request(method, path, body, { auth = true, acceptStatus = [] } = {}) {
    if (auth) await this.#fresh();
    let response = await this.#send(method, path, body, auth);
    if (response.status === 401 && auth && this.session) {
      await this.refresh();
      response = await this.#send(method, path, body, auth);
    }
    const answer = await response.json().catch(() => null);
    if (response.ok || acceptStatus.includes(response.status)) return answer;
    throw RevoClient.errorFrom(response, answer);
  }

  static errorFrom(response, answer) {
    const error = answer?.error ?? {};
    const retryAfter = response.headers.get("retry-after");
    return new RevoError(response.status, error.code ?? `http_${response.status}`, error.message ?? response.statusText, {
      field: error.field ?? null,
      retryAfter: retryAfter === null ? null : Number(retryAfter),
    });
  }

  /** The WebSocket URL of `path` on the API's host, with the access token in the query (browsers cannot set headers). */
  socketURL(path, token = this.accessToken) {
    const url = new URL(this.baseURL.replace(/^http/, "ws") + path);
    if (token) url.searchParams.set("token", token);
    return url.toString();
  }

  /**
   * Streams one reply over /ws/chat. `onToken(text, soFar)` sees each piece; `onRestart()` is called when a dropped
   * connection is reopened and the message resent (with the same message_id, so it is stored once). Resolves with the
   * `response` message; rejects with a RevoError for `error`, `interrupted`, a policy close (1008: log in again) or
   * a close after `reconnects` retries.
   */
  async stream(content, { messageId = RevoClient.messageId(), options = {}, onToken = () => {}, onRestart = () => {}, reconnects = 2 } = {}) {
    for (let attempt = 0; ; attempt += 1) {
      await this.#fresh();
      if (attempt > 0) onRestart();
      try {
        return await this.#streamOnce(content, messageId, options, onToken);
      } catch (error) {
        const dropped = error.code === "connection_lost";
        if (!dropped || attempt >= reconnects) throw error;
      }
    }
  }

  static messageId() {
    return "m-" + (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
  }

  #streamOnce(content, messageId, options, onToken) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.socketURL("/ws/chat"));
      let text = "";
      let settled = false;
      const settle = (action, value) => {
        if (settled) return;
        settled = true;
        action(value);
        if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        switch (message.type) {
          case "ready":
            socket.send(JSON.stringify({ type: "chat", content, message_id: messageId, ...options }));
            break;
          case "token":
            text += message.content;
            onToken(message.content, text);
            break;
          case "response":
            settle(resolve, message);
            break;
          case "interrupted":
            settle(reject, new RevoError(502, "interrupted", message.message || "the provider stopped mid-answer"));
            break;
          case "error":
            settle(reject, new RevoError(message.code === "rate_limited" ? 429 : 400, message.code, message.message, { field: message.field }));
            break;
        }
      };
      socket.onclose = (event) => {
        const code = event.code === 1008 ? "unauthorized" : "connection_lost";
        const reason = event.reason || `the connection closed (${event.code})`;
        settle(reject, new RevoError(0, code, reason, { closeCode: event.code }));
      };
    });
  }

  async #signIn(path, username, password) {
    const answer = await this.request("POST", path, { username, password }, { auth: false });
    this.#accept(answer);
    return answer;
  }

  #accept(answer) {
    this.#keep({
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt: Date.now() + answer.expires_in * 1000,
      user: answer.user ?? this.session?.user ?? null,
    });
  }

  #keep(session) {
    this.session = session;
    if (!this.storage) return;
    if (session) this.storage.setItem("revo.session", JSON.stringify(session));
    else this.storage.removeItem("revo.session");
  }

  async #fresh() {
    if (this.session && this.session.expiresAt - Date.now() < this.refreshMargin * 1000) await this.refresh();
  }

  async #send(method, path, body, auth) {
    const headers = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (auth && this.accessToken) headers["authorization"] = `Bearer ${this.accessToken}`;
    try {
      return await fetch(this.baseURL + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      // A refused CORS check and an unreachable server look the same to a script: no status, no body.
      throw new RevoError(0, "unreachable", `no answer from ${this.baseURL} (${error.message}): is the server up, and is this page's origin allowed?`);
    }
  }
}
