"""revo fake-llm as a drop-in base URL for the official openai and anthropic Python clients.

Usage: python ci/fake-llm-clients.py http://127.0.0.1:PORT
Exits non-zero, naming the step, when a client cannot use the fake upstream.
"""
import json
import sys
import urllib.request

import anthropic
import openai

base = sys.argv[1]


def admin(path, body=None, method="POST"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    return urllib.request.urlopen(request).read()


def check(step, condition, detail=""):
    if not condition:
        sys.exit(f"fake-llm-clients: {step} failed {detail}")
    print(f"ok  {step}")


oa = openai.OpenAI(base_url=base + "/v1", api_key="sk-test", max_retries=0)
reply = oa.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}], max_tokens=30)
check("openai chat", reply.choices[0].message.content and reply.usage.completion_tokens > 0, repr(reply))
streamed = oa.chat.completions.create(
    model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}], stream=True, stream_options={"include_usage": True}
)
chunks = list(streamed)
check("openai stream", "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) and chunks[-1].usage)

an = anthropic.Anthropic(base_url=base, api_key="sk-test", max_retries=0)
message = an.messages.create(model="claude-x", max_tokens=30, messages=[{"role": "user", "content": "hello"}])
check("anthropic message", message.content[0].text and message.usage.output_tokens > 0, repr(message))
with an.messages.stream(model="claude-x", max_tokens=30, messages=[{"role": "user", "content": "hello"}]) as stream:
    text = "".join(stream.text_stream)
check("anthropic stream", text)

admin("/admin/faults", {"kind": "rate_limit", "retry_after_s": 2, "first_n": 2})
try:
    oa.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    check("openai 429", False, "no error raised")
except openai.RateLimitError as error:
    check("openai 429 with Retry-After", error.response.headers.get("retry-after") == "2")
try:
    an.messages.create(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    check("anthropic 429", False, "no error raised")
except anthropic.RateLimitError as error:
    check("anthropic 429 with Retry-After", error.response.headers.get("retry-after") == "2")

admin("/admin/faults", method="DELETE")
admin("/admin/faults", {"kind": "disconnect", "after_tokens": 8})
try:
    list(oa.chat.completions.create(model="m", messages=[{"role": "user", "content": "hello"}], stream=True))
    check("openai cut stream", False, "the stream ended cleanly")
except openai.APIError:
    check("openai cut stream raises", True)
