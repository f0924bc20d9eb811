-- Runs an Argo CD health script the way Argo CD does: the resource in the global `obj`, the script's return
-- value read as {status = ..., message = ...}. The script gets only the standard functions and libraries a
-- health check may rely on, so a script that reaches for io, os or require fails here as it would there.
--
-- Usage: lua5.1 argocd-driver.lua <health.lua> < object.lua   (stdin: `return { ... }`, the object as a table)
-- Prints the status on the first line and the message after it.

local script_path = arg[1]
if script_path == nil then
  io.stderr:write("usage: lua5.1 argocd-driver.lua <health.lua> < object.lua\n")
  os.exit(2)
end

local load_object, object_error = loadstring(io.read("*a"), "=object")
if load_object == nil then
  io.stderr:write("the object is not a Lua chunk: " .. object_error .. "\n")
  os.exit(2)
end
setfenv(load_object, {})

local check, check_error = loadfile(script_path)
if check == nil then
  io.stderr:write("the health script does not compile: " .. check_error .. "\n")
  os.exit(3)
end

local sandbox = {
  obj = load_object(),
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall, select = select,
  tonumber = tonumber, tostring = tostring, type = type, unpack = unpack,
  string = string, table = table, math = math,
}
setfenv(check, sandbox)

local ok, result = pcall(check)
if not ok then
  io.stderr:write("the health script failed: " .. tostring(result) .. "\n")
  os.exit(4)
end

local statuses = { Healthy = true, Progressing = true, Degraded = true, Suspended = true, Missing = true, Unknown = true }
if type(result) ~= "table" or not statuses[result.status] then
  io.stderr:write("the health script must return {status = <an Argo CD health status>, message = ...}\n")
  os.exit(5)
end
if result.message ~= nil and type(result.message) ~= "string" then
  io.stderr:write("the message must be a string\n")
  os.exit(5)
end
io.write(result.status, "\n", result.message or "")
