-- scenario.lua - drive leakguard over the milter protocol with one saved message and check the
-- verdict it enacts. Parameters (miltertest -D NAME=value):
--   SOCK    milter socket ("unix:/path")
--   FILE    RFC 5322 message file; its headers are sent one by one, then the body in chunks
--   FROM    envelope sender (default: the From address)
--   RCPTS   comma-separated envelope recipients (default: the To and Cc addresses)
--   EXPECT  accept | tag | bcc | hold | monitor | discard | reject | tempfail | tempfail-internal
--   QID     queue id sent as macro {i} (optional)
--   REPLYTEXT  for reject and tempfail: the exact SMTP reply text expected
--   MIDWAY  a shell command run after the headers, before the body (e.g. a reload mid-message)
--   CHECKS  more end-of-message checks, separated by "|", each one of
--             change:NAME:VALUE   a header NAME was changed to exactly VALUE
--             nochange:NAME       no header NAME was changed
--             delete:NAME:INDEX   occurrence INDEX of NAME was deleted
--             nodelete:NAME       no NAME was deleted
--             add:NAME[:VALUE]    a header NAME was added (with exactly VALUE)
--             noadd:NAME          no header NAME was added
--           (miltertest cannot check the index of a change: its argument is read wrongly)
-- Every EXPECT also checks that the envelope is untouched: no recipient added or deleted.

local function fail(msg)
	io.stderr:write("FAIL: " .. msg .. "\n")
	os.exit(1)
end

-- an internal error may legitimately answer tempfail at any step (a spool write fails on a header)
local TEMPFAILED = "tempfailed-early"
local function step(name, want, conn)
	local r = mt.getreply(conn)
	if r == SMFIR_TEMPFAIL and EXPECT == "tempfail-internal" then error(TEMPFAILED, 0) end
	if r ~= want then
		fail(name .. ": reply " .. string.format("%q", r) .. ", expected " .. string.format("%q", want))
	end
end

-- read the message and split its header fields (folded lines kept with CRLF) from the body
local f = io.open(FILE, "rb")
if f == nil then fail("cannot open " .. FILE) end
local data = f:read("*a")
f:close()
local hend, bstart = string.find(data, "\r?\n\r?\n")
if hend == nil then fail("no header/body separator in " .. FILE) end
local head = string.sub(data, 1, hend)
local body = string.sub(data, bstart + 1)
local headers = {}
local name, value = nil, nil
for line in string.gmatch(head .. "\n", "([^\n]*)\n") do
	line = string.gsub(line, "\r$", "")
	if string.match(line, "^[ \t]") and name ~= nil then
		value = value .. "\r\n" .. line
	elseif line ~= "" then
		if name ~= nil then table.insert(headers, { name, value }) end
		name, value = string.match(line, "^([^:]+):[ \t]?(.*)$")
	end
end
if name ~= nil then table.insert(headers, { name, value }) end

-- without FROM/RCPTS the envelope comes from From and To/Cc
local from, rcpts = FROM, RCPTS
local addr = "[%w%._%+%-]+@[%w%.%-]+"
for _, h in ipairs(headers) do
	local n = string.lower(h[1])
	if (FROM == nil or FROM == "") and n == "from" then from = string.match(h[2], addr) end
	if (RCPTS == nil or RCPTS == "") and (n == "to" or n == "cc") then
		for a in string.gmatch(h[2], addr) do rcpts = (rcpts or "") .. "," .. a end
	end
end

-- run_checks - the CHECKS list
local function run_checks(conn)
	if CHECKS == nil or CHECKS == "" then return end
	for c in string.gmatch(CHECKS, "[^|]+") do
		local op, name, arg = string.match(c, "^(%a+):([^:]+):?(.*)$")
		if op == nil then fail("bad check " .. c) end
		local ok
		if op == "change" then
			ok = mt.eom_check(conn, MT_HDRCHANGE, name, arg)
		elseif op == "nochange" then
			ok = not mt.eom_check(conn, MT_HDRCHANGE, name)
		elseif op == "delete" then
			ok = mt.eom_check(conn, MT_HDRDELETE, name, tonumber(arg))
		elseif op == "nodelete" then
			ok = not mt.eom_check(conn, MT_HDRDELETE, name)
		elseif op == "add" then
			if arg == "" then ok = mt.eom_check(conn, MT_HDRADD, name)
			else ok = mt.eom_check(conn, MT_HDRADD, name, arg) end
		elseif op == "noadd" then
			ok = not mt.eom_check(conn, MT_HDRADD, name)
		else
			fail("unknown check " .. op)
		end
		if not ok then fail("check failed: " .. c) end
	end
end

-- envelope_untouched - no recipient added, none of the envelope's deleted
local function envelope_untouched(conn)
	for r in string.gmatch(rcpts, "[^,]+") do
		if mt.eom_check(conn, MT_RCPTDELETE, "<" .. r .. ">") or mt.eom_check(conn, MT_RCPTDELETE, r) then
			fail("envelope recipient " .. r .. " was deleted")
		end
		if mt.eom_check(conn, MT_RCPTADD, "<" .. r .. ">") or mt.eom_check(conn, MT_RCPTADD, r) then
			fail("envelope recipient " .. r .. " was added")
		end
	end
end

local conn = mt.connect(SOCK, 40, 0.25)
if conn == nil then fail("cannot connect to " .. SOCK) end

