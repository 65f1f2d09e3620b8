-- count.lua - the MTA benchmark's job for rspamd (contrib/bench/peers/rspamd.conf.in): count
-- Japanese phone numbers and e-mail addresses in the text parts and text/* attachments, and
-- tag (header X-Bench-Verdict: tag; findings=N) when there are 10 or more. The patterns are
-- those of MIMEDefang's filter (mimedefang-filter), PCRE through rspamd_regexp.
local rspamd_regexp = require "rspamd_regexp"

local phone = rspamd_regexp.create_cached([[/(?<![0-9])0[0-9]{1,4}[-( ]?[0-9]{1,4}[-) ]?[0-9]{3,4}(?![0-9])/]])
local email = rspamd_regexp.create_cached([[/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/]])

-- count - matches of re in s (s may be a rspamd_text or a string)
local function count(re, s)
  local m = re:search(s, true)
  return m and #m or 0
end

rspamd_config:register_symbol({
  name = 'BENCH_PERSONAL_DATA',
  score = 0.0,
  callback = function(task)
    local n = 0
    for _, part in ipairs(task:get_parts() or {}) do
      local content
      if part:is_text() then
        local tp = part:get_text()
        content = tp and tp:get_content()
      else
        local mt = part:get_type()
        if mt == 'text' then
          content = part:get_content()
        end
      end
      if content then
        n = n + count(phone, content) + count(email, content)
      end
    end
    if n >= 10 then
      task:set_milter_reply({
        add_headers = { ['X-Bench-Verdict'] = string.format('tag; findings=%d', n) },
      })
      return true, n
    end
    return false
  end,
})
