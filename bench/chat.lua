-- POST /api/chat for wrk: a distinct prompt per request (so the reply cache never answers), the bearer token from
-- $TOKEN, and, when $CONVERSATIONS is set, one of that many conversations (so every request reads and writes history).
local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
local conversations = tonumber(os.getenv("CONVERSATIONS") or "")

request = function()
   counter = counter + 1
   local body
   if conversations then
      body = string.format('{"content":"bench %d-%d","max_tokens":16,"conversation_id":"bench-%d-%d"}',
         id or 0, counter, id or 0, counter % conversations)
   else
      body = string.format('{"content":"bench %d-%d","max_tokens":16}', id or 0, counter)
   end
   return wrk.format(nil, nil, nil, body)
end