local ok, err = pcall(function()
	mt.conninfo(conn, "client.test", "127.0.0.1")
	step("connect", SMFIR_CONTINUE, conn)
	mt.macro(conn, SMFIC_MAIL, "i", QID or "TESTQID")
	mt.mailfrom(conn, "<" .. from .. ">")
	step("mail from", SMFIR_CONTINUE, conn)
	for r in string.gmatch(rcpts, "[^,]+") do
		mt.rcptto(conn, "<" .. r .. ">")
		step("rcpt to " .. r, SMFIR_CONTINUE, conn)
	end
	-- Debian's miltertest (2.11.0~beta2) smashes its stack on a header value over ~1024 bytes, so
	-- a long address list is sent as several headers of the same name, each a slice of the list
	-- (the real-Postfix scenario sends the 144-address To header whole).
	local function send_header(hname, hvalue)
		mt.header(conn, hname, hvalue)
		step("header " .. hname, SMFIR_CONTINUE, conn)
	end
	for _, h in ipairs(headers) do
		local n = string.lower(h[1])
		if #h[2] <= 1000 then
			send_header(h[1], h[2])
		elseif n == "to" or n == "cc" then
			local slice = ""
			for a in string.gmatch(h[2], "[^,]+") do
				if #slice + #a > 900 then
					send_header(h[1], slice)
					slice = ""
				end
				slice = (slice == "" and "" or slice .. ",") .. a
			end
			if slice ~= "" then send_header(h[1], slice) end
		else
			fail("header " .. h[1] .. " is longer than miltertest can send")
		end
	end
	if MIDWAY ~= nil and MIDWAY ~= "" then os.execute(MIDWAY) end
	mt.eoh(conn)
	step("eoh", SMFIR_CONTINUE, conn)
	body = string.gsub(body, "\r?\n", "\r\n")
	local chunk = 65535
	for i = 1, #body, chunk do
		mt.bodystring(conn, string.sub(body, i, i + chunk - 1))
		local r = mt.getreply(conn)
		if r ~= SMFIR_CONTINUE then
			if EXPECT == "tempfail-internal" and r == SMFIR_TEMPFAIL then error(TEMPFAILED, 0) end
			fail("body chunk: unexpected reply " .. string.format("%q", r))
		end
	end
	mt.eom(conn)
	local r = mt.getreply(conn)
	if EXPECT == "accept" then
		if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("eom: not accepted") end
		if mt.eom_check(conn, MT_QUARANTINE) then fail("accepted mail was quarantined") end
		if mt.eom_check(conn, MT_HDRADD) then fail("accepted mail was tagged") end
	elseif EXPECT == "tag" then
		if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("eom: not accepted") end
		if not mt.eom_check(conn, MT_HDRADD, "X-Leakguard-Verdict") then fail("no X-Leakguard-Verdict header") end
		if mt.eom_check(conn, MT_QUARANTINE) then fail("tagged mail was quarantined") end
	elseif EXPECT == "bcc" then
		if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("eom: not accepted") end
		if CHECKS == nil or CHECKS == "" then
			if not mt.eom_check(conn, MT_HDRCHANGE, "To", "undisclosed-recipients:;") then
				fail("To was not rewritten to undisclosed-recipients:;")
			end
			if not mt.eom_check(conn, MT_HDRDELETE, "Cc") then fail("Cc was not removed") end
		end
		if not mt.eom_check(conn, MT_HDRADD, "X-Leakguard-Verdict") then fail("no X-Leakguard-Verdict header") end
		if mt.eom_check(conn, MT_QUARANTINE) then fail("bcc mail was quarantined") end
	elseif EXPECT == "monitor" then
		-- monitor: decided and logged only; the message goes on exactly as it came
		if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("eom: monitor verdict did not continue: " .. string.format("%q", r)) end
		for _, op in ipairs({ MT_HDRADD, MT_HDRCHANGE, MT_HDRDELETE, MT_HDRINSERT, MT_QUARANTINE, MT_BODYCHANGE }) do
			if mt.eom_check(conn, op) then fail("monitor verdict changed the message (operation " .. op .. ")") end
		end
	elseif EXPECT == "discard" then
		if r ~= SMFIR_DISCARD then fail("eom: expected discard, got " .. string.format("%q", r)) end
		if mt.eom_check(conn, MT_QUARANTINE) then fail("discarded mail was also put in the MTA's hold queue") end
	elseif EXPECT == "hold" then
		if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("eom: unexpected reply " .. string.format("%q", r)) end
		if not mt.eom_check(conn, MT_QUARANTINE) then fail("message was not quarantined") end
	elseif EXPECT == "reject" then
		if r ~= SMFIR_REPLYCODE then fail("eom: expected a reply code, got " .. string.format("%q", r)) end
		-- miltertest only answers the three-argument form: code, enhanced code and exact text
		if not mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", REPLYTEXT) then
			fail("no '550 5.7.1 " .. tostring(REPLYTEXT) .. "' reply")
		end
	elseif EXPECT == "tempfail" then
		if r ~= SMFIR_REPLYCODE then fail("eom: expected a reply code, got " .. string.format("%q", r)) end
		if not mt.eom_check(conn, MT_SMTPREPLY, "451", "4.7.1", REPLYTEXT) then
			fail("no '451 4.7.1 " .. tostring(REPLYTEXT) .. "' reply")
		end
	elseif EXPECT == "tempfail-internal" then
		if r ~= SMFIR_TEMPFAIL then fail("eom: expected tempfail, got " .. string.format("%q", r)) end
	else
		fail("unknown EXPECT " .. tostring(EXPECT))
	end
	if EXPECT ~= "tempfail-internal" then
		envelope_untouched(conn)
		run_checks(conn)
	end
end)
if not ok and err ~= TEMPFAILED then fail(tostring(err)) end
mt.disconnect(conn)
print("ok")
